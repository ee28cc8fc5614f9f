using Nvsdk.Core.Primitives;

namespace Nvsdk.Testing;

/// <summary>
/// The CUDA toolkit as NVIDIA's redistrib packages lay it out (what the shipped lock pins from
/// redistrib_13.1.1.json), reduced to the four an SDK consumer touches: nvcc and its profile, NVVM, the runtime
/// (with the driver stub CMake and pkg-config link against) and NVRTC. Each archive's top folder is
/// `&lt;pkg&gt;-linux-&lt;arch&gt;-&lt;ver&gt;-archive/` holding bin/, include/, lib/, nvvm/ and a LICENSE, as NVIDIA ships it.
/// </summary>
public static class FixtureCudaPackages
{
    public static async Task<IReadOnlyList<(string Name, string Version, IReadOnlyList<FixtureEntry> Entries)>> BuildAsync(SystemId system)
    {
        static FixtureEntry License() => FixtureEntry.Text("LICENSE", "CUDA Toolkit fixture EULA\n");

        var cudart = new List<FixtureEntry>
        {
            License(),
            FixtureEntry.Text("include/cuda_runtime_api.h", FixtureComponents.CudaRuntimeApiHeader),
            FixtureEntry.Text("include/cuda_runtime.h", "#pragma once\n#include \"cuda_runtime_api.h\"\n"),
            FixtureEntry.Text("include/cuda.h", "#pragma once\n#define CUDA_VERSION 13010\n"),
        };
        cudart.AddRange(await FixtureComponents.LibraryAsync(system, "lib", "cudart", "13.1.80", "13", FixtureComponents.CudartSource));
        cudart.AddRange(await FixtureComponents.LibraryAsync(system, "lib/stubs", "cuda", "1", "1", FixtureComponents.CudaStubSource, devLink: false));
        cudart.Add(FixtureEntry.Link("lib/stubs/libcuda.so", "libcuda.so.1"));

        var nvrtc = new List<FixtureEntry> { License(), FixtureEntry.Text("include/nvrtc.h", FixtureComponents.NvrtcHeader) };
        nvrtc.AddRange(await FixtureComponents.LibraryAsync(system, "lib", "nvrtc", "13.1.115", "13", FixtureComponents.NvrtcSource));

        return
        [
            ("cuda_nvcc", "13.1.115", [
                License(),
                FixtureEntry.Text("bin/nvcc", FixtureComponents.NvccScript, executable: true),
                FixtureEntry.Text("bin/nvcc.profile", FixtureComponents.NvccProfile),
            ]),
            ("libnvvm", "13.1.115", [
                License(),
                FixtureEntry.Text("nvvm/bin/cicc", "#!/bin/sh\nexit 1\n", executable: true),
                FixtureEntry.Text("nvvm/libdevice/libdevice.10.bc", "fixture bitcode"),
            ]),
            ("cuda_cudart", "13.1.80", cudart),
            ("cuda_nvrtc", "13.1.115", nvrtc),
        ];
    }

    /// <summary>Whether a fixture component is one of these packages (so the lock gives it CUDA's major and licence).</summary>
    public static bool IsPackage(string component) => component is "cuda_nvcc" or "libnvvm" or "cuda_cudart" or "cuda_nvrtc";
}
