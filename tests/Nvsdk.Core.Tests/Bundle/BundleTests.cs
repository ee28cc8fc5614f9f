using System.Formats.Tar;
using Nvsdk.Core.Bundle;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Plan;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Sdk;
using Nvsdk.Core.Store;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Bundle;

/// <summary>
/// Air-gapped bundles end to end through the library: a store filled from fixture archives served by
/// file:// URLs is exported, the bundle is imported into a fresh store, and an install with every network
/// source unreachable then succeeds from the store alone. Damaged bundles are refused precisely.
/// </summary>
public sealed class BundleTests(BundleFixtureArtifacts fixtures) : IClassFixture<BundleFixtureArtifacts>, IDisposable
{
    private static readonly SystemId Target = SystemId.X86_64Linux;
    private static readonly FetchOptions Offline = new() { AttemptsPerSource = 1, StallTimeout = TimeSpan.FromSeconds(2), InitialBackoff = TimeSpan.FromMilliseconds(1) };

    private readonly TempDir temp = new("nvsdk-bundle-");

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task ExportThenImport_FreshStoreAndUnreachableSources_InstallNeedsNoNetwork()
    {
        var (bundle, exported) = await ExportAsync();
        Assert.Equal(9, exported.Manifest.Artifacts.Count); // 4 CUDA packages + cuDNN, cuTENSOR, TensorRT, NCCL per system + cutlass for all
        Assert.Equal(9, exported.Fetched);
        Assert.False(File.Exists(bundle + ".tmp"));

        var store = NvsdkStore.Open(temp.Combine("air-gapped"));
        var lockCopy = temp.Combine("bundle.lock.json");
        var imported = await BundleReader.ImportAsync(bundle, store, lockCopy);

        Assert.True(imported.AllSucceeded);
        Assert.Equal(9, imported.Imported);
        Assert.Equal(lockCopy, imported.LockWrittenTo);
        Assert.Equal(await File.ReadAllBytesAsync(fixtures.LockPath), await File.ReadAllBytesAsync(lockCopy));
        Assert.All(imported.Outcomes, o => Assert.StartsWith($"{new Uri(bundle)}#artifacts/", o.Result!.Record.Source, StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Layout.StagingDir));

        var offlineLock = LockFileParser.Load(PointSourcesAtNothing(lockCopy, temp.Combine("offline.lock.json")));
        var install = await SdkInstaller.InstallAsync(offlineLock, ArtifactSelection.Select(offlineLock, [], Target, allowUnpinned: false), store, Offline);

        Assert.Equal(0, install.Downloaded);
        Assert.True(Directory.Exists(new Generations(store.Layout).PathOf(install.Generation.Number)));
    }

    [Fact]
    public async Task Import_Twice_SecondFindsEverythingPresent()
    {
        var (bundle, _) = await ExportAsync();
        var store = NvsdkStore.Open(temp.Combine("air-gapped"));
        await BundleReader.ImportAsync(bundle, store);

        var again = await BundleReader.ImportAsync(bundle, store);

        Assert.True(again.AllSucceeded);
        Assert.Equal(0, again.Imported);
        Assert.Equal(9, again.AlreadyPresent);
    }

    [Fact]
    public async Task Export_Layout_ManifestThenLockThenArtifactsByDigest()
    {
        var (bundle, exported) = await ExportAsync();

        var names = new List<string>();
        await using (var reader = new TarReader(File.OpenRead(bundle)))
        {
            while (await reader.GetNextEntryAsync() is { } entry)
            {
                names.Add(entry.Name);
            }
        }

        Assert.Equal(
            [BundleManifest.ManifestEntryName, BundleManifest.LockEntryName, .. exported.Manifest.Artifacts.Select(a => $"artifacts/{a.Sha256.Hex}-{a.File}")],
            names);
        Assert.Equal(Target, exported.Manifest.System);
        Assert.Equal(BundleManifest.CurrentFormatVersion, exported.Manifest.FormatVersion);
        var cudnn = fixtures.Artifacts.Single(a => a.Component == "cudnn" && a.Systems.Contains(Target));
        var listed = exported.Manifest.Artifacts.Single(a => a.File == cudnn.FileName);
        Assert.Equal((cudnn.Sha256, cudnn.Size, "9.17.0.29"), (listed.Sha256, listed.Size, listed.Version));
    }

    [Fact]
    public async Task Import_FlippedByteInOneArtifact_RefusesThatArtifactOnly()
    {
        var (bundle, exported) = await ExportAsync();
        var victim = exported.Manifest.Artifacts.Single(a => a.Component.Name == "cudnn");
        var offset = await DataOffsetAsync(bundle, victim.EntryName);
        await using (var file = new FileStream(bundle, FileMode.Open, FileAccess.ReadWrite))
        {
            file.Position = offset + 100;
            var b = file.ReadByte();
            file.Position = offset + 100;
            file.WriteByte((byte)(b ^ 0xff));
        }

        var store = NvsdkStore.Open(temp.Combine("air-gapped"));
        var result = await BundleReader.ImportAsync(bundle, store, temp.Combine("bundle.lock.json"));

        var refused = Assert.Single(result.Outcomes, o => !o.Succeeded);
        Assert.Equal(victim, refused.Artifact);
        var mismatch = Assert.IsType<DigestMismatchException>(refused.Error);
        Assert.Equal(victim.Sha256, mismatch.Expected);
        Assert.NotEqual(victim.Sha256, mismatch.Actual);
        Assert.Equal(victim.Size, mismatch.BytesRead);
        Assert.Contains(victim.File, mismatch.Message, StringComparison.Ordinal);
        Assert.Equal(8, result.Imported);
        Assert.DoesNotContain(store.List(), r => r.File == victim.File);
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Layout.StagingDir));
        Assert.Null(result.LockWrittenTo);
        Assert.False(File.Exists(temp.Combine("bundle.lock.json")));
    }

    [Theory]
    [InlineData("inside the manifest")]
    [InlineData("inside an artifact")]
    [InlineData("between artifacts")]
    public async Task Import_TruncatedBundle_ThrowsOneBundleException(string where)
    {
        var (bundle, exported) = await ExportAsync();
        var last = exported.Manifest.Artifacts[^1];
        var beforeLast = exported.Manifest.Artifacts[^2];
        long cut = where switch
        {
            "inside the manifest" => await DataOffsetAsync(bundle, BundleManifest.ManifestEntryName) + 10,
            "inside an artifact" => await DataOffsetAsync(bundle, last.EntryName) + (last.Size / 2),
            _ => RoundUp(await DataOffsetAsync(bundle, beforeLast.EntryName) + beforeLast.Size),
        };
        await using (var file = new FileStream(bundle, FileMode.Open, FileAccess.Write))
        {
            file.SetLength(cut);
        }

        var store = NvsdkStore.Open(temp.Combine("air-gapped"));
        var error = await Assert.ThrowsAsync<BundleException>(() => BundleReader.ImportAsync(bundle, store, temp.Combine("bundle.lock.json")));

        Assert.Equal(bundle, error.Bundle);
        Assert.DoesNotContain(store.List(), r => r.File == last.File);
        Assert.Empty(Directory.EnumerateFileSystemEntries(store.Layout.StagingDir));
        Assert.False(File.Exists(temp.Combine("bundle.lock.json")));
    }

    [Fact]
    public async Task Export_SourceUnreachable_WritesNothing()
    {
        var lockPath = FixtureLock.Write(temp.Combine("broken.lock.json"), fixtures.Artifacts, a => [($"file://{temp.Combine("missing", a.FileName)}", "upstream")]);
        var lockFile = LockFileParser.Load(lockPath);
        var bundle = temp.Combine("sdk.tar");

        var error = await Assert.ThrowsAsync<BundleException>(() => BundleWriter.ExportAsync(
            lockFile, ArtifactSelection.Select(lockFile, ["cudnn"], Target, allowUnpinned: false), NvsdkStore.Open(temp.Combine("root")), bundle, Offline));

        Assert.Equal(ErrorCode.FetchFailed, error.Code);
        Assert.False(File.Exists(bundle));
        Assert.False(File.Exists(bundle + ".tmp"));
    }

    [Fact]
    public async Task Import_NotABundle_IsRefusedBeforeTheStoreIsTouched()
    {
        var bundle = temp.Combine("other.tar");
        await using (var writer = new TarWriter(File.Create(bundle)))
        {
            await writer.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "README") { DataStream = new MemoryStream([1, 2, 3]) });
        }

        var store = NvsdkStore.Open(temp.Combine("air-gapped"));
        var error = await Assert.ThrowsAsync<BundleException>(() => BundleReader.ImportAsync(bundle, store));

        Assert.Equal(ErrorCode.InvalidInput, error.Code);
        Assert.Empty(store.List());
    }

    private async Task<(string Bundle, BundleExportResult Result)> ExportAsync()
    {
        var lockFile = LockFileParser.Load(fixtures.LockPath);
        var bundle = temp.Combine("sdk.tar");
        var result = await BundleWriter.ExportAsync(
            lockFile, ArtifactSelection.Select(lockFile, [], Target, allowUnpinned: false), NvsdkStore.Open(temp.Combine("root")), bundle, Offline);
        return (bundle, result);
    }

    private static async Task<long> DataOffsetAsync(string bundle, string entryName)
    {
        await using var reader = new TarReader(File.OpenRead(bundle));
        while (await reader.GetNextEntryAsync() is { } entry)
        {
            if (entry.Name == entryName)
            {
                return entry.DataOffset;
            }
        }

        throw new InvalidOperationException($"{entryName} is not in {bundle}");
    }

    private static long RoundUp(long offset) => (offset + 511) / 512 * 512;

    /// <summary>A copy of the lock whose every source is a port nothing listens on.</summary>
    private static string PointSourcesAtNothing(string lockPath, string copyPath)
    {
        var root = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(lockPath))!;
        foreach (var artifact in root["components"]!.AsArray().SelectMany(c => c!["artifacts"]!.AsArray()))
        {
            foreach (var source in artifact!["sources"]!.AsArray())
            {
                source!["url"] = $"http://127.0.0.1:9/{artifact["file"]}";
            }
        }

        File.WriteAllText(copyPath, root.ToJsonString());
        return copyPath;
    }
}

/// <summary>The fixture archives and a lock that serves them by file:// URLs, built once for <see cref="BundleTests"/>.</summary>
public sealed class BundleFixtureArtifacts : IAsyncLifetime
{
    private readonly TempDir dir = new("nvsdk-bundle-fixtures-");

    public IReadOnlyList<FixtureArtifact> Artifacts { get; private set; } = [];

    public string LockPath => dir.Combine("nvsdk.lock.json");

    public async Task InitializeAsync()
    {
        Artifacts = await FixtureArchives.BuildAsync(dir.Combine("archives"), payloadBytes: 4096);
        FixtureLock.Write(LockPath, Artifacts, a => [(new Uri(a.Path).AbsoluteUri, "upstream")]);
    }

    public Task DisposeAsync()
    {
        dir.Dispose();
        return Task.CompletedTask;
    }
}
