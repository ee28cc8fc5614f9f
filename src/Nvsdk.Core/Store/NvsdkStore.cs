using System.Text.Json;
using Nvsdk.Core.Errors;
using Nvsdk.Core.LockFile;

namespace Nvsdk.Core.Store;

/// <summary>
/// The content-addressed store under one root. This file: opening it and looking entries up. The install
/// protocol, verify and gc live in the partial files beside it.
/// </summary>
public sealed partial class NvsdkStore
{
    private NvsdkStore(StoreLayout layout, StoreOptions options)
    {
        Layout = layout;
        Options = options;
    }

    public StoreLayout Layout { get; }

    public StoreOptions Options { get; }

    /// <summary>Opens a store for reading; nothing is created, so a read-only look never writes.</summary>
    public static NvsdkStore OpenReadOnly(string root, StoreOptions? options = null) =>
        new(new StoreLayout(root), options ?? new StoreOptions());

    /// <summary>Opens a store for writing, creating its folders; fails with one clear line if the root is not writable.</summary>
    public static NvsdkStore Open(string root, StoreOptions? options = null)
    {
        var store = OpenReadOnly(root, options);
        store.CreateLayout();
        return store;
    }

    private void CreateLayout()
    {
        try
        {
            foreach (var dir in new[] { Layout.StoreDir, Layout.StagingDir, Layout.DbDir, Layout.DownloadsDir, Layout.LocksDir, Layout.RootsDir })
            {
                Directory.CreateDirectory(dir);
            }

            // Creating folders can succeed on a root we cannot write into later (an existing read-only tree).
            var probe = Path.Combine(Layout.StagingDir, $".probe-{Environment.ProcessId}-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new StoreException(
                ErrorCode.StoreUnavailable,
                $"cannot write to the store root {Layout.Root} ({e.Message.TrimEnd('.')}); pass --root DIR or set NVSDK_ROOT to a writable directory",
                e);
        }
    }

    /// <summary>The registration of an entry, or null if it is not (yet) a valid entry.</summary>
    public StoreEntryRecord? TryGetRecord(string entryName)
    {
        var path = Layout.RegistrationPath(entryName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, StoreJsonContext.Default.StoreEntryRecord);
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            throw new StoreException(ErrorCode.StoreCorrupt, $"the registration {path} is unreadable; run `nvsdk store verify`", e);
        }
    }

    /// <summary>The registered entry holding this artifact, if any.</summary>
    public StoreEntryRecord? FindArtifact(Artifact artifact)
    {
        if (artifact.Sha256 is { } digest)
        {
            return TryGetRecord(StoreLayout.ArtifactEntryName(digest, artifact));
        }

        var alias = AliasPath(StoreLayout.ArtifactKey(artifact));
        return File.Exists(alias) ? TryGetRecord(File.ReadAllText(alias).Trim()) : null;
    }

    /// <summary>Every registered entry, sorted by name.</summary>
    public IReadOnlyList<StoreEntryRecord> List()
    {
        if (!Directory.Exists(Layout.DbDir))
        {
            return [];
        }

        return Directory.EnumerateFiles(Layout.DbDir, "*.json")
            .Select(f => TryGetRecord(Path.GetFileNameWithoutExtension(f)))
            .OfType<StoreEntryRecord>()
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
    }

    private string AliasPath(string key) => Path.Combine(Layout.DbDir, key + ".alias");
}
