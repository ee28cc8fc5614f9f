namespace Nvsdk.Core.Metrics.PodResources;

/// <summary>
/// The kubelet's answer to pod-resources `List`, reduced to what attribution needs: which container holds
/// which device of which resource. Decodes ListPodResourcesResponse (k8s.io/kubelet podresources v1):
/// pod_resources = 1 → PodResources {name = 1, namespace = 2, containers = 3 → ContainerResources
/// {name = 1, devices = 2 → ContainerDevices {resource_name = 1, device_ids = 2}}}.
/// </summary>
public static class PodDevices
{
    /// <summary>One device of one container, as the kubelet names it (a GPU UUID, or an index for some plugins).</summary>
    public sealed record Allocation(string Resource, string DeviceId, PodOwner Owner);

    public static IReadOnlyList<Allocation> Decode(ReadOnlySpan<byte> response)
    {
        var list = new List<Allocation>();
        ProtoReader.Read(response, (int field, int wire, ref ProtoReader r) =>
        {
            if ((field, wire) != (1, 2))
            {
                return false;
            }

            ReadPod(r.Bytes(), list);
            return true;
        });
        return list;
    }

    /// <summary>
    /// The containers holding each GPU of <paramref name="resource"/>, keyed by device id (UUID or index), in the
    /// kubelet's order. A shared GPU (time-slicing) is listed once per replica: the NVIDIA device plugin names
    /// replicas `GPU-…::N`, GKE `N/vgpuM`; both are filed under the GPU and keep the replica as
    /// <see cref="PodOwner.Vgpu"/>, as dcgm-exporter does. A container listed twice for the same replica counts once.
    /// </summary>
    public static Dictionary<string, IReadOnlyList<PodOwner>> Owners(IEnumerable<Allocation> allocations, string resource)
    {
        var owners = new Dictionary<string, List<PodOwner>>(StringComparer.Ordinal);
        foreach (var a in allocations.Where(a => a.Resource == resource))
        {
            var (device, replica) = SharedReplica(a.DeviceId);
            var owner = a.Owner with { Vgpu = replica };
            if (!owners.TryGetValue(device, out var list))
            {
                owners[device] = list = [];
            }

            if (!list.Contains(owner))
            {
                list.Add(owner);
            }
        }

        return owners.ToDictionary(o => o.Key, o => (IReadOnlyList<PodOwner>)o.Value, StringComparer.Ordinal);
    }

    /// <summary>The GPU and replica of a shared device id (`GPU-…::3` → GPU-…, 3; `0/vgpu2` → 0, 2); a plain id has no replica.</summary>
    public static (string Device, string? Replica) SharedReplica(string deviceId)
    {
        foreach (var separator in (ReadOnlySpan<string>)["::", "/vgpu"])
        {
            var at = deviceId.IndexOf(separator, StringComparison.Ordinal);
            if (at > 0)
            {
                return (deviceId[..at], deviceId[(at + separator.Length)..]);
            }
        }

        return (deviceId, null);
    }

    private static void ReadPod(ReadOnlySpan<byte> pod, List<Allocation> list)
    {
        string name = string.Empty, ns = string.Empty;
        var containers = new List<(string Name, string Resource, string Device)>();
        ProtoReader.Read(pod, (int field, int wire, ref ProtoReader r) =>
        {
            switch (field, wire)
            {
                case (1, 2):
                    name = r.String();
                    return true;
                case (2, 2):
                    ns = r.String();
                    return true;
                case (3, 2):
                    ReadContainer(r.Bytes(), containers);
                    return true;
                default:
                    return false;
            }
        });

        // The pod's name and namespace may come after its containers on the wire: attribute once all are read.
        list.AddRange(containers.Select(c => new Allocation(c.Resource, c.Device, new PodOwner(name, ns, c.Name))));
    }

    private static void ReadContainer(ReadOnlySpan<byte> container, List<(string, string, string)> into)
    {
        var name = string.Empty;
        var devices = new List<(string Resource, string Id)>();
        ProtoReader.Read(container, (int field, int wire, ref ProtoReader r) =>
        {
            switch (field, wire)
            {
                case (1, 2):
                    name = r.String();
                    return true;
                case (2, 2):
                    ReadDevices(r.Bytes(), devices);
                    return true;
                default:
                    return false;
            }
        });
        into.AddRange(devices.Select(d => (name, d.Resource, d.Id)));
    }

    /// <summary>ContainerDevices: resource_name = 1, device_ids = 2 (repeated); topology = 3 is skipped.</summary>
    private static void ReadDevices(ReadOnlySpan<byte> devices, List<(string, string)> into)
    {
        var resource = string.Empty;
        var ids = new List<string>();
        ProtoReader.Read(devices, (int field, int wire, ref ProtoReader r) =>
        {
            switch (field, wire)
            {
                case (1, 2):
                    resource = r.String();
                    return true;
                case (2, 2):
                    ids.Add(r.String());
                    return true;
                default:
                    return false;
            }
        });
        into.AddRange(ids.Select(id => (resource, id)));
    }
}
