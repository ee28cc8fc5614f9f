using System.Runtime.InteropServices;
using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Gpu.Cuda;

/// <summary>
/// The slice of the CUDA driver API (libcuda.so.1, shipped by the driver) that the smoke test needs. It is
/// loaded at run time with <see cref="NativeLibrary.TryLoad(string, out nint)"/> and called through unmanaged
/// function pointers: a host without the driver gets a one-line finding instead of a DllNotFoundException,
/// nothing here touches the process-wide DllImport resolver, and it is NativeAOT/trim-safe.
/// <para>
/// Symbol names are the ABI names cuda.h maps the API names to (CUDA 13.0 headers): the memory functions
/// and cuDeviceTotalMem have been <c>_v2</c> (64-bit sizes) since CUDA 3.2, cuDevicePrimaryCtxRelease and
/// cuEventDestroy are <c>_v2</c> since 11.0, cuEventElapsedTime is <c>_v2</c> since 12.8 (the old symbol is
/// still exported, and is the fallback for older drivers). cuCtxSynchronize is bound by its plain name on
/// purpose: <c>cuCtxSynchronize_v2</c> exists too but takes an explicit CUcontext.
/// </para>
/// Handles: CUdevice is an int, CUdeviceptr a 64-bit integer, the other handles opaque pointers.
/// Not thread-safe in the CUDA sense: a context is current per thread, so one thread drives one test.
/// </summary>
internal sealed unsafe class CudaDriver
{
    /// <summary>The SONAME the driver installs; the unversioned libcuda.so is a development symlink.</summary>
    public const string DefaultLibrary = "libcuda.so.1";

    private const int Success = 0;

    private readonly delegate* unmanaged<uint, int> cuInit;
    private readonly delegate* unmanaged<int*, int> cuDriverGetVersion;
    private readonly delegate* unmanaged<int*, int> cuDeviceGetCount;
    private readonly delegate* unmanaged<int*, int, int> cuDeviceGet;
    private readonly delegate* unmanaged<byte*, int, int, int> cuDeviceGetName;
    private readonly delegate* unmanaged<byte*, int, int, int> cuDeviceGetPCIBusId;
    private readonly delegate* unmanaged<int*, int, int, int> cuDeviceGetAttribute;
    private readonly delegate* unmanaged<nuint*, int, int> cuDeviceTotalMem;
    private readonly delegate* unmanaged<nint*, int, int> cuDevicePrimaryCtxRetain;
    private readonly delegate* unmanaged<int, int> cuDevicePrimaryCtxRelease;
    private readonly delegate* unmanaged<nint, int> cuCtxSetCurrent;
    private readonly delegate* unmanaged<int> cuCtxSynchronize;
    private readonly delegate* unmanaged<nuint*, nuint*, int> cuMemGetInfo;
    private readonly delegate* unmanaged<nint*, void*, int> cuModuleLoadData;
    private readonly delegate* unmanaged<nint, int> cuModuleUnload;
    private readonly delegate* unmanaged<nint*, nint, byte*, int> cuModuleGetFunction;
    private readonly delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, int> cuLaunchKernel;
    private readonly delegate* unmanaged<ulong*, nuint, int> cuMemAlloc;
    private readonly delegate* unmanaged<ulong, int> cuMemFree;
    private readonly delegate* unmanaged<ulong, void*, nuint, int> cuMemcpyHtoD;
    private readonly delegate* unmanaged<void*, ulong, nuint, int> cuMemcpyDtoH;
    private readonly delegate* unmanaged<ulong, ulong, nuint, int> cuMemcpyDtoD;
    private readonly delegate* unmanaged<nint*, uint, int> cuEventCreate;
    private readonly delegate* unmanaged<nint, nint, int> cuEventRecord;
    private readonly delegate* unmanaged<nint, int> cuEventSynchronize;
    private readonly delegate* unmanaged<float*, nint, nint, int> cuEventElapsedTime;
    private readonly delegate* unmanaged<nint, int> cuEventDestroy;
    private readonly delegate* unmanaged<int, byte**, int> cuGetErrorName;
    private readonly delegate* unmanaged<int, byte**, int> cuGetErrorString;

    private CudaDriver(nint handle, string library)
    {
        Library = library;
        cuInit = (delegate* unmanaged<uint, int>)Export(handle, "cuInit");
        cuDriverGetVersion = (delegate* unmanaged<int*, int>)Export(handle, "cuDriverGetVersion");
        cuDeviceGetCount = (delegate* unmanaged<int*, int>)Export(handle, "cuDeviceGetCount");
        cuDeviceGet = (delegate* unmanaged<int*, int, int>)Export(handle, "cuDeviceGet");
        cuDeviceGetName = (delegate* unmanaged<byte*, int, int, int>)Export(handle, "cuDeviceGetName");
        cuDeviceGetPCIBusId = (delegate* unmanaged<byte*, int, int, int>)Export(handle, "cuDeviceGetPCIBusId");
        cuDeviceGetAttribute = (delegate* unmanaged<int*, int, int, int>)Export(handle, "cuDeviceGetAttribute");
        cuDeviceTotalMem = (delegate* unmanaged<nuint*, int, int>)Export(handle, "cuDeviceTotalMem_v2");
        cuDevicePrimaryCtxRetain = (delegate* unmanaged<nint*, int, int>)Export(handle, "cuDevicePrimaryCtxRetain");
        cuDevicePrimaryCtxRelease = (delegate* unmanaged<int, int>)Export(handle, "cuDevicePrimaryCtxRelease_v2");
        cuCtxSetCurrent = (delegate* unmanaged<nint, int>)Export(handle, "cuCtxSetCurrent");
        cuCtxSynchronize = (delegate* unmanaged<int>)Export(handle, "cuCtxSynchronize");
        cuMemGetInfo = (delegate* unmanaged<nuint*, nuint*, int>)Export(handle, "cuMemGetInfo_v2");
        cuModuleLoadData = (delegate* unmanaged<nint*, void*, int>)Export(handle, "cuModuleLoadData");
        cuModuleUnload = (delegate* unmanaged<nint, int>)Export(handle, "cuModuleUnload");
        cuModuleGetFunction = (delegate* unmanaged<nint*, nint, byte*, int>)Export(handle, "cuModuleGetFunction");
        cuLaunchKernel = (delegate* unmanaged<nint, uint, uint, uint, uint, uint, uint, uint, nint, void**, void**, int>)Export(handle, "cuLaunchKernel");
        cuMemAlloc = (delegate* unmanaged<ulong*, nuint, int>)Export(handle, "cuMemAlloc_v2");
        cuMemFree = (delegate* unmanaged<ulong, int>)Export(handle, "cuMemFree_v2");
        cuMemcpyHtoD = (delegate* unmanaged<ulong, void*, nuint, int>)Export(handle, "cuMemcpyHtoD_v2");
        cuMemcpyDtoH = (delegate* unmanaged<void*, ulong, nuint, int>)Export(handle, "cuMemcpyDtoH_v2");
        cuMemcpyDtoD = (delegate* unmanaged<ulong, ulong, nuint, int>)Export(handle, "cuMemcpyDtoD_v2");
        cuEventCreate = (delegate* unmanaged<nint*, uint, int>)Export(handle, "cuEventCreate");
        cuEventRecord = (delegate* unmanaged<nint, nint, int>)Export(handle, "cuEventRecord");
        cuEventSynchronize = (delegate* unmanaged<nint, int>)Export(handle, "cuEventSynchronize");
        cuEventElapsedTime = (delegate* unmanaged<float*, nint, nint, int>)(
            NativeLibrary.TryGetExport(handle, "cuEventElapsedTime_v2", out var elapsedV2) ? elapsedV2 : Export(handle, "cuEventElapsedTime"));
        cuEventDestroy = (delegate* unmanaged<nint, int>)Export(handle, "cuEventDestroy_v2");
        cuGetErrorName = (delegate* unmanaged<int, byte**, int>)Export(handle, "cuGetErrorName");
        cuGetErrorString = (delegate* unmanaged<int, byte**, int>)Export(handle, "cuGetErrorString");
    }

    /// <summary>CUdevice_attribute values used here (cuda.h).</summary>
    public enum DeviceAttribute
    {
        MultiprocessorCount = 16,

        /// <summary>Peak memory clock in kHz (NVML's nvmlDeviceGetMaxClockInfo(NVML_CLOCK_MEM) reports the same, in MHz).</summary>
        MemoryClockRate = 36,

        /// <summary>Global memory bus width in bits (NVML: nvmlDeviceGetMemoryBusWidth).</summary>
        GlobalMemoryBusWidth = 37,
        ComputeCapabilityMajor = 75,
        ComputeCapabilityMinor = 76,
    }

    /// <summary>What was loaded: the name or path handed to the loader.</summary>
    public string Library { get; }

    /// <summary>Loads the driver's libcuda.so.1 through the system loader.</summary>
    public static CudaDriver Load() => Load(DefaultLibrary);

    /// <summary>Loads libcuda from <paramref name="library"/> (a name for the loader or a path; tests pass a missing one).</summary>
    internal static CudaDriver Load(string library)
    {
        if (!NativeLibrary.TryLoad(library, out var handle))
        {
            throw GpuUnavailableException.LibraryMissing(
                DefaultLibrary,
                [library],
                $"{library} not found: install the NVIDIA driver (it provides libcuda), or run on a GPU host");
        }

        return new CudaDriver(handle, library);
    }

    /// <summary>cuInit(0); a refusal (no device, no kernel module, version mismatch) is a host finding, not a bug.</summary>
    public void Init()
    {
        var result = cuInit(0);
        if (result != Success)
        {
            throw GpuUnavailableException.DriverUnusable(result, ErrorName(result), ErrorString(result));
        }
    }

    /// <summary>The CUDA version the driver supports, as cuda.h encodes it: 13000 is 13.0.</summary>
    public int DriverVersion()
    {
        int version;
        Check(cuDriverGetVersion(&version), "cuDriverGetVersion");
        return version;
    }

    public int DeviceCount()
    {
        int count;
        Check(cuDeviceGetCount(&count), "cuDeviceGetCount");
        return count;
    }

    public int Device(int ordinal)
    {
        int device;
        Check(cuDeviceGet(&device, ordinal), "cuDeviceGet");
        return device;
    }

    public string DeviceName(int device)
    {
        const int Size = 256;
        var buffer = stackalloc byte[Size];
        Check(cuDeviceGetName(buffer, Size, device), "cuDeviceGetName");
        return Marshal.PtrToStringUTF8((nint)buffer) ?? string.Empty;
    }

    /// <summary>"0000:18:00.0", as lspci and nvidia-smi (with more zeros) print it.</summary>
    public string PciBusId(int device)
    {
        const int Size = 64;
        var buffer = stackalloc byte[Size];
        Check(cuDeviceGetPCIBusId(buffer, Size, device), "cuDeviceGetPCIBusId");
        return Marshal.PtrToStringUTF8((nint)buffer) ?? string.Empty;
    }

    public int Attribute(int device, DeviceAttribute attribute)
    {
        int value;
        Check(cuDeviceGetAttribute(&value, (int)attribute, device), "cuDeviceGetAttribute");
        return value;
    }

    public long TotalMemory(int device)
    {
        nuint bytes;
        Check(cuDeviceTotalMem(&bytes, device), "cuDeviceTotalMem");
        return (long)bytes;
    }

    /// <summary>Free device memory in the current context.</summary>
    public long FreeMemory()
    {
        nuint free, total;
        Check(cuMemGetInfo(&free, &total), "cuMemGetInfo");
        return (long)free;
    }

    /// <summary>Retains the device's primary context (the one the runtime API shares) and makes it current.</summary>
    public void EnterPrimaryContext(int device)
    {
        nint context;
        Check(cuDevicePrimaryCtxRetain(&context, device), "cuDevicePrimaryCtxRetain");
        var result = cuCtxSetCurrent(context);
        if (result != Success)
        {
            _ = cuDevicePrimaryCtxRelease(device);
            Check(result, "cuCtxSetCurrent");
        }
    }

    /// <summary>Unbinds the context from this thread and drops our reference; errors are ignored (cleanup).</summary>
    public void LeavePrimaryContext(int device)
    {
        _ = cuCtxSetCurrent(0);
        _ = cuDevicePrimaryCtxRelease(device);
    }

    public void Synchronize() => Check(cuCtxSynchronize(), "cuCtxSynchronize");

    /// <summary>Loads a cubin, or NUL-terminated PTX for the driver to JIT.</summary>
    public nint LoadModule(ReadOnlySpan<byte> image)
    {
        nint module;
        fixed (byte* p = image)
        {
            Check(cuModuleLoadData(&module, p), "cuModuleLoadData");
        }

        return module;
    }

    /// <summary>Cleanup: errors are ignored, the first failure has already been reported.</summary>
    public void UnloadModule(nint module) => _ = cuModuleUnload(module);

    public nint Function(nint module, string name)
    {
        nint function;
        var bytes = NulTerminated(name);
        fixed (byte* p = bytes)
        {
            Check(cuModuleGetFunction(&function, module, p), "cuModuleGetFunction");
        }

        return function;
    }

    /// <summary>A 1-D launch on the legacy default stream; <paramref name="arguments"/> points at each argument's value.</summary>
    public void Launch(nint function, uint gridX, uint blockX, void** arguments) =>
        Check(cuLaunchKernel(function, gridX, 1, 1, blockX, 1, 1, 0, 0, arguments, null), "cuLaunchKernel");

    public ulong Allocate(long bytes)
    {
        ulong pointer;
        Check(cuMemAlloc(&pointer, (nuint)bytes), "cuMemAlloc");
        return pointer;
    }

    /// <summary>Cleanup: errors are ignored.</summary>
    public void Free(ulong pointer)
    {
        if (pointer != 0)
        {
            _ = cuMemFree(pointer);
        }
    }

    public void CopyToDevice(ulong destination, void* source, long bytes) =>
        Check(cuMemcpyHtoD(destination, source, (nuint)bytes), "cuMemcpyHtoD");

    public void CopyToHost(void* destination, ulong source, long bytes) =>
        Check(cuMemcpyDtoH(destination, source, (nuint)bytes), "cuMemcpyDtoH");

    /// <summary>Device-to-device; asynchronous to the host, ordered on the legacy default stream.</summary>
    public void CopyOnDevice(ulong destination, ulong source, long bytes) =>
        Check(cuMemcpyDtoD(destination, source, (nuint)bytes), "cuMemcpyDtoD");

    /// <summary>A timing event (CU_EVENT_DEFAULT).</summary>
    public nint CreateEvent()
    {
        nint cudaEvent;
        Check(cuEventCreate(&cudaEvent, 0), "cuEventCreate");
        return cudaEvent;
    }

    /// <summary>Records on the legacy default stream, which orders it with the copies and launches here.</summary>
    public void Record(nint cudaEvent) => Check(cuEventRecord(cudaEvent, 0), "cuEventRecord");

    public void Wait(nint cudaEvent) => Check(cuEventSynchronize(cudaEvent), "cuEventSynchronize");

    public float ElapsedMilliseconds(nint start, nint end)
    {
        float milliseconds;
        Check(cuEventElapsedTime(&milliseconds, start, end), "cuEventElapsedTime");
        return milliseconds;
    }

    /// <summary>Cleanup: errors are ignored.</summary>
    public void DestroyEvent(nint cudaEvent)
    {
        if (cudaEvent != 0)
        {
            _ = cuEventDestroy(cudaEvent);
        }
    }

    /// <summary>"CUDA_ERROR_NO_DEVICE" for 100.</summary>
    public string ErrorName(int result)
    {
        byte* text;
        return cuGetErrorName(result, &text) == Success && text != null
            ? Marshal.PtrToStringUTF8((nint)text) ?? $"CUresult {result}"
            : $"CUresult {result}";
    }

    /// <summary>"no CUDA-capable device is detected" for 100.</summary>
    public string ErrorString(int result)
    {
        byte* text;
        return cuGetErrorString(result, &text) == Success && text != null
            ? Marshal.PtrToStringUTF8((nint)text) ?? "unknown error"
            : "unknown error";
    }

    internal static byte[] NulTerminated(string text) => System.Text.Encoding.UTF8.GetBytes(text + "\0");

    private static nint Export(nint handle, string name) =>
        NativeLibrary.TryGetExport(handle, name, out var function)
            ? function
            : throw GpuUnavailableException.FunctionMissing(DefaultLibrary, name, "the NVIDIA driver is too old; install a current one");

    private void Check(int result, string call)
    {
        if (result != Success)
        {
            throw GpuUnavailableException.CallFailed(DefaultLibrary, call, result, ErrorName(result), ErrorString(result));
        }
    }
}
