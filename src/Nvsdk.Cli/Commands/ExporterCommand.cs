using System.CommandLine;
using System.Reflection;
using Nvsdk.Core.Gpu.Dcgm;
using Nvsdk.Core.Gpu.Host;
using Nvsdk.Core.Metrics;
using Nvsdk.Core.Metrics.PodResources;

namespace Nvsdk.Cli.Commands;

/// <summary>
/// `nvsdk exporter`: Prometheus metrics for this host's GPUs under dcgm-exporter's names, plus nvsdk's own
/// (doctor's checks, the SDK generation, the driver), served until Ctrl-C or SIGTERM. Without a GPU it still
/// serves nvsdk's series with `nvsdk_gpu_available 0`. `--from-snapshot` serves a recorded host instead (CI).
/// `--collectors` takes dcgm-exporter's counters CSV; the kubelet's pod-resources socket, when mounted, adds
/// pod/namespace/container labels.
/// </summary>
internal static class ExporterCommand
{
    public const string DefaultListen = "127.0.0.1:9400";

    public static Command Create()
    {
        var listen = new Option<string>("--listen")
        {
            Description = $"HOST:PORT to serve /metrics on (default {DefaultListen}; 0.0.0.0:9400 for every address)",
            DefaultValueFactory = _ => DefaultListen,
        };
        var collectors = new Option<string?>("--collectors")
        {
            Description = "A dcgm-exporter counters CSV (FIELD, type, help per line) choosing which DCGM_FI_* fields to serve (default: all nvsdk has)",
        };
        var podSocket = new Option<string?>("--pod-resources-socket")
        {
            Description = $"The kubelet's pod-resources socket, for pod/namespace/container labels (default {PodResourcesClient.DefaultSocket} when it exists)",
        };
        var dcgm = new Option<string?>("--dcgm")
        {
            Description = $"Where DCGM_FI_PROF_* come from: auto (nv-hostengine at {DcgmMode.LocalHostEngine}, else an embedded DCGM engine; the default), embedded, off, or an nv-hostengine HOST:PORT. With --from-snapshot only when given",
        };
        var command = new Command("exporter", "Serve Prometheus metrics (dcgm-exporter names + nvsdk_*) for this host's GPUs on /metrics")
        {
            listen,
            collectors,
            podSocket,
            dcgm,
            DoctorCommand.HostRoot,
            DoctorCommand.FromSnapshot,
        };
        command.SetAction(async (result, ct) =>
        {
            var context = CliContext.From(result);
            StopSignals.StopIsSuccess = true; // SIGTERM is how a service manager stops it: exit 0
            var address = ListenAddress.Parse(result.GetValue(listen) ?? DefaultListen);
            void Log(string line)
            {
                if (!context.Quiet)
                {
                    Console.Error.WriteLine($"nvsdk exporter: {line}");
                }
            }

            var counters = result.GetValue(collectors) is { } file ? CounterSelection.Load(file) : null;
            var dcgmMode = result.GetValue(dcgm) is { } modeText ? DcgmMode.Parse(modeText) : null;
            if (counters?.Names.Where(n => n != DcgmGpuMetrics.DriverVersionLabel).Except(DcgmGpuMetrics.Names).Except(DcgmProfField.Names).Order(StringComparer.Ordinal).ToList() is { Count: > 0 } unserved)
            {
                Log($"--collectors: not served by nvsdk: {string.Join(", ", unserved)}");
            }

            // Bind first: a port in use is the one line the user sees, before NVML or doctor say anything.
            MetricsScraper? scraper = null;
            using var server = MetricsHttpServer.Start(address, () => scraper!.Scrape(), Log);
            var (gpus, doctor, hostname) = Sources(context, result, Log);
            using (gpus)
            {
                using var pods = PodAttributionFor(result.GetValue(podSocket), result.GetValue(DoctorCommand.FromSnapshot) is null, Log);
                if (pods is not null)
                {
                    await pods.RefreshAsync(ct).ConfigureAwait(false); // the first scrape already has the labels
                }

                // A recorded host has no DCGM unless --dcgm asks to join a live one's fields to it.
                using var profiler = gpus is LiveGpuSource || dcgmMode is not null
                    ? DcgmProfiler.Open(dcgmMode ?? DcgmMode.Auto, DcgmProfiler.LibraryCandidates(result.GetValue(DoctorCommand.HostRoot) ?? "/"), ProfFields(counters), Log)
                    : null;
                scraper = new MetricsScraper(gpus, doctor, hostname, Version)
                {
                    Counters = counters,
                    Pods = pods is null ? null : () => pods.Owners,
                    Dcgm = profiler,
                };
                Log(profiler is { Available: true } ? $"DCGM_FI_PROF_* fields: {profiler.Reason}" : $"no DCGM_FI_PROF_* fields: {profiler?.Reason ?? ProfilingSupport.Recorded.Reason}");

                using var refresh = CancellationTokenSource.CreateLinkedTokenSource(ct);
                var refreshing = pods?.RunAsync(refresh.Token) ?? Task.CompletedTask;
                var nvml = gpus.Read();
                var what = nvml.Error is null
                    ? $"{nvml.Gpus.Count} GPU(s), driver {nvml.DriverVersion}"
                    : $"no GPU (NVML {nvml.Error}): nvsdk_* series only, nvsdk_gpu_available 0{(gpus is LiveGpuSource ? $"; NVML retried every {LiveGpuSource.RetryPeriod.TotalSeconds:0} s" : string.Empty)}";
                Log($"serving http://{server.Endpoint}/metrics for {hostname}: {what}");
                await server.RunAsync(ct).ConfigureAwait(false);
                await refresh.CancelAsync().ConfigureAwait(false);
                await refreshing.ConfigureAwait(false);
                Log("stopped");
                return ExitCodes.Ok;
            }
        });
        return command;
    }

    /// <summary>The profiling fields to watch: those a --collectors file names, else all nvsdk knows.</summary>
    private static IReadOnlyList<DcgmProfField> ProfFields(CounterSelection? counters) =>
        counters is null ? DcgmProfField.All : [.. DcgmProfField.All.Where(f => counters.Includes(f.Name))];

    /// <summary>nvsdk's version as `--version` prints it.</summary>
    private static string Version =>
        typeof(ExporterCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>A recorded host (values and verdicts fixed), or the live one (NVML kept open, doctor cached).</summary>
    private static (IGpuSource Gpus, DoctorCache Doctor, string Hostname) Sources(CliContext context, ParseResult result, Action<string> log)
    {
        if (result.GetValue(DoctorCommand.FromSnapshot) is { } file)
        {
            var snapshot = SnapshotFile.Read(file);
            var hostname = snapshot.Hostname ?? Environment.MachineName;
            return (new SnapshotGpuSource(snapshot.Nvml), new DoctorCache(() => snapshot, TimeSpan.MaxValue), hostname);
        }

        var hostRoot = result.GetValue(DoctorCommand.HostRoot) ?? "/";

        // In a container given the host's root, the host's store is under it too, unless --root says otherwise.
        var storeRoot = context.RootOption is null && Path.GetFullPath(hostRoot) != "/" ? Path.Combine(hostRoot, "var/lib/nvsdk") : context.StoreRoot;
        var required = DoctorCommand.RequiredSdk(context);
        var gpus = new LiveGpuSource(hostRoot, log);
        var doctor = new DoctorCache(() => HostProbe.Capture(hostRoot, storeRoot, required?.Cuda, readNvml: false, required?.Driver) with { Nvml = gpus.Read() }, log: log);
        return (gpus, doctor, LiveHostname(hostRoot));
    }

    /// <summary>
    /// The kubelet's pod-resources API when asked for (--pod-resources-socket) or, serving the live host, when
    /// the DaemonSet mounted its socket at the default path; null otherwise.
    /// </summary>
    private static PodAttribution? PodAttributionFor(string? socket, bool live, Action<string> log)
    {
        var path = socket ?? (live && File.Exists(PodResourcesClient.DefaultSocket) ? PodResourcesClient.DefaultSocket : null);
        return path is null ? null : new PodAttribution(new PodResourcesClient(path), log);
    }

    /// <summary>NODE_NAME (the DaemonSet sets it from the node), else the host's /etc/hostname, else this machine's name.</summary>
    private static string LiveHostname(string hostRoot)
    {
        if (Environment.GetEnvironmentVariable("NODE_NAME") is { Length: > 0 } node)
        {
            return node;
        }

        try
        {
            var file = Path.Combine(hostRoot, "etc/hostname");
            if (File.Exists(file) && File.ReadAllText(file).Trim() is { Length: > 0 } name)
            {
                return name;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }

        return Environment.MachineName;
    }
}
