using System.Text.Json;
using System.Text.Json.Serialization;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.Licenses;

/// <summary>
/// &lt;root&gt;/licenses.json: the licences accepted once for this root (`nvsdk licenses accept`). Written
/// atomically under a path lock, so two concurrent accepts both land.
/// </summary>
public sealed class LicenseRecord(StoreLayout layout)
{
    public const string FileName = "licenses.json";

    public string Path => System.IO.Path.Combine(layout.Root, FileName);

    public IReadOnlyList<LicenseAcceptance> Read()
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(Path), LicenseJsonContext.Default.LicenseRecordFile)?.Accepted ?? [];
        }
        catch (JsonException e)
        {
            throw new UsageException($"{Path}: not a licence record ({e.Message})", "remove it and accept the licences again with `nvsdk licenses accept`");
        }
    }

    /// <summary>Records <paramref name="licenses"/> as accepted now (replacing older acceptances of the same ids).</summary>
    public async Task<IReadOnlyList<LicenseAcceptance>> AcceptAsync(IReadOnlyList<LicenseInfo> licenses, TimeSpan lockTimeout, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(layout.Root);
        Directory.CreateDirectory(layout.LocksDir);
        var held = await PathLock.AcquireAsync(layout.LockPath("licenses"), lockTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (held.ConfigureAwait(false))
        {
            var added = licenses.Select(l => LicenseAcceptance.Now(l, LicenseAcceptance.ViaCommand)).ToList();
            var ids = added.Select(a => a.Id).ToHashSet(StringComparer.Ordinal);
            var all = Read().Where(a => !ids.Contains(a.Id)).Concat(added).OrderBy(a => a.Id, StringComparer.Ordinal).ToList();
            NvsdkStore.WriteAtomically(Path, JsonSerializer.SerializeToUtf8Bytes(new LicenseRecordFile(all), LicenseJsonContext.Default.LicenseRecordFile));
            return added;
        }
    }
}

/// <summary>The file's shape: { "accepted": [ … ] }.</summary>
public sealed record LicenseRecordFile(IReadOnlyList<LicenseAcceptance> Accepted);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(LicenseRecordFile))]
internal sealed partial class LicenseJsonContext : JsonSerializerContext;
