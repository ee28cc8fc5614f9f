using Nvsdk.Core.Sdk;
using Nvsdk.Core.Store;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Sdk;

/// <summary>`store verify` checks generations: a file planted into one after it was built is reported.</summary>
public sealed class GenerationVerifierTests : IDisposable
{
    private readonly TempDir temp = new("nvsdk-genverify-");

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task VerifyStoreAsync_FilePlantedInGeneration_Corrupt()
    {
        var store = NvsdkStore.Open(temp.Combine("root"));
        var generations = new Generations(store.Layout);
        var lib64 = Path.Combine(generations.PathOf(1), "lib64");
        Directory.CreateDirectory(lib64);
        File.WriteAllText(Path.Combine(lib64, "libcudart.so.13"), "real");
        generations.WriteRecord(Record(GenerationShape.Of(generations.PathOf(1))));

        var before = await GenerationVerifier.VerifyStoreAsync(store);
        File.WriteAllText(Path.Combine(lib64, "libevil.so"), "planted");
        var after = await GenerationVerifier.VerifyStoreAsync(store);

        Assert.True(before.Healthy);
        Assert.False(after.Healthy);
        Assert.Equal(EntryState.Corrupt, Assert.Single(after.Entries, e => e.Name == "generations/sdk-1").State);
    }

    [Fact]
    public async Task VerifyStoreAsync_GenerationLinkingUnregisteredEntry_Corrupt()
    {
        var store = NvsdkStore.Open(temp.Combine("root"));
        var generations = new Generations(store.Layout);
        Directory.CreateDirectory(generations.PathOf(1));
        generations.WriteRecord(Record(GenerationShape.Of(generations.PathOf(1))) with { Entries = ["gone-cudnn-9"] });

        var report = await GenerationVerifier.VerifyStoreAsync(store);

        Assert.Equal(EntryState.Corrupt, Assert.Single(report.Entries).State);
    }

    private static GenerationRecord Record(string shape) => new()
    {
        Number = 1,
        CreatedAt = DateTimeOffset.UnixEpoch,
        Key = "k",
        System = "x86_64-linux",
        CudaVersion = "13.0.2",
        Lock = "/dev/null",
        Components = [],
        Entries = [],
        Shape = shape,
    };
}
