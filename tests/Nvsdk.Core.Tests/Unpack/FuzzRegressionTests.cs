using Nvsdk.Core.Errors;
using Nvsdk.Core.Unpack;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Unpack;

/// <summary>Every crash the fuzzer found stays fixed: the reader either unpacks the input or refuses it with nvsdk's own error.</summary>
public sealed class FuzzRegressionTests : IDisposable
{
    private readonly TempDir temp = new("nvsdk-fuzzreg-");

    public static TheoryData<string> TarCrashes()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(RepoPaths.Root, "tests", "fixtures", "fuzz"), "tar-raw-*.tar").Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    public void Dispose() => temp.Dispose();

    [Theory]
    [MemberData(nameof(TarCrashes))]
    public async Task TarUnpacker_FuzzerFoundInput_OnlyNvsdkErrors(string name)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Root, "tests", "fixtures", "fuzz", name));
        var writer = new SafeTreeWriter(temp.Combine("tree"), name, bytes.Length, new UnpackLimits());

        var e = await Record.ExceptionAsync(async () =>
        {
            await TarUnpacker.UnpackAsync(new MemoryStream(bytes), writer, LayoutRule.Identity(), CancellationToken.None);
            writer.Complete();
        });

        Assert.True(e is null or NvsdkException, $"{name}: {e}");
        Assert.Equal(["tree"], Directory.EnumerateFileSystemEntries(temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task RedistribManifest_FuzzerFoundInvalidUtf8_InvalidInput()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Root, "tests", "fixtures", "fuzz", "redistrib-1.json"));
        var e = Assert.Throws<NvsdkException>(() => Core.Update.RedistribManifest.Parse("redistrib-1.json", bytes));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
    }
}
