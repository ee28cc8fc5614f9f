using Nvsdk.Core.Primitives;

namespace Nvsdk.Testing;

/// <summary>
/// What each fixture component holds, in NVIDIA's own layout: headers declaring the real version calls,
/// ELF libraries implementing them (x86_64 only: this machine's gcc cannot build aarch64 code, so the
/// aarch64 fixtures carry placeholders), SONAME links, licences, and a payload file that gives downloads
/// their size.
/// </summary>
internal static class FixtureComponents
{
    public const string NvccScript = """
        #!/bin/sh
        # nvsdk fixture: answers like nvcc 13.1 but compiles nothing.
        case "$1" in
          --version|-V)
            echo "nvcc: NVIDIA (R) Cuda compiler driver"
            echo "Copyright (c) 2005-2025 NVIDIA Corporation"
            echo "Built on Fri_Nov__7_19:25:04_PM_PST_2025"
            echo "Cuda compilation tools, release 13.1, V13.1.80"
            echo "Build cuda_13.1.r13.1/compiler.36836380_0"
            exit 0 ;;
        esac
        echo "nvcc (nvsdk fixture): only --version is supported" >&2
        exit 1

        """;

    public const string NvccProfile = """
        TOP              = $(_HERE_)/..
        CICC_PATH        = $(TOP)/nvvm/bin
        NVVMIR_LIBRARY_DIR = $(TOP)/nvvm/libdevice
        LD_LIBRARY_PATH += $(TOP)/lib:
        PATH            += $(CICC_PATH):$(_HERE_):
        INCLUDES        +=  "-I$(TOP)/$(_TARGET_DIR_)/include" $(_SPACE_)
        LIBRARIES        =+ $(_SPACE_) "-L$(TOP)/$(_TARGET_DIR_)/lib$(_TARGET_SIZE_)/stubs" "-L$(TOP)/$(_TARGET_DIR_)/lib$(_TARGET_SIZE_)"

        """;

    /// <summary>The CUDA runtime's header, declaring the real version call (shared by the runfile and cuda_cudart).</summary>
    public const string CudaRuntimeApiHeader = "#pragma once\n#define CUDART_VERSION 13010\n#ifdef __cplusplus\nextern \"C\" {\n#endif\nint cudaRuntimeGetVersion(int *runtimeVersion);\n#ifdef __cplusplus\n}\n#endif\n";

    public const string CudartSource = "int cudaRuntimeGetVersion(int *v) { *v = 13010; return 0; }";

    public const string CudaStubSource = "int cuDriverGetVersion(int *v) { *v = 13010; return 0; }";

    public const string NvrtcHeader = "#pragma once\nint nvrtcVersion(int *major, int *minor);\n";

    public const string NvrtcSource = "int nvrtcVersion(int *a, int *b) { *a = 13; *b = 1; return 0; }";

    public static async Task<List<FixtureEntry>> CudaRunfileAsync(SystemId system, byte[] payload)
    {
        var triple = system == SystemId.Aarch64Linux ? "sbsa-linux" : "x86_64-linux";
        var target = $"builds/cuda_cudart/targets/{triple}";
        var entries = new List<FixtureEntry>
        {
            FixtureEntry.Text("builds/cuda_nvcc/bin/nvcc", NvccScript, executable: true),
            FixtureEntry.Text("builds/cuda_nvcc/bin/nvcc.profile", NvccProfile),
            FixtureEntry.Text("builds/cuda_nvcc/nvvm/bin/cicc", "#!/bin/sh\nexit 1\n", executable: true),
            FixtureEntry.Text("builds/cuda_nvcc/nvvm/libdevice/libdevice.10.bc", "fixture bitcode"),
            FixtureEntry.Text($"{target}/include/cuda_runtime_api.h", CudaRuntimeApiHeader),
            FixtureEntry.Text($"{target}/include/cuda_runtime.h", "#pragma once\n#include \"cuda_runtime_api.h\"\n"),
            FixtureEntry.Text($"{target}/include/cuda.h", "#pragma once\n#define CUDA_VERSION 13010\n"),
            FixtureEntry.File($"{target}/lib/libcudart_static.a", payload),
            FixtureEntry.Text("builds/EULA.txt", "CUDA Toolkit fixture EULA\n"),
            FixtureEntry.Text("builds/NVIDIA-Linux-x86_64-590.44.01.run", "#!/bin/sh\necho 'the bundled driver installer: nvsdk must never unpack or run this'\n", executable: true),
            FixtureEntry.Text("cuda-installer", "#!/bin/sh\necho 'fixture installer: nvsdk never runs this'\nexit 1\n", executable: true),
        };
        entries.AddRange(await LibraryAsync(system, $"{target}/lib", "cudart", "13.1.80", "13", CudartSource));
        entries.AddRange(await LibraryAsync(system, $"{target}/lib/stubs", "cuda", "1", "1", CudaStubSource, devLink: false));
        entries.Add(FixtureEntry.Link($"{target}/lib/stubs/libcuda.so", "libcuda.so.1"));
        entries.Add(FixtureEntry.Text($"builds/cuda_nvrtc/targets/{triple}/include/nvrtc.h", NvrtcHeader));
        entries.AddRange(await LibraryAsync(system, $"builds/cuda_nvrtc/targets/{triple}/lib", "nvrtc", "13.1.80", "13", NvrtcSource));
        return entries;
    }

    public static async Task<List<FixtureEntry>> CudnnAsync(SystemId system, byte[] payload)
    {
        var entries = new List<FixtureEntry>
        {
            FixtureEntry.Text("LICENSE", "cuDNN fixture licence\n"),
            FixtureEntry.Text("include/cudnn_version.h", "#pragma once\n#define CUDNN_MAJOR 9\n#define CUDNN_MINOR 17\n#define CUDNN_PATCHLEVEL 0\n"),
            FixtureEntry.Text("include/cudnn.h", "#pragma once\n#include <stddef.h>\n#include \"cudnn_version.h\"\nsize_t cudnnGetVersion(void);\n"),
            FixtureEntry.File("lib/libcudnn_static.a", payload),
        };
        entries.AddRange(await LibraryAsync(system, "lib", "cudnn", "9.17.0", "9", "#include <stddef.h>\nsize_t cudnnGetVersion(void) { return 91700; }"));
        return entries;
    }

    public static async Task<List<FixtureEntry>> CutensorAsync(SystemId system, byte[] payload)
    {
        var entries = new List<FixtureEntry>
        {
            FixtureEntry.Text("LICENSE", "cuTENSOR fixture licence\n"),
            FixtureEntry.Text("include/cutensor.h", "#pragma once\n#include <stddef.h>\nsize_t cutensorGetVersion(void);\n"),
            FixtureEntry.File("lib/libcutensor_static.a", payload),
        };
        entries.AddRange(await LibraryAsync(system, "lib", "cutensor", "2.4.1", "2", "#include <stddef.h>\nsize_t cutensorGetVersion(void) { return 20401; }"));
        return entries;
    }

    public static async Task<List<FixtureEntry>> TensorRtAsync(SystemId system, byte[] payload)
    {
        var entries = new List<FixtureEntry>
        {
            FixtureEntry.Text("include/NvInferVersion.h", "#pragma once\n#define NV_TENSORRT_MAJOR 10\n#define NV_TENSORRT_MINOR 15\n"),
            FixtureEntry.Text("include/NvInfer.h", "#pragma once\n#include \"NvInferVersion.h\"\nextern \"C\" int getInferLibVersion(void);\n"),
            FixtureEntry.Text("bin/trtexec", "#!/bin/sh\necho '&&&& trtexec fixture (TensorRT 10.15.1)'\n", executable: true),
            FixtureEntry.File("lib/libnvinfer_static.a", payload),
            FixtureEntry.Text("doc/Acknowledgements.txt", "TensorRT fixture acknowledgements\n"),
            FixtureEntry.Text("doc/TensorRT-SLA.txt", "NVIDIA TensorRT Software License Agreement (fixture)\n"),
        };
        entries.AddRange(await LibraryAsync(system, "lib", "nvinfer", "10.15.1", "10", "int getInferLibVersion(void) { return 101501; }"));
        return entries;
    }

    /// <summary>The NCCL wheel as PyPI ships it: nvidia/nccl/{include,lib}, only libnccl.so.2 (no dev link).</summary>
    public static async Task<List<FixtureEntry>> NcclWheelAsync(SystemId system, byte[] payload)
    {
        var library = await LibraryBytesAsync(system, "libnccl.so.2", "int ncclGetVersion(int *v) { *v = 22809; return 0; }");
        return
        [
            FixtureEntry.Text("nvidia/nccl/include/nccl.h", "#pragma once\n#define NCCL_MAJOR 2\n#define NCCL_MINOR 28\n#define NCCL_PATCH 9\nint ncclGetVersion(int *version);\n"),
            FixtureEntry.File("nvidia/nccl/lib/libnccl.so.2", library),
            FixtureEntry.File("nvidia/nccl/lib/libnccl_static.a", payload),
            FixtureEntry.Text("nvidia/__init__.py", string.Empty),
            FixtureEntry.Text("nvidia_nccl_cu12-2.28.9.dist-info/METADATA", "Metadata-Version: 2.1\nName: nvidia-nccl-cu12\nVersion: 2.28.9\n"),
            FixtureEntry.Text("nvidia_nccl_cu12-2.28.9.dist-info/WHEEL", "Wheel-Version: 1.0\nRoot-Is-Purelib: false\n"),
            FixtureEntry.Text("nvidia_nccl_cu12-2.28.9.dist-info/LICENSE.txt", "NCCL: Copyright (c) NVIDIA CORPORATION. BSD-3-Clause (fixture)\n"),
        ];
    }

    public static List<FixtureEntry> Cutlass() =>
    [
        FixtureEntry.Text("LICENSE.txt", "BSD-3-Clause (fixture)\n"),
        FixtureEntry.Text("include/cutlass/version.h", "#pragma once\n#define CUTLASS_MAJOR 4\n#define CUTLASS_MINOR 3\n#define CUTLASS_PATCH 3\n"),
        FixtureEntry.Text("include/cutlass/cutlass.h", "#pragma once\n#include \"cutlass/version.h\"\n"),
        FixtureEntry.Text("include/cute/tensor.hpp", "#pragma once\n"),
    ];

    /// <summary>libNAME.so.FULL (an ELF with SONAME libNAME.so.MAJOR), libNAME.so.MAJOR → it, libNAME.so → MAJOR.</summary>
    internal static async Task<List<FixtureEntry>> LibraryAsync(SystemId system, string dir, string name, string full, string major, string source, bool devLink = true)
    {
        var real = $"lib{name}.so.{full}";
        var soname = $"lib{name}.so.{major}";
        var entries = new List<FixtureEntry> { FixtureEntry.File($"{dir}/{real}", await LibraryBytesAsync(system, soname, source)) };
        if (real != soname)
        {
            entries.Add(FixtureEntry.Link($"{dir}/{soname}", real));
        }

        if (devLink)
        {
            entries.Add(FixtureEntry.Link($"{dir}/lib{name}.so", soname));
        }

        return entries;
    }

    /// <summary>
    /// A real ELF for the system: gcc for this machine's, the Debian cross gcc for the other
    /// (aarch64-linux-gnu-gcc on x86_64), so the aarch64 SDK links and runs under qemu too. Without the cross
    /// compiler (a developer machine without scripts/deps.sh) a placeholder stands in, except in CI.
    /// </summary>
    private static async Task<byte[]> LibraryBytesAsync(SystemId system, string soname, string source) =>
        ElfLibrary.CompilerFor(system) is not null || Environment.GetEnvironmentVariable("CI") == "true"
            ? await ElfLibrary.BuildAsync(system, soname, source)
            : System.Text.Encoding.UTF8.GetBytes($"placeholder for {soname} ({system}): no compiler for it on this machine\n");
}
