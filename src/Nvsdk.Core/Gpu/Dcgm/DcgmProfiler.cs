using System.Globalization;

namespace Nvsdk.Core.Gpu.Dcgm;

/// <summary>
/// DCGM's profiling fields for every GPU, through one field watch kept for the exporter's life: dcgmInit →
/// nv-hostengine (dcgmConnect_v2) or an embedded engine (dcgmStartEmbedded) → dcgmFieldGroupCreate →
/// dcgmWatchFields on DCGM_GROUP_ALL_GPUS → dcgmGetLatestValues per scrape. Each GPU's DCGM_FI_DEV_UUID is
/// watched beside the fields so the values join NVML's GPUs by UUID. Any failure leaves it unavailable with
/// the step and DCGM's status in <see cref="Reason"/>; a value DCGM has not got (blank, error status) is
/// simply absent. Thread-safe: scrapes may overlap.
/// </summary>
public sealed class DcgmProfiler : IDisposable
{
    /// <summary>How often DCGM samples the fields (1 s, as `dcgmi dmon` does) and how long it keeps them.</summary>
    public const long UpdateFrequencyUsec = 1_000_000;
    public const double MaxKeepAgeSeconds = 30;

    private const int StatusMultiPass = -38; // DCGM_ST_PROFILING_MULTI_PASS

    private readonly Lock gate = new();
    private DcgmLibrary? library;
    private nuint dcgm;
    private nuint fieldGroup;
    private bool embedded;

    private DcgmProfiler(string reason)
    {
        Reason = reason;
    }

    /// <summary>True while the watch stands and the last read worked.</summary>
    public bool Available { get; private set; }

    /// <summary>Where the values come from when available; why there are none otherwise.</summary>
    public string Reason { get; private set; }

    /// <summary>The profiling fields DCGM watches for nvsdk (empty when unavailable).</summary>
    public IReadOnlyList<DcgmProfField> Fields { get; private set; } = [];

    /// <summary>Where libdcgm.so.4 may be: the loader's own search, then the host root's library folders.</summary>
    public static IReadOnlyList<string> LibraryCandidates(string hostRoot) =>
    [
        DcgmLibrary.FileName,
        .. new[] { "usr/lib/x86_64-linux-gnu", "usr/lib/aarch64-linux-gnu", "usr/lib64" }.Select(d => Path.Join(hostRoot, d, DcgmLibrary.FileName)),
    ];

    /// <summary>
    /// Connects and watches <paramref name="fields"/> (when DCGM cannot collect them in one pass, dcgm-exporter's
    /// five defaults among them). Never throws for a missing or failing DCGM: the result says why.
    /// </summary>
    public static DcgmProfiler Open(DcgmMode mode, IEnumerable<string> libraryCandidates, IReadOnlyList<DcgmProfField> fields, Action<string>? log = null)
    {
        if (mode.Kind == DcgmModeKind.Off)
        {
            return new DcgmProfiler("--dcgm off");
        }

        if (fields.Count == 0)
        {
            return new DcgmProfiler("no DCGM_FI_PROF_* field chosen (--collectors)");
        }

        var library = DcgmLibrary.TryLoad(libraryCandidates, out var notLoaded);
        if (library is null)
        {
            return new DcgmProfiler(notLoaded);
        }

        var profiler = new DcgmProfiler(string.Empty) { library = library };
        profiler.Start(mode, fields, log ?? (_ => { }));
        return profiler;
    }

    /// <summary>The latest values of every watched field, per DCGM GPU id; empty (and unavailable) when DCGM fails.</summary>
    public IReadOnlyList<DcgmGpuReading> Read()
    {
        lock (gate)
        {
            if (library is null || fieldGroup == 0)
            {
                return [];
            }

            var values = new List<(uint GpuId, DcgmFieldValue Value)>();
            var status = library.GetLatestValues(dcgm, DcgmLibrary.AllGpus, fieldGroup, values);
            if (status != 0)
            {
                Available = false;
                Reason = $"dcgmGetLatestValues failed: {library.Describe(status)}";
                return [];
            }

            Available = true;
            return [.. values.GroupBy(v => v.GpuId).OrderBy(g => g.Key).Select(Reading)];
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            Stop();
        }
    }

    private static DcgmGpuReading Reading(IGrouping<uint, (uint GpuId, DcgmFieldValue Value)> gpu)
    {
        string? uuid = null;
        var numbers = new Dictionary<ushort, double>();
        foreach (var (_, value) in gpu)
        {
            if (value.FieldId == DcgmProfField.UuidFieldId)
            {
                uuid = value.String;
            }
            else if (value.Number is { } number)
            {
                numbers[value.FieldId] = number;
            }
        }

        return new DcgmGpuReading(gpu.Key, uuid, numbers);
    }

    private void Start(DcgmMode mode, IReadOnlyList<DcgmProfField> fields, Action<string> log)
    {
        var lib = library!;
        var status = lib.Init();
        if (status != 0)
        {
            Fail($"dcgmInit failed: {lib.Describe(status)}", shutdown: false);
            return;
        }

        if (Attach(mode) is { } failure)
        {
            Fail(failure, shutdown: true);
            return;
        }

        var engine = embedded ? $"an embedded DCGM engine ({lib.Path})" : $"nv-hostengine at {mode.Address} ({lib.Path})";
        status = Watch(fields);
        if (status == StatusMultiPass && fields.Count > DcgmProfField.Defaults.Count)
        {
            log($"DCGM cannot collect all {fields.Count} profiling fields in one pass; watching dcgm-exporter's {DcgmProfField.Defaults.Count} defaults");
            status = Watch(DcgmProfField.Defaults);
        }

        if (status != 0)
        {
            Fail($"dcgmWatchFields failed on {engine}: {lib.Describe(status)}", shutdown: true);
            return;
        }

        // One update cycle now, so the first scrape already has values rather than DCGM's "no data yet".
        _ = lib.UpdateAllFields(dcgm, wait: true);
        Available = true;
        Reason = $"{Fields.Count} field(s) from {engine}";
    }

    /// <summary>Connects or embeds as the mode says; null on success, else why not.</summary>
    private string? Attach(DcgmMode mode)
    {
        var lib = library!;
        string? connectFailure = null;
        if (mode.Kind is DcgmModeKind.Auto or DcgmModeKind.HostEngine)
        {
            var status = lib.Connect(mode.Address!, timeoutMs: 1000, out dcgm);
            if (status == 0)
            {
                return null;
            }

            connectFailure = $"dcgmConnect_v2 to {mode.Address} failed: {lib.Describe(status)}";
            if (mode.Kind == DcgmModeKind.HostEngine)
            {
                return connectFailure;
            }
        }

        var started = lib.StartEmbedded(out dcgm);
        if (started == 0)
        {
            embedded = true;
            return null;
        }

        var embedFailure = $"dcgmStartEmbedded failed: {lib.Describe(started)}";
        return connectFailure is null ? embedFailure : $"{connectFailure}; {embedFailure}";
    }

    private int Watch(IReadOnlyList<DcgmProfField> fields)
    {
        var lib = library!;
        if (fieldGroup != 0)
        {
            _ = lib.FieldGroupDestroy(dcgm, fieldGroup);
            fieldGroup = 0;
        }

        ushort[] ids = [DcgmProfField.UuidFieldId, .. fields.Select(f => f.Id)];

        // Field group names are unique per engine: a host engine may hold another exporter's group.
        var name = string.Create(CultureInfo.InvariantCulture, $"nvsdk-exporter-{Environment.ProcessId}-{Environment.TickCount64}");
        var status = lib.FieldGroupCreate(dcgm, ids, name, out var group);
        if (status != 0)
        {
            return status;
        }

        fieldGroup = group;
        status = lib.WatchFields(dcgm, DcgmLibrary.AllGpus, fieldGroup, UpdateFrequencyUsec, MaxKeepAgeSeconds, 0);
        if (status == 0)
        {
            Fields = fields;
        }

        return status;
    }

    private void Fail(string reason, bool shutdown)
    {
        Stop(shutdown);
        Reason = reason;
    }

    private void Stop(bool shutdown = true)
    {
        Available = false;
        Fields = [];
        if (library is not { } lib)
        {
            return;
        }

        if (fieldGroup != 0)
        {
            _ = lib.FieldGroupDestroy(dcgm, fieldGroup);
            fieldGroup = 0;
        }

        if (dcgm != 0)
        {
            _ = embedded ? lib.StopEmbedded(dcgm) : lib.Disconnect(dcgm);
            dcgm = 0;
        }

        if (shutdown)
        {
            _ = lib.Shutdown();
        }

        library = null;
    }
}

/// <summary>One GPU's profiling values as DCGM reported them: by field id, only the ones DCGM had.</summary>
public sealed record DcgmGpuReading(uint GpuId, string? Uuid, IReadOnlyDictionary<ushort, double> Values);
