using Nvsdk.Core.Errors;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.Gpu.Cuda;

/// <summary>
/// `nvsdk smoke`: proves each GPU works end to end. NVRTC compiles a saxpy kernel for the GPU's architecture,
/// the driver API loads and launches it, the host checks every element, and a device-to-device copy measures
/// memory bandwidth against the theoretical peak.
/// <para>
/// A missing libcuda or libnvrtc, or a driver that will not start, throws <see cref="GpuUnavailableException"/>
/// (<see cref="ErrorCode.GpuUnavailable"/>): nothing could be tested. A CUDA or NVRTC error on one GPU is that
/// GPU's failed result, and the other GPUs are still tested.
/// </para>
/// </summary>
public static class GpuSmokeTest
{
    /// <summary>Threads per block; 16 Mi elements make 65 536 blocks.</summary>
    private const uint BlockSize = 256;

    private const float A = 2.0f;

    private const string KernelName = "saxpy";

    private const string KernelSource = """
        extern "C" __global__ void saxpy(float a, const float* __restrict__ x, float* __restrict__ y, unsigned int n)
        {
            unsigned int i = blockIdx.x * blockDim.x + threadIdx.x;
            if (i < n)
            {
                y[i] = a * x[i] + y[i];
            }
        }
        """;

    /// <summary>
    /// Runs the test on its own thread: driver calls block, and a CUDA context is current per thread, so one
    /// dedicated thread sees every call from cuInit to the last release.
    /// </summary>
    public static Task<SmokeResult> RunAsync(SmokeOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.KernelElements <= 0 || options.CopyBytes <= 0 || options.CopyRuns <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "kernel elements, copy bytes and copy runs must be positive");
        }

        return Task.Factory.StartNew(
            () => Run(options, cancellationToken),
            cancellationToken,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
    }

    private static SmokeResult Run(SmokeOptions options, CancellationToken cancellationToken)
    {
        var cuda = CudaDriver.Load(options.CudaLibrary);
        var nvrtc = Nvrtc.Load(options.NvrtcCandidates ?? NvrtcLocator.Candidates(StoreLayout.ResolveRoot(options.StoreRoot)));
        var nvrtcVersion = nvrtc.Version();
        cuda.Init();
        var driverVersion = cuda.DriverVersion();
        var count = cuda.DeviceCount();
        if (count == 0)
        {
            throw GpuUnavailableException.Incompatible(CudaDriver.DefaultLibrary, "the CUDA driver sees no GPU; run `nvsdk doctor` to see why");
        }

        IEnumerable<int> ordinals = Enumerable.Range(0, count);
        if (options.Device is { } only)
        {
            ordinals = only >= 0 && only < count
                ? [only]
                : throw new UsageException($"there is no GPU {only}: CUDA sees {count} (0 to {count - 1})", "pass --device with one of those, or leave it out to test them all");
        }

        var images = new Dictionary<int, NvrtcImage>();
        var gpus = new List<SmokeGpuResult>();
        foreach (var ordinal in ordinals)
        {
            cancellationToken.ThrowIfCancellationRequested();
            gpus.Add(TestGpu(cuda, nvrtc, images, ordinal, options, cancellationToken));
        }

        return new SmokeResult(driverVersion, cuda.Library, nvrtcVersion, nvrtc.Library, gpus);
    }

    private static SmokeGpuResult TestGpu(CudaDriver cuda, Nvrtc nvrtc, Dictionary<int, NvrtcImage> images, int ordinal, SmokeOptions options, CancellationToken cancellationToken)
    {
        var result = new SmokeGpuResult { Index = ordinal, Name = $"GPU {ordinal}", KernelElements = options.KernelElements, CopyRuns = options.CopyRuns };
        var step = "reading the device's attributes";
        var device = -1;
        var entered = false;
        try
        {
            device = cuda.Device(ordinal);
            result = result with
            {
                Name = cuda.DeviceName(device),
                PciBusId = cuda.PciBusId(device),
                ComputeCapability = new ComputeCapability(
                    cuda.Attribute(device, CudaDriver.DeviceAttribute.ComputeCapabilityMajor),
                    cuda.Attribute(device, CudaDriver.DeviceAttribute.ComputeCapabilityMinor)),
                Multiprocessors = cuda.Attribute(device, CudaDriver.DeviceAttribute.MultiprocessorCount),
                TotalMemoryBytes = cuda.TotalMemory(device),

                // The peak memory clock and bus width; NVML reports the same numbers (nvmlDeviceGetMaxClockInfo
                // with NVML_CLOCK_MEM, in MHz, and nvmlDeviceGetMemoryBusWidth), so smoke does not need NVML.
                MemoryClockKhz = cuda.Attribute(device, CudaDriver.DeviceAttribute.MemoryClockRate),
                MemoryBusWidthBits = cuda.Attribute(device, CudaDriver.DeviceAttribute.GlobalMemoryBusWidth),
            };

            step = "compiling the kernel";
            var sm = result.ComputeCapability.Sm;
            if (!images.TryGetValue(sm, out var image))
            {
                image = nvrtc.Compile(KernelSource, KernelName + ".cu", sm);
                images[sm] = image;
            }

            result = result with { KernelTarget = image.Target };

            step = "creating the context";
            cuda.EnterPrimaryContext(device);
            entered = true;

            step = "running the kernel";
            var (mismatches, first) = RunKernel(cuda, image, options.KernelElements);
            result = result with { Mismatches = mismatches, FirstMismatch = first };

            step = "measuring copy bandwidth";
            var (bytes, bandwidth) = MeasureCopy(cuda, options.CopyBytes, options.CopyRuns, cancellationToken);
            return result with { CopyBytes = bytes, CopyBandwidth = bandwidth };
        }
        catch (GpuUnavailableException e)
        {
            return result with { Error = $"{step}: {e.Message}" };
        }
        finally
        {
            if (entered)
            {
                cuda.LeavePrimaryContext(device);
            }
        }
    }

    /// <summary>y = 2x + y over <paramref name="n"/> floats, checked element by element on the host.</summary>
    private static unsafe (long Mismatches, long? First) RunKernel(CudaDriver cuda, NvrtcImage image, int n)
    {
        // Small integers: every input and result is exact in float, so the check is equality, not a tolerance.
        var x = new float[n];
        var y = new float[n];
        for (var i = 0; i < n; i++)
        {
            x[i] = X(i);
            y[i] = Y(i);
        }

        var bytes = (long)n * sizeof(float);
        var module = cuda.LoadModule(image.Image);
        ulong dx = 0, dy = 0;
        try
        {
            var function = cuda.Function(module, KernelName);
            dx = cuda.Allocate(bytes);
            dy = cuda.Allocate(bytes);
            fixed (float* px = x)
            fixed (float* py = y)
            {
                cuda.CopyToDevice(dx, px, bytes);
                cuda.CopyToDevice(dy, py, bytes);
                Array.Fill(y, float.NaN);

                var a = A;
                var count = (uint)n;
                var arguments = stackalloc void*[4] { &a, &dx, &dy, &count };
                cuda.Launch(function, (uint)((n + BlockSize - 1) / BlockSize), BlockSize, arguments);
                cuda.Synchronize();
                cuda.CopyToHost(py, dy, bytes);
            }
        }
        finally
        {
            cuda.Free(dy);
            cuda.Free(dx);
            cuda.UnloadModule(module);
        }

        long mismatches = 0;
        long? first = null;
        for (var i = 0; i < n; i++)
        {
            if (y[i] != (A * X(i)) + Y(i))
            {
                mismatches++;
                first ??= i;
            }
        }

        return (mismatches, first);

        static float X(int i) => i % 1000;

        static float Y(int i) => i / 1000 % 1000;
    }

    /// <summary>
    /// The best of <paramref name="runs"/> device-to-device copies, timed with CUDA events on the GPU, as
    /// 2 × bytes / time (each byte is read once and written once). Buffers shrink to fit free memory.
    /// </summary>
    private static (long Bytes, double Bandwidth) MeasureCopy(CudaDriver cuda, long requested, int runs, CancellationToken cancellationToken)
    {
        const long Floor = 16L << 20;
        var bytes = requested;
        var free = cuda.FreeMemory();
        while (bytes > Floor && (2 * bytes) + (bytes / 4) > free)
        {
            bytes /= 2;
        }

        ulong source = 0, destination = 0;
        nint start = 0, stop = 0;
        try
        {
            source = cuda.Allocate(bytes);
            destination = cuda.Allocate(bytes);
            start = cuda.CreateEvent();
            stop = cuda.CreateEvent();

            cuda.CopyOnDevice(destination, source, bytes); // warm-up: first-touch mappings, clocks up
            cuda.Synchronize();
            var best = double.MaxValue;
            for (var run = 0; run < runs; run++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                cuda.Record(start);
                cuda.CopyOnDevice(destination, source, bytes);
                cuda.Record(stop);
                cuda.Wait(stop);
                best = Math.Min(best, cuda.ElapsedMilliseconds(start, stop));
            }

            return (bytes, best > 0 ? 2.0 * bytes / (best / 1000.0) : 0);
        }
        finally
        {
            cuda.DestroyEvent(stop);
            cuda.DestroyEvent(start);
            cuda.Free(destination);
            cuda.Free(source);
        }
    }
}
