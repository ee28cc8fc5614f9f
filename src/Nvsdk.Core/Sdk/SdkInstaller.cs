using System.Text;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Plan;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.Sdk;

/// <summary>
/// `nvsdk install`: fetch → unpack → assemble a generation → switch `current`. Each artifact is unpacked as
/// soon as its download is verified, while others still download. Nothing changes for the user until the
/// final atomic switch; a failure or a kill leaves the previous generation current and working. An install
/// whose inputs match the current generation is a no-op decided from the lock alone.
/// </summary>
public static class SdkInstaller
{
    private const string GeneratorVersion = "nvsdk-generation-v1";

    public static async Task<InstallResult> InstallAsync(
        LockFile.LockFile lockFile,
        Selection selection,
        NvsdkStore store,
        FetchOptions options,
        Action<FetchEvent>? report = null,
        CancellationToken cancellationToken = default,
        Cache.CacheSource? cache = null)
    {
        var generations = new Generations(store.Layout);
        if (TryNoOp(lockFile, selection, store, generations) is { } same)
        {
            return new InstallResult(same, NoOp: true, Downloaded: 0, Unpacked: 0);
        }

        var trees = new (Artifact Artifact, TreeInstallResult Tree)[selection.Artifacts.Count];
        var failures = new List<SourceFailure>();
        var downloaded = 0;
        var fromCache = 0;
        using var downloader = new ArtifactDownloader(options);
        using var registry = new Oci.Registry.RegistryClient(new Oci.Registry.RegistryClientOptions { Fetch = options });
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Parallelism), CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(Enumerable.Range(0, trees.Length), parallel, async (i, ct) =>
        {
            var artifact = selection.Artifacts[i];
            try
            {
                if (cache is not null && await cache.TryAsync(store, artifact, report, ct).ConfigureAwait(false) is { } cached)
                {
                    if (cached.Unpacked)
                    {
                        Interlocked.Increment(ref fromCache);
                    }

                    trees[i] = (artifact, cached);
                    return;
                }

                if (artifact.Format == ArtifactFormat.OciImage)
                {
                    var image = await store.EnsureLockedImageAsync(artifact, selection.System, registry, report, ct).ConfigureAwait(false);
                    if (image.Downloaded)
                    {
                        Interlocked.Increment(ref downloaded);
                    }

                    trees[i] = (artifact, await store.EnsureImageTreeAsync(artifact, image, m => report?.Invoke(new FetchEvent.Waiting(artifact.Label, m)), ct).ConfigureAwait(false));
                    return;
                }

                var archive = await store.EnsureArtifactAsync(artifact, downloader, report, ct).ConfigureAwait(false);
                if (archive.Downloaded)
                {
                    Interlocked.Increment(ref downloaded);
                }

                var tree = await store.EnsureTreeAsync(artifact, archive, onWait: m => report?.Invoke(new FetchEvent.Waiting(artifact.Label, m)), cancellationToken: ct).ConfigureAwait(false);
                trees[i] = (artifact, tree);
            }
            catch (NvsdkException e)
            {
                lock (failures)
                {
                    failures.Add(new SourceFailure(artifact.Label, e.Message, e));
                }
            }
        }).ConfigureAwait(false);

        if (failures.Count > 0)
        {
            throw new InstallException(failures);
        }

        var record = await AssembleAsync(lockFile, selection.System, trees, store, generations, cancellationToken).ConfigureAwait(false);
        return new InstallResult(record, NoOp: false, downloaded, trees.Count(t => t.Tree.Unpacked) - fromCache, fromCache);
    }

    /// <summary>The current generation, when its inputs are exactly what this install would use.</summary>
    private static GenerationRecord? TryNoOp(LockFile.LockFile lockFile, Selection selection, NvsdkStore store, Generations generations)
    {
        if (selection.Artifacts.Any(a => !a.IsPinned) || generations.Current() is not { } current)
        {
            return null;
        }

        var names = selection.Artifacts.Select(a => NvsdkStore.TreeEntryName(a, a.Sha256!.Value)).ToList();
        var key = Key(lockFile, selection.System, names);
        return current.Key == key && Directory.Exists(generations.PathOf(current.Number)) && names.All(n => File.Exists(store.Layout.RegistrationPath(n)))
            ? current
            : null;
    }

    private static string Key(LockFile.LockFile lockFile, SystemId system, IEnumerable<string> treeNames) =>
        Sha256Digest.Of(Encoding.UTF8.GetBytes($"{GeneratorVersion}\n{system}\n{lockFile.CudaVersion}\n{string.Join('\n', treeNames.Order(StringComparer.Ordinal))}\n")).Hex;

    private static async Task<GenerationRecord> AssembleAsync(
        LockFile.LockFile lockFile,
        SystemId system,
        (Artifact Artifact, TreeInstallResult Tree)[] trees,
        NvsdkStore store,
        Generations generations,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(generations.Dir);
        var held = await PathLock.AcquireAsync(store.Layout.LockPath("generations"), store.Options.LockTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (held.ConfigureAwait(false))
        {
            var number = generations.NextNumber();
            var final = generations.PathOf(number);
            NvsdkStore.DeleteTree(final); // a tree renamed into place whose record never got written
            var staging = Path.Combine(generations.Dir, $".sdk-{number}.{Environment.ProcessId}.tmp");
            CleanStaleStaging(generations.Dir);
            var record = new GenerationRecord
            {
                Number = number,
                CreatedAt = DateTimeOffset.UtcNow,
                Key = Key(lockFile, system, trees.Select(t => t.Tree.Record.Name)),
                System = system.Name,
                CudaVersion = lockFile.CudaVersion,
                Lock = Path.GetFullPath(lockFile.Path),
                Components = trees.Select(t => new GenerationComponent(t.Artifact.Component.Name, t.Artifact.Version, t.Tree.Record.Name)).OrderBy(c => c.Name, StringComparer.Ordinal).ToList(),
                Entries = trees.Select(t => t.Tree.Record.Name).Order(StringComparer.Ordinal).ToList(),
            };
            try
            {
                Directory.CreateDirectory(staging);
                var builder = new GenerationBuilder(staging, system);
                foreach (var (artifact, tree) in trees.OrderBy(t => t.Artifact.Component.Name, StringComparer.Ordinal))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (artifact.Format == ArtifactFormat.OciImage)
                    {
                        builder.AddImage(artifact.Component.Name, tree.EntryPath);
                    }
                    else
                    {
                        builder.AddComponent(artifact.Component.Name, tree.EntryPath);
                    }
                }

                builder.AddStandardLinks();
                record = record with { CopiedFiles = builder.CopiedFiles };
                GeneratedFiles.Write(staging, final, record);
                NvsdkStore.SyncAndSeal(staging);
                record = record with { Shape = GenerationShape.Of(staging, cancellationToken) };
                Directory.Move(staging, final);
                generations.WriteRecord(record);
            }
            catch
            {
                NvsdkStore.DeleteTree(staging);
                throw;
            }

            generations.Switch(number);
            return record;
        }
    }

    /// <summary>Staging folders of generations can only be left by dead installs: we hold the generations lock.</summary>
    private static void CleanStaleStaging(string dir)
    {
        foreach (var stale in Directory.EnumerateDirectories(dir, ".sdk-*.tmp"))
        {
            NvsdkStore.DeleteTree(stale);
        }
    }
}

/// <summary>The generation an install produced (or found already current).</summary>
public sealed record InstallResult(GenerationRecord Generation, bool NoOp, int Downloaded, int Unpacked, int FromCache = 0);

/// <summary>One or more artifacts could not be fetched or unpacked; the previous generation stays current.</summary>
public sealed class InstallException(IReadOnlyList<SourceFailure> failures)
    : NvsdkException(
        failures.Any(f => f.Error is NvsdkException { Code: ErrorCode.InvalidInput }) ? ErrorCode.InvalidInput : ErrorCode.FetchFailed,
        "install failed, the current generation is unchanged: " + string.Join("; ", failures.Select(f => f.Reason)),
        failures[0].Error)
{
    public IReadOnlyList<SourceFailure> Failures { get; } = failures;
}
