using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Update;

/// <summary>
/// Picks from one TensorRT release folder's tars the newest build with a tar for the SDK's CUDA major on every
/// system. Per system the tar built for the SDK's own CUDA minor wins, else the highest minor below it (a
/// build for a newer minor may need a newer runtime than the SDK has). When nothing fits, <c>Reason</c> says
/// what was missing, for the newest build the folder had.
/// </summary>
public static class TensorRtChoice
{
    public static (Version Version, IReadOnlyList<TensorRtTar> Tars)? Choose(IReadOnlyCollection<TensorRtTar> tars, int cudaMajor, int cudaMinor, out string reason)
    {
        reason = $"no Linux tar for CUDA {cudaMajor}";
        var newest = true;
        foreach (var build in tars.Where(t => t.CudaMajor == cudaMajor).GroupBy(t => t.Version).OrderByDescending(g => g.Key))
        {
            var picked = new List<TensorRtTar>();
            string? missing = null;
            foreach (var system in SystemId.All)
            {
                var forSystem = build.Where(t => t.System == system).ToList();
                var best = forSystem.Where(t => t.CudaMinor <= cudaMinor).OrderByDescending(t => t.CudaMinor).Cast<TensorRtTar?>().FirstOrDefault();
                if (best is { } tar)
                {
                    picked.Add(tar);
                    continue;
                }

                missing ??= forSystem.Count == 0
                    ? $"no {system} tar for CUDA {cudaMajor}"
                    : $"{system} tars only for CUDA {string.Join(", ", forSystem.Select(t => $"{cudaMajor}.{t.CudaMinor}").Order(StringComparer.Ordinal))}, newer than the SDK's {cudaMajor}.{cudaMinor}";
            }

            if (missing is null)
            {
                return (build.Key, picked);
            }

            if (newest)
            {
                reason = missing;
                newest = false;
            }
        }

        return null;
    }
}
