using Grpc.Core;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Metrics;
using Nvsdk.Core.Metrics.PodResources;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Metrics.PodResources;

/// <summary>nvsdk's one-call gRPC client against a grpc-dotnet kubelet on a unix socket.</summary>
public sealed class PodResourcesClientTests : IDisposable
{
    private readonly TempDir temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task List_FakeKubelet_GpuDevicesWithPodNamespaceContainer()
    {
        await using var kubelet = await FakeKubelet.StartAsync(temp.Combine("kubelet.sock"));
        kubelet.Response.PodResources.Add(FakeKubelet.Pod("ml", "trainer-0", "pytorch", PodResourcesClient.GpuResource, "GPU-3f0a6b1e-9c52-4d7e-a1b3-2c4d5e6f7a80"));
        kubelet.Response.PodResources.Add(FakeKubelet.Pod("serving", "infer-7", "vllm", PodResourcesClient.GpuResource, "1"));
        kubelet.Response.PodResources.Add(FakeKubelet.Pod("net", "sriov", "app", "intel.com/sriov", "0000:af:00.1"));

        using var client = new PodResourcesClient(kubelet.Socket);
        var allocations = await client.ListAsync();

        Assert.Equal(3, allocations.Count);
        var owners = PodDevices.Owners(allocations, PodResourcesClient.GpuResource);
        Assert.Equal(new PodOwner("trainer-0", "ml", "pytorch"), Assert.Single(owners["GPU-3f0a6b1e-9c52-4d7e-a1b3-2c4d5e6f7a80"]));
        Assert.Equal(new PodOwner("infer-7", "serving", "vllm"), Assert.Single(owners["1"]));
        Assert.Equal(2, owners.Count); // the NIC is not a GPU
    }

    [Fact]
    public async Task List_SharedGpuReplicas_EveryContainerFiledUnderTheGpuWithItsReplica()
    {
        const string Gpu = "GPU-3f0a6b1e-9c52-4d7e-a1b3-2c4d5e6f7a80";
        await using var kubelet = await FakeKubelet.StartAsync(temp.Combine("kubelet.sock"));

        // The NVIDIA device plugin with time-slicing hands out replicas GPU-…::N; GKE names them N/vgpuM.
        kubelet.Response.PodResources.Add(FakeKubelet.Pod("serving", "infer-a", "vllm", PodResourcesClient.GpuResource, Gpu + "::0"));
        kubelet.Response.PodResources.Add(FakeKubelet.Pod("serving", "infer-b", "vllm", PodResourcesClient.GpuResource, Gpu + "::1"));
        kubelet.Response.PodResources.Add(FakeKubelet.Pod("research", "notebook", "jupyter", PodResourcesClient.GpuResource, Gpu + "::2", Gpu + "::3"));
        kubelet.Response.PodResources.Add(FakeKubelet.Pod("batch", "etl", "spark", PodResourcesClient.GpuResource, "1/vgpu0"));

        using var client = new PodResourcesClient(kubelet.Socket);
        var owners = PodDevices.Owners(await client.ListAsync(), PodResourcesClient.GpuResource);

        Assert.Equal(
            [new("infer-a", "serving", "vllm", "0"), new("infer-b", "serving", "vllm", "1"), new("notebook", "research", "jupyter", "2"), new PodOwner("notebook", "research", "jupyter", "3")],
            owners[Gpu]);
        Assert.Equal(new PodOwner("etl", "batch", "spark", "0"), Assert.Single(owners["1"]));
    }

    [Theory]
    [InlineData("GPU-3f0a::7", "GPU-3f0a", "7")]
    [InlineData("0/vgpu2", "0", "2")]
    [InlineData("GPU-3f0a", "GPU-3f0a", null)]
    [InlineData("::1", "::1", null)] // no GPU before the separator: left as it is
    public void SharedReplica_DevicePluginIds(string id, string device, string? replica) =>
        Assert.Equal((device, replica), PodDevices.SharedReplica(id));

    [Fact]
    public async Task List_NoPods_Empty()
    {
        await using var kubelet = await FakeKubelet.StartAsync(temp.Combine("kubelet.sock"));
        using var client = new PodResourcesClient(kubelet.Socket);
        Assert.Empty(await client.ListAsync());
    }

    [Fact]
    public async Task List_GrpcError_PodResourcesExceptionWithStatus()
    {
        await using var kubelet = await FakeKubelet.StartAsync(temp.Combine("kubelet.sock"));
        kubelet.Failure = StatusCode.Unavailable;
        using var client = new PodResourcesClient(kubelet.Socket);
        var e = await Assert.ThrowsAsync<PodResourcesException>(() => client.ListAsync());
        Assert.Contains("gRPC status 14", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_NoSocket_PodResourcesException()
    {
        using var client = new PodResourcesClient(temp.Combine("absent.sock"));
        await Assert.ThrowsAsync<PodResourcesException>(() => client.ListAsync());
    }

    [Fact]
    public async Task Attribution_KubeletStopsAnswering_LabelsGoAndOneLineEachChange()
    {
        await using var kubelet = await FakeKubelet.StartAsync(temp.Combine("kubelet.sock"));
        kubelet.Response.PodResources.Add(FakeKubelet.Pod("ml", "trainer-0", "pytorch", PodResourcesClient.GpuResource, "0"));
        var lines = new List<string>();
        using var pods = new PodAttribution(new PodResourcesClient(kubelet.Socket), lines.Add);

        await pods.RefreshAsync();
        Assert.Equal("trainer-0", Assert.Single(pods.Owners["0"]).Pod);
        kubelet.Failure = StatusCode.Internal;
        await pods.RefreshAsync();
        await pods.RefreshAsync();
        Assert.Empty(pods.Owners);
        kubelet.Failure = null;
        await pods.RefreshAsync();
        Assert.Single(pods.Owners);
        Assert.Equal(3, lines.Count); // up, down (once for two failures), up
    }

    [Theory]
    [InlineData(new byte[] { 0x0a, 0x05, 0x0a, 0x01 })] // a length past the end
    [InlineData(new byte[] { 0x0b })] // wire type 3 (groups) is not proto3
    [InlineData(new byte[] { 0x0a, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 })] // an 11-byte varint
    public void Decode_Malformed_FormatException(byte[] message) =>
        Assert.Throws<FormatException>(() => PodDevices.Decode(message));
}
