using System.Text;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Plan;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.Sdk;

/// <summary>
/// `nvsdk install`: fetch → unpack → assemble a generation → switch `current`. Each tar artifact is unpacked
/// while it downloads (kept only if the verified digest matches), one artifact per core; every tree is staged
/// and then flushed to disk once (<see cref="DurabilityBatch"/>). Nothing changes for the user until the
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
        Cache.CacheSource? cache = null,
        GenerationInputs? inputs = null,
        bool repair = false)
    {
        var generations = new Generations(store.Layout);
        var repaired = repair ? await DropDamagedAsync(selection, store, cancellationToken).ConfigureAwait(false) : [];
        using (Platform.PhaseTimings.Measure("no-op check"))
        {
            if (!repair && TryNoOp(lockFile, selection, store, generations) is { } same)
            {
                return new InstallResult(same, NoOp: true, Downloaded: 0, Unpacked: 0);
            }
        }

        var trees = new (Artifact Artifact, TreeInstallResult Tree)[selection.Artifacts.Count];
        var failures = new List<SourceFailure>();
        var downloaded = 0;
        var fromCache = 0;
        using var downloader = new ArtifactDownloader(options);
        // The cache's client when there is one (its connections serve the images too), else one of our own.
        using var ownRegistry = cache is null ? new Oci.Registry.RegistryClient(new Oci.Registry.RegistryClientOptions { Fetch = options }) : null;
        var registry = cache?.Client ?? ownRegistry!;

        // Every tree is staged first and flushed once; a cancelled install throws the staging away.
        var batch = store.BeginBatch();
        await using var discard = batch.ConfigureAwait(false);
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Platform.MachineCapacity.For(trees.Length, options.Parallelism), CancellationToken = cancellationToken };
        Platform.MachineCapacity.ReserveThreads(options.Parallelism);
        var staged = Platform.PhaseTimings.Measure("fetch, unpack and stage every entry");
        await Parallel.ForEachAsync(Enumerable.Range(0, trees.Length), parallel, async (i, ct) =>
        {
            var artifact = selection.Artifacts[i];
            try
            {
                if (cache is not null && await cache.TryAsync(store, artifact, report, ct, batch).ConfigureAwait(false) is { } cached)
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

                var (tree, fetched) = await store.EnsureTreeStreamingAsync(artifact, downloader, report, ct, batch).ConfigureAwait(false);
                if (fetched)
                {
                    Interlocked.Increment(ref downloaded);
                }

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
        staged.Dispose();

        // What did arrive is kept even when something else failed, so a retry only fetches the rest.
        using (Platform.PhaseTimings.Measure("commit the entries (flush, rename, register)"))
        {
            batch.Commit();
        }

        if (failures.Count > 0)
        {
            throw new InstallException(failures);
        }

        // A repair always builds a fresh generation: the current one's hard links may share the damaged bytes.
        using var assembling = Platform.PhaseTimings.Measure("assemble and switch the generation");
        var (record, reused) = await AssembleAsync(lockFile, selection.System, trees, store, generations, inputs ?? GenerationInputs.None, reuseCurrent: repaired.Count == 0, cancellationToken).ConfigureAwait(false);
        return new InstallResult(record, NoOp: reused, downloaded, trees.Count(t => t.Tree.Unpacked) - fromCache, fromCache) { Repaired = repaired };
    }

    /// <summary>The store entries this install would use (archives and trees), re-hashed; damaged ones are dropped.</summary>
    private static Task<IReadOnlyList<EntryVerdict>> DropDamagedAsync(Selection selection, NvsdkStore store, CancellationToken cancellationToken)
    {
        var names = new List<string>();
        foreach (var artifact in selection.Artifacts)
        {
            if (store.FindArtifact(artifact) is { } archive)
            {
                names.Add(archive.Name);
            }

            if (artifact.Sha256 is { } digest && artifact.Format != ArtifactFormat.OciImage)
            {
                names.Add(NvsdkStore.TreeEntryName(artifact, digest));
            }
        }

        return store.DropDamagedAsync(names, cancellationToken);
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

    private static async Task<(GenerationRecord Record, bool Reused)> AssembleAsync(
        LockFile.LockFile lockFile,
        SystemId system,
        (Artifact Artifact, TreeInstallResult Tree)[] trees,
        NvsdkStore store,
        Generations generations,
        GenerationInputs inputs,
        bool reuseCurrent,
        CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(generations.Dir);
        var held = await PathLock.AcquireAsync(store.Layout.LockPath("generations"), store.Options.LockTimeout, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (held.ConfigureAwait(false))
        {
            // Re-check under the lock: another install of the same lock may have made this generation while we
            // fetched (two `nvsdk install` at once must give one generation, not two identical ones).
            var key = Key(lockFile, system, trees.Select(t => t.Tree.Record.Name));
            if (reuseCurrent && generations.Current() is { } current && current.Key == key && Directory.Exists(generations.PathOf(current.Number)))
            {
                return (current, true);
            }

            var number = generations.NextNumber();
            var final = generations.PathOf(number);
            NvsdkStore.DeleteTree(final); // a tree renamed into place whose record never got written
            var staging = Path.Combine(generations.Dir, $".sdk-{number}.{Environment.ProcessId}.tmp");
            CleanStaleStaging(generations.Dir);
            var record = new GenerationRecord
            {
                Number = number,
                CreatedAt = DateTimeOffset.UtcNow,
                Key = key,
                System = system.Name,
                CudaVersion = lockFile.CudaVersion,
                DriverVersion = lockFile.DriverVersion,
                Lock = Path.GetFullPath(lockFile.Path),
                Components = trees.Select(t => new GenerationComponent(t.Artifact.Component.Name, t.Artifact.Version, t.Tree.Record.Name)).OrderBy(c => c.Name, StringComparer.Ordinal).ToList(),
                Entries = trees.Select(t => t.Tree.Record.Name).Order(StringComparer.Ordinal).ToList(),
            };
            try
            {
                Directory.CreateDirectory(staging);
                var linking = Platform.PhaseTimings.Measure("generation: hard links");
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
                linking.Dispose();
                using (Platform.PhaseTimings.Measure("generation: provenance, SBOM, env files"))
                {
                    record = record with { CopiedFiles = builder.CopiedFiles };
                    record = GenerationProvenance.Write(staging, record, lockFile, trees, inputs);
                    GeneratedFiles.Write(staging, final, record, inputs.Targets);
                }

                using (Platform.PhaseTimings.Measure("generation: flush and seal"))
                {
                    NvsdkStore.SyncAndSeal(staging);
                }

                using (Platform.PhaseTimings.Measure("generation: shape"))
                {
                    record = record with { Shape = GenerationShape.Of(staging, cancellationToken) };
                }

                Directory.Move(staging, final);
                generations.WriteRecord(record);
            }
            catch
            {
                NvsdkStore.DeleteTree(staging);
                throw;
            }

            generations.Switch(number);
            return (record, false);
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
public sealed record InstallResult(GenerationRecord Generation, bool NoOp, int Downloaded, int Unpacked, int FromCache = 0)
{
    /// <summary>With --repair: the damaged entries that were dropped and rebuilt.</summary>
    public IReadOnlyList<EntryVerdict> Repaired { get; init; } = [];
}

/// <summary>One or more artifacts could not be fetched or unpacked; the previous generation stays current.</summary>
public sealed class InstallException(IReadOnlyList<SourceFailure> failures)
    : NvsdkException(
        failures.Any(f => f.Error is NvsdkException { Code: ErrorCode.InvalidInput }) ? ErrorCode.InvalidInput : ErrorCode.FetchFailed,
        "install failed, the current generation is unchanged: " + string.Join("; ", failures.Select(f => f.Reason)),
        failures[0].Error)
{
    public IReadOnlyList<SourceFailure> Failures { get; } = failures;
}
