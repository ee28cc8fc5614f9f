namespace Nvsdk.Core.Errors;

/// <summary>
/// The GPU cannot be used as asked. Three shapes, one type: a CUDA library is missing
/// (<see cref="ErrorCode.GpuUnavailable"/>: the user installs something), the driver will not start
/// (<see cref="ErrorCode.GpuUnavailable"/>: no device, or a driver/library mismatch), or a CUDA or NVRTC call
/// failed (<see cref="ErrorCode.Internal"/>), named with the library's own error name and string.
/// </summary>
public sealed class GpuUnavailableException : NvsdkException
{
    private GpuUnavailableException(ErrorCode code, string message, Exception? innerException = null)
        : base(code, message, innerException)
    {
    }

    /// <summary>The library that is missing or that failed: "libcuda.so.1", "libnvrtc".</summary>
    public string? Library { get; private init; }

    /// <summary>Where the library was looked for, in order (empty unless it is missing).</summary>
    public IReadOnlyList<string> Searched { get; private init; } = [];

    /// <summary>The call that failed, e.g. "cuModuleLoadData"; null when the library is missing.</summary>
    public string? Call { get; private init; }

    /// <summary>The CUresult or nvrtcResult the call returned.</summary>
    public int? Result { get; private init; }

    /// <summary>The result's name, e.g. "CUDA_ERROR_NO_DEVICE" or "NVRTC_ERROR_COMPILATION".</summary>
    public string? ResultName { get; private init; }

    /// <summary>
    /// A library could not be loaded from anywhere it was looked for. <paramref name="message"/> is the whole
    /// one-line verdict, fix included ("libnvrtc not found: run `nvsdk install` or set CUDA_PATH").
    /// </summary>
    public static GpuUnavailableException LibraryMissing(string library, IReadOnlyList<string> searched, string message) =>
        new(ErrorCode.GpuUnavailable, message) { Library = library, Searched = searched };

    /// <summary>A library loaded but lacks a function this code needs: the driver or toolkit is too old.</summary>
    public static GpuUnavailableException FunctionMissing(string library, string function, string fix) =>
        new(ErrorCode.GpuUnavailable, $"{library} has no {function}: {fix}") { Library = library, Call = function };

    /// <summary>cuInit refused: no device, no kernel module, or a driver/library mismatch.</summary>
    public static GpuUnavailableException DriverUnusable(int result, string resultName, string description) =>
        new(ErrorCode.GpuUnavailable, $"the CUDA driver cannot start: cuInit: {resultName} ({description}); run `nvsdk doctor` to see why")
        {
            Library = "libcuda.so.1",
            Call = "cuInit",
            Result = result,
            ResultName = resultName,
        };

    /// <summary>NVML cannot report on any GPU (no driver, no device, a version mismatch): what status and top need.</summary>
    public static GpuUnavailableException NvmlUnusable(string error) =>
        new(ErrorCode.GpuUnavailable, $"no usable NVIDIA GPU: NVML {error}; run `nvsdk doctor` for what it means and the fix") { Library = "libnvidia-ml.so.1" };

    /// <summary>The GPU and the CUDA libraries found do not go together (e.g. an NVRTC that predates the GPU).</summary>
    public static GpuUnavailableException Incompatible(string library, string message) =>
        new(ErrorCode.GpuUnavailable, message) { Library = library };

    /// <summary>A CUDA driver or NVRTC call returned an error; <paramref name="description"/> is the library's explanation, if it has one.</summary>
    public static GpuUnavailableException CallFailed(string library, string call, int result, string resultName, string? description = null) =>
        new(ErrorCode.Internal, description is null ? $"{call} failed: {resultName}" : $"{call} failed: {resultName} ({description})")
        {
            Library = library,
            Call = call,
            Result = result,
            ResultName = resultName,
        };
}
