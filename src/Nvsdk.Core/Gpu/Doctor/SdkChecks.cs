using Nvsdk.Core.Gpu.Host;

namespace Nvsdk.Core.Gpu.Doctor;

/// <summary>Is the SDK reachable (CUDA_PATH/CUDA_HOME) and is nvsdk's current generation intact.</summary>
internal static class SdkChecks
{
    public static IEnumerable<Finding> Run(HostSnapshot host)
    {
        var sdk = host.Sdk;
        var cudaPath = host.Environment.GetValueOrDefault("CUDA_PATH");
        var cudaHome = host.Environment.GetValueOrDefault("CUDA_HOME");
        if (string.IsNullOrEmpty(cudaPath) && string.IsNullOrEmpty(cudaHome))
        {
            yield return Finding.Warn(
                "sdk.env",
                "CUDA_PATH and CUDA_HOME are not set: builds will not find the SDK unless told",
                sdk?.CurrentGeneration is not null ? "eval \"$(nvsdk env)\" in this shell, or systemPackages = true + `nvsdk host apply` for every login" : "install an SDK with `nvsdk install`, then eval \"$(nvsdk env)\"");
        }
        else
        {
            yield return Finding.Ok("sdk.env", $"CUDA_PATH={cudaPath ?? "(unset)"} CUDA_HOME={cudaHome ?? "(unset)"}");
        }

        if (sdk?.CurrentGeneration is not { } generation)
        {
            yield return Finding.Skip("sdk.generation", "no nvsdk SDK generation installed");
            yield break;
        }

        yield return sdk.MissingEntries.Count == 0
            ? Finding.Ok("sdk.generation", $"generation {generation} (CUDA {sdk.CudaVersion}) intact: every store entry it links into is registered")
            : Finding.Fail(
                "sdk.generation",
                $"generation {generation} is damaged: missing {string.Join(", ", sdk.MissingEntries)}",
                "`nvsdk store verify` for details, then `nvsdk install` (or `nvsdk generations rollback`)");
    }
}
