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
    public async Task CacheLayer_FuzzerFoundFileAndLinkOfTwoLayersUnderOneName_RefusedAsUnsafe()
    {
        // As the fuzz target (and a pull) runs it: the same layer through two writers of one tree, sharing one joiner.
        var bytes = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Root, "tests", "fixtures", "fuzz", "cache-layer-1.tar"));
        using var joiner = new FilePartJoiner();
        var writers = new[] { 0, 1 }.Select(_ => new SafeTreeWriter(temp.Combine("tree"), "layer", bytes.Length, new UnpackLimits()) { Parts = joiner, HashFiles = false }).ToList();

        var e = await Record.ExceptionAsync(async () =>
        {
            foreach (var writer in writers)
            {
                await TarUnpacker.UnpackAsync(new MemoryStream(bytes), writer, LayoutRule.Identity(), CancellationToken.None);
            }

            foreach (var writer in writers)
            {
                writer.Complete();
            }
        });

        Assert.IsType<UnsafeArchiveException>(e);
    }

    [Theory]
    [InlineData("redistrib-1.json")] // bytes that are not UTF-8 inside a string
    [InlineData("redistrib-2.json")] // a \u escape that is a lone surrogate
    public async Task RedistribManifest_FuzzerFoundInput_InvalidInput(string name)
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Root, "tests", "fixtures", "fuzz", name));
        var e = Assert.Throws<NvsdkException>(() => Core.Update.RedistribManifest.Parse(name, bytes));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
    }

    [Fact]
    public async Task HostConfigParser_FuzzerFoundFileEndingInsideAnEscape_OneLineNamingTheFileAndLine()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "tests", "fixtures", "fuzz", "host-toml-1.toml"));
        var e = Assert.Throws<UsageException>(() => Core.Host.Config.HostConfigParser.Parse("host.toml", text));
        Assert.StartsWith("host.toml:2: not valid TOML: the file ends inside a string", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LockFileParser_FuzzerFoundInvalidUtf8_ADiagnosticNotACrash()
    {
        var bytes = await File.ReadAllBytesAsync(Path.Combine(RepoPaths.Root, "tests", "fixtures", "fuzz", "lock-1.json"));
        var (lockFile, diagnostics) = Core.LockFile.LockFileParser.Parse("lock-1.json", bytes);
        Assert.Null(lockFile);
        Assert.NotEmpty(diagnostics);
    }
}
