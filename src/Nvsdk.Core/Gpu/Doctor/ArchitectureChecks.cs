using Nvsdk.Core.Gpu.Cuda;
using Nvsdk.Core.Gpu.Host;

namespace Nvsdk.Core.Gpu.Doctor;

/// <summary>
/// Per GPU: can the installed (or else the pinned) CUDA compile for this GPU's architecture? A P100 under CUDA 13
/// gets an SDK whose nvcc refuses sm_60 and whose libraries hold no code for it: the user would learn that at run
/// time, so doctor says it up front.
/// </summary>
internal static class ArchitectureChecks
{
    public static IEnumerable<Finding> Run(HostSnapshot host)
    {
        var cuda = host.Sdk?.CudaVersion ?? host.RequiredCudaVersion;
        var targets = cuda is null ? null : CudaTargets.For(cuda);
        foreach (var gpu in host.Nvml.Gpus)
        {
            var id = $"gpu.{gpu.Index}.arch";
            if (gpu.ComputeCapabilityMajor is not { } major || gpu.ComputeCapabilityMinor is not { } minor)
            {
                yield return Finding.Skip(id, $"GPU {gpu.Index}: NVML gave no compute capability");
                continue;
            }

            var cc = new ComputeCapability(major, minor);
            var what = $"GPU {gpu.Index} ({gpu.Name}) is {cc.ArchitectureName} {cc.SmName}";
            if (targets is not { } range)
            {
                yield return Finding.Skip(id, $"{what}; no installed or pinned CUDA version to compare it with");
            }
            else if (cc < range.Oldest)
            {
                yield return Finding.Fail(
                    id,
                    $"{what}, but CUDA {cuda} builds only for {range.Oldest.SmName} and newer: its nvcc and libraries cannot target this GPU",
                    $"pin a CUDA release that still targets {cc.SmName} (CUDA 12.x builds for sm_50 and newer): use a lock whose sdk.cuda is 12.x (`nvsdk --lock cuda12.lock.json install`)");
            }
            else if (cc > range.Newest)
            {
                yield return Finding.Warn(
                    id,
                    $"{what}, newer than CUDA {cuda}'s newest target {range.Newest.SmName}: code runs only through PTX JIT at first launch",
                    "pin a newer CUDA release (`nvsdk update`) to build native code for it");
            }
            else
            {
                yield return Finding.Ok(id, $"{what}: CUDA {cuda} targets it ({range.Oldest.SmName} to {range.Newest.SmName})");
            }
        }
    }
}
