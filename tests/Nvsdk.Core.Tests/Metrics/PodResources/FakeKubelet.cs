using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Nvsdk.Core.Tests.Kubelet;
using KubeletPod = Nvsdk.Core.Tests.Kubelet.PodResources;

namespace Nvsdk.Core.Tests.Metrics.PodResources;

/// <summary>
/// A kubelet pod-resources endpoint: grpc-dotnet on Kestrel, HTTP/2 on a unix socket, answering `List` with
/// <see cref="Response"/> (or failing with <see cref="Failure"/>), encoded by Google.Protobuf from the real
/// .proto: the client under test meets the same bytes a kubelet sends.
/// </summary>
public sealed class FakeKubelet : IAsyncDisposable
{
    private readonly WebApplication app;

    private FakeKubelet(WebApplication app, string socket)
    {
        this.app = app;
        Socket = socket;
    }

    public string Socket { get; }

    public ListPodResourcesResponse Response { get; set; } = new();

    public StatusCode? Failure { get; set; }

    public int Calls;

    public static async Task<FakeKubelet> StartAsync(string socket)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.ListenUnixSocket(socket, o => o.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton<Lister>();
        var app = builder.Build();
        var kubelet = new FakeKubelet(app, socket);
        app.Services.GetRequiredService<Lister>().Kubelet = kubelet;
        app.MapGrpcService<Lister>();
        await app.StartAsync();
        return kubelet;
    }

    /// <summary>A pod whose one container holds <paramref name="deviceIds"/> of <paramref name="resource"/>, with the CPU and memory fields a kubelet also sends.</summary>
    public static KubeletPod Pod(string ns, string name, string container, string resource, params string[] deviceIds)
    {
        var devices = new ContainerDevices { ResourceName = resource, Topology = new TopologyInfo { Nodes = { new NUMANode { ID = 1 } } } };
        devices.DeviceIds.AddRange(deviceIds);
        var resources = new ContainerResources { Name = container, Devices = { devices }, CpuIds = { 2, 3, 130 } };
        resources.Memory.Add(new ContainerMemory { MemoryType = "memory", Size = 1UL << 34 });
        return new KubeletPod { Name = name, Namespace = ns, Containers = { resources } };
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }

    private sealed class Lister : PodResourcesLister.PodResourcesListerBase
    {
        public FakeKubelet Kubelet { get; set; } = null!;

        public override Task<ListPodResourcesResponse> List(ListPodResourcesRequest request, ServerCallContext context)
        {
            Interlocked.Increment(ref Kubelet.Calls);
            return Kubelet.Failure is { } failure
                ? throw new RpcException(new Status(failure, "pod resources unavailable"))
                : Task.FromResult(Kubelet.Response);
        }
    }
}
