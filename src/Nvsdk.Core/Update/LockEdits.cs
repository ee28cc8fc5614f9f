using Nvsdk.Core.Errors;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Update;

/// <summary>
/// Applies update proposals to a lock: new version and artifacts per component; each mirror source keeps its
/// folder with the new file name (mirrors follow upstream names), upstream becomes the URL the source gave.
/// A new CUDA toolkit (the runfile, or every redistrib package) also moves sdk.cuda and sdk.driver.
/// The result must pass the offline checks before it may replace the old lock.
/// </summary>
public static class LockEdits
{
    public static LockFile.LockFile Apply(LockFile.LockFile lockFile, IEnumerable<UpdateProposal> proposals)
    {
        var byName = proposals.ToDictionary(p => p.Component, StringComparer.Ordinal);
        var components = lockFile.Components.Select(c => byName.TryGetValue(c.Id.Name, out var p) ? Apply(lockFile, c, p) : c).ToList();
        // sdk.cuda names the toolkit the SDK is built around (version files, pkg-config, modulefiles) and
        // sdk.driver the driver it wants (doctor's floor): they follow the toolkit's release, whose proposals say
        // so. Updates never leave the major, so every cudaMajor stays right.
        var toolkit = byName.Values.Select(p => p.Toolkit).FirstOrDefault(t => t is not null);
        var updated = lockFile with
        {
            CudaVersion = toolkit?.Release ?? lockFile.CudaVersion,
            DriverVersion = toolkit?.Driver ?? lockFile.DriverVersion,
            Components = components,
        };
        var errors = LockChecker.CheckSemantics(updated, SystemId.All).Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        if (errors.Count > 0)
        {
            throw new NvsdkException(ErrorCode.InvalidInput, $"the updated lock would not pass `nvsdk check` ({errors[0]}); the lock is unchanged");
        }

        return updated;
    }

    private static Component Apply(LockFile.LockFile lockFile, Component component, UpdateProposal proposal)
    {
        // One file serving several systems (CUTLASS's tarball) stays one artifact listing them all.
        var files = proposal.Artifacts
            .GroupBy(a => (a.FileName, a.Sha256))
            .Select(g => (First: g.OrderBy(a => a.System == SystemId.X86_64Linux ? 0 : 1).First(), Systems: g.Select(a => a.System).OrderBy(s => s == SystemId.X86_64Linux ? 0 : 1).ToList()))
            .OrderBy(f => f.First.System == SystemId.X86_64Linux ? 0 : 1);
        var artifacts = files.Select((f, i) =>
        {
            var a = f.First;
            var old = component.ArtifactsFor(a.System).FirstOrDefault() ?? component.Artifacts[0];
            var sources = old.Sources
                .Where(s => s.Role == SourceRole.Mirror)
                .Select(s => new ArtifactSource(new Uri(s.Url, a.FileName), SourceRole.Mirror))
                .Append(new ArtifactSource(a.Url, SourceRole.Upstream))
                .ToList();
            return old with
            {
                Version = proposal.NewVersion,
                FileName = a.FileName,
                Systems = f.Systems,
                Sha256 = a.Sha256,
                Size = a.Size,
                Sources = sources,
                UnpinnedReason = null,
                JsonPath = $"{component.JsonPath}.artifacts[{i}]",
            };
        }).ToList();
        return component with
        {
            Version = proposal.NewVersion,
            CudaMajor = component.CudaMajor is null ? null : lockFile.CudaMajor,
            Artifacts = artifacts,
        };
    }
}
