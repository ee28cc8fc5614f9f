namespace Nvsdk.Core.Gpu.Nvml;

/// <summary>
/// Listens for XID errors the way DCGM does: one NVML event set with every GPU registered for
/// nvmlEventTypeXidCriticalError, waited on by a background thread, keeping per GPU the last XID and how
/// many arrived. NVML events cannot be polled after the fact, so this runs for the exporter's whole life.
/// </summary>
internal sealed class XidWatcher : IDisposable
{
    private const uint WaitMs = 250;

    private readonly NvmlLibrary nvml;
    private readonly nint set;
    private readonly Dictionary<nint, string> watched = [];
    private readonly Dictionary<nint, (int Last, long Count)> seen = [];
    private readonly Action<string> log;
    private readonly Lock gate = new();
    private readonly Thread? thread;
    private volatile bool stopping;

    public XidWatcher(NvmlLibrary nvml, IEnumerable<(nint Handle, string Uuid)> devices, Action<string> log)
    {
        this.nvml = nvml;
        this.log = log;
        set = nvml.EventSetCreate();
        if (set == 0)
        {
            log("XID errors not watched: NVML has no event support here");
            return;
        }

        foreach (var (handle, uuid) in devices)
        {
            var ret = nvml.RegisterEvents(handle, NvmlLibrary.EventXidCritical, set);
            if (ret == NvmlLibrary.Success)
            {
                watched[handle] = uuid;
                seen[handle] = (0, 0);
            }
            else
            {
                log($"XID errors not watched on {uuid}: NVML {NvmlLibrary.Name(ret)}");
            }
        }

        thread = new Thread(Run) { IsBackground = true, Name = "nvsdk XID watcher" };
        thread.Start();
    }

    /// <summary>The last XID (0: none yet) and the count for this GPU; null when it is not watched.</summary>
    public (int Last, long Count)? Read(nint handle)
    {
        lock (gate)
        {
            return seen.TryGetValue(handle, out var state) ? state : null;
        }
    }

    public void Dispose()
    {
        stopping = true;
        thread?.Join();
        if (set != 0)
        {
            nvml.EventSetFree(set);
        }
    }

    private void Run()
    {
        while (!stopping)
        {
            var ret = nvml.EventSetWait(set, WaitMs, out var device, out var type, out var data);
            if (ret == NvmlLibrary.Timeout)
            {
                continue;
            }

            if (ret != NvmlLibrary.Success)
            {
                // GPU_IS_LOST and the like: the event set is dead; the last values stay served.
                log($"XID watch stopped: NVML {NvmlLibrary.Name(ret)}");
                return;
            }

            if ((type & NvmlLibrary.EventXidCritical) != 0 && watched.TryGetValue(device, out var uuid))
            {
                var xid = (int)data;
                lock (gate)
                {
                    seen[device] = (xid, seen[device].Count + 1);
                }

                log($"XID {xid} on {uuid}: {XidCatalog.Meaning(xid)}");
            }
        }
    }
}
