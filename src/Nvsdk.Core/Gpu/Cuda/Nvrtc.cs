using System.Globalization;
using System.Runtime.InteropServices;
using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Gpu.Cuda;

/// <summary>
/// The CUDA runtime compiler (libnvrtc), loaded at run time from the first place <see cref="NvrtcLocator"/>
/// finds it and called through unmanaged function pointers, like <see cref="CudaDriver"/>. Compiles CUDA C++
/// to a cubin for the exact GPU architecture (loads on any driver of the same major version), or to PTX for
/// the newest architecture it knows when the GPU is newer than this NVRTC (the driver JIT-compiles that).
/// </summary>
internal sealed unsafe class Nvrtc
{
    public const string LibraryName = "libnvrtc";

    private const int Success = 0;

    private readonly delegate* unmanaged<int*, int*, int> nvrtcVersion;
    private readonly delegate* unmanaged<int*, int> nvrtcGetNumSupportedArchs;
    private readonly delegate* unmanaged<int*, int> nvrtcGetSupportedArchs;
    private readonly delegate* unmanaged<nint*, byte*, byte*, int, byte**, byte**, int> nvrtcCreateProgram;
    private readonly delegate* unmanaged<nint, int, byte**, int> nvrtcCompileProgram;
    private readonly delegate* unmanaged<nint, nuint*, int> nvrtcGetProgramLogSize;
    private readonly delegate* unmanaged<nint, byte*, int> nvrtcGetProgramLog;
    private readonly delegate* unmanaged<nint, nuint*, int> nvrtcGetCUBINSize;
    private readonly delegate* unmanaged<nint, byte*, int> nvrtcGetCUBIN;
    private readonly delegate* unmanaged<nint, nuint*, int> nvrtcGetPTXSize;
    private readonly delegate* unmanaged<nint, byte*, int> nvrtcGetPTX;
    private readonly delegate* unmanaged<nint*, int> nvrtcDestroyProgram;
    private readonly delegate* unmanaged<int, byte*> nvrtcGetErrorString;

    private Nvrtc(nint handle, string library)
    {
        Library = library;
        nvrtcVersion = (delegate* unmanaged<int*, int*, int>)Export(handle, "nvrtcVersion");
        nvrtcGetNumSupportedArchs = (delegate* unmanaged<int*, int>)Export(handle, "nvrtcGetNumSupportedArchs");
        nvrtcGetSupportedArchs = (delegate* unmanaged<int*, int>)Export(handle, "nvrtcGetSupportedArchs");
        nvrtcCreateProgram = (delegate* unmanaged<nint*, byte*, byte*, int, byte**, byte**, int>)Export(handle, "nvrtcCreateProgram");
        nvrtcCompileProgram = (delegate* unmanaged<nint, int, byte**, int>)Export(handle, "nvrtcCompileProgram");
        nvrtcGetProgramLogSize = (delegate* unmanaged<nint, nuint*, int>)Export(handle, "nvrtcGetProgramLogSize");
        nvrtcGetProgramLog = (delegate* unmanaged<nint, byte*, int>)Export(handle, "nvrtcGetProgramLog");
        nvrtcGetCUBINSize = (delegate* unmanaged<nint, nuint*, int>)Export(handle, "nvrtcGetCUBINSize");
        nvrtcGetCUBIN = (delegate* unmanaged<nint, byte*, int>)Export(handle, "nvrtcGetCUBIN");
        nvrtcGetPTXSize = (delegate* unmanaged<nint, nuint*, int>)Export(handle, "nvrtcGetPTXSize");
        nvrtcGetPTX = (delegate* unmanaged<nint, byte*, int>)Export(handle, "nvrtcGetPTX");
        nvrtcDestroyProgram = (delegate* unmanaged<nint*, int>)Export(handle, "nvrtcDestroyProgram");
        nvrtcGetErrorString = (delegate* unmanaged<int, byte*>)Export(handle, "nvrtcGetErrorString");
    }

    /// <summary>The file (or loader name) that was loaded.</summary>
    public string Library { get; }

    /// <summary>Loads the first libnvrtc of <see cref="NvrtcLocator.Candidates(string)"/> for this store root.</summary>
    public static Nvrtc Load(string storeRoot) => Load(NvrtcLocator.Candidates(storeRoot));

    /// <summary>Loads the first of <paramref name="candidates"/> (paths or loader names) that loads.</summary>
    internal static Nvrtc Load(IReadOnlyList<string> candidates)
    {
        string? firstFailure = null;
        foreach (var candidate in candidates)
        {
            try
            {
                return new Nvrtc(NativeLibrary.Load(candidate), candidate);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                // A file that is there but does not load (wrong architecture, missing dependency) is worth naming.
                if (firstFailure is null && Path.IsPathRooted(candidate))
                {
                    firstFailure = $"{candidate} is there but does not load ({e.Message})";
                }
            }
        }

        throw GpuUnavailableException.LibraryMissing(
            LibraryName,
            candidates,
            firstFailure is null
                ? "libnvrtc not found: run `nvsdk install` or set CUDA_PATH"
                : $"libnvrtc not usable: {firstFailure}; run `nvsdk install` or set CUDA_PATH");
    }

    public Version Version()
    {
        int major, minor;
        Check(nvrtcVersion(&major, &minor), "nvrtcVersion");
        return new Version(major, minor);
    }

    /// <summary>The SM versions this NVRTC can emit cubins for, ascending: 75, 80, 86, … 120.</summary>
    public IReadOnlyList<int> SupportedArchitectures()
    {
        int count;
        Check(nvrtcGetNumSupportedArchs(&count), "nvrtcGetNumSupportedArchs");
        var archs = new int[count];
        fixed (int* p = archs)
        {
            Check(nvrtcGetSupportedArchs(p), "nvrtcGetSupportedArchs");
        }

        Array.Sort(archs);
        return archs;
    }

    /// <summary>
    /// Compiles <paramref name="source"/> for SM <paramref name="sm"/> (e.g. 90): a cubin when this NVRTC knows
    /// the architecture, else PTX for the newest one it knows below it; fails when it knows none at or below.
    /// </summary>
    public NvrtcImage Compile(string source, string name, int sm)
    {
        var supported = SupportedArchitectures();
        var cubin = supported.Contains(sm);
        var target = cubin ? sm : supported.Where(a => a < sm).DefaultIfEmpty(0).Max();
        if (target == 0)
        {
            throw GpuUnavailableException.Incompatible(
                LibraryName,
                $"NVRTC {Version()} ({Library}) compiles for sm_{string.Join("/", supported)}, not this GPU's sm_{sm}: install a CUDA toolkit that still supports it");
        }

        var option = string.Create(CultureInfo.InvariantCulture, $"--gpu-architecture={(cubin ? "sm" : "compute")}_{target}");
        var program = CreateProgram(source, name);
        try
        {
            var optionBytes = CudaDriver.NulTerminated(option);
            int result;
            fixed (byte* o = optionBytes)
            {
                var options = stackalloc byte*[1] { o };
                result = nvrtcCompileProgram(program, 1, options);
            }

            if (result != Success)
            {
                var log = ProgramLog(program).Trim();
                var firstLine = log.Split('\n', 2)[0];
                throw GpuUnavailableException.CallFailed(LibraryName, "nvrtcCompileProgram", result, ErrorName(result), firstLine.Length > 0 ? firstLine : option);
            }

            return new NvrtcImage(cubin ? Output(program, nvrtcGetCUBINSize, nvrtcGetCUBIN, "nvrtcGetCUBIN") : Output(program, nvrtcGetPTXSize, nvrtcGetPTX, "nvrtcGetPTX"), cubin, target);
        }
        finally
        {
            _ = nvrtcDestroyProgram(&program);
        }
    }

    private nint CreateProgram(string source, string name)
    {
        var sourceBytes = CudaDriver.NulTerminated(source);
        var nameBytes = CudaDriver.NulTerminated(name);
        nint program;
        fixed (byte* s = sourceBytes)
        fixed (byte* n = nameBytes)
        {
            Check(nvrtcCreateProgram(&program, s, n, 0, null, null), "nvrtcCreateProgram");
        }

        return program;
    }

    private string ProgramLog(nint program)
    {
        nuint size;
        if (nvrtcGetProgramLogSize(program, &size) != Success || size == 0)
        {
            return string.Empty;
        }

        var log = new byte[size];
        fixed (byte* p = log)
        {
            return nvrtcGetProgramLog(program, p) == Success ? Marshal.PtrToStringUTF8((nint)p) ?? string.Empty : string.Empty;
        }
    }

    /// <summary>The cubin, or the PTX with its terminating NUL (cuModuleLoadData reads PTX as a C string).</summary>
    private byte[] Output(nint program, delegate* unmanaged<nint, nuint*, int> getSize, delegate* unmanaged<nint, byte*, int> get, string call)
    {
        nuint size;
        Check(getSize(program, &size), call + "Size");
        var image = new byte[size];
        fixed (byte* p = image)
        {
            Check(get(program, p), call);
        }

        return image;
    }

    /// <summary>"NVRTC_ERROR_COMPILATION" for 6.</summary>
    private string ErrorName(int result) => Marshal.PtrToStringUTF8((nint)nvrtcGetErrorString(result)) ?? $"nvrtcResult {result}";

    private static nint Export(nint handle, string name) =>
        NativeLibrary.TryGetExport(handle, name, out var function)
            ? function
            : throw GpuUnavailableException.FunctionMissing(LibraryName, name, "this NVRTC is too old; run `nvsdk install` or point CUDA_PATH at CUDA 12 or newer");

    private void Check(int result, string call)
    {
        if (result != Success)
        {
            throw GpuUnavailableException.CallFailed(LibraryName, call, result, ErrorName(result));
        }
    }
}

/// <summary>What NVRTC produced: a cubin for sm_<see cref="Architecture"/>, or PTX for compute_<see cref="Architecture"/>.</summary>
internal sealed record NvrtcImage(byte[] Image, bool IsCubin, int Architecture)
{
    /// <summary>"cubin sm_90" or "ptx compute_120".</summary>
    public string Target => string.Create(CultureInfo.InvariantCulture, $"{(IsCubin ? "cubin sm" : "ptx compute")}_{Architecture}");
}
