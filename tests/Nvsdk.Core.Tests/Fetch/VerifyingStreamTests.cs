using Nvsdk.Core.Errors;
using Nvsdk.Core.Fetch;
using Nvsdk.Core.Primitives;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Fetch;

public class VerifyingStreamTests
{
    private static readonly byte[] Content = FixtureArchives.Payload(100_000, 7);

    [Fact]
    public async Task ReadToEnd_RightBytes_SetsDigest()
    {
        using var stream = new VerifyingStream(new MemoryStream(Content), "x", Sha256Digest.Of(Content), Content.Length);
        await stream.CopyToAsync(Stream.Null);
        Assert.Equal(Sha256Digest.Of(Content), stream.Digest);
        Assert.Equal(Content.Length, stream.BytesRead);
    }

    [Fact]
    public async Task Read_EmptyBufferMidStream_DoesNotFinish()
    {
        using var stream = new VerifyingStream(new MemoryStream(Content), "x", Sha256Digest.Of(Content), Content.Length);
        Assert.Equal(10, await stream.ReadAsync(new byte[10]));
        Assert.Equal(0, await stream.ReadAsync(Memory<byte>.Empty));
        Assert.Equal(0, stream.Read([]));
        Assert.Null(stream.Digest);
        await stream.CopyToAsync(Stream.Null);
        Assert.Equal(Sha256Digest.Of(Content), stream.Digest);
    }

    [Fact]
    public async Task ReadToEnd_WrongDigest_ThrowsMismatchWithBothDigests()
    {
        var wrong = Sha256Digest.Of([1, 2, 3]);
        using var stream = new VerifyingStream(new MemoryStream(Content), "x", wrong, null);
        var e = await Assert.ThrowsAsync<DigestMismatchException>(() => stream.CopyToAsync(Stream.Null));
        Assert.Equal(wrong, e.Expected);
        Assert.Equal(Sha256Digest.Of(Content), e.Actual);
        Assert.Equal(Content.Length, e.BytesRead);
    }

    [Fact]
    public async Task Read_MoreThanPinnedSize_ThrowsBeforeTheEnd()
    {
        using var stream = new VerifyingStream(new MemoryStream(Content), "x", null, 1000);
        var e = await Assert.ThrowsAsync<SizeMismatchException>(() => stream.CopyToAsync(Stream.Null));
        Assert.Equal(1000, e.Expected);
    }

    [Fact]
    public async Task ReadToEnd_ShorterThanPinnedSize_ThrowsTruncated()
    {
        using var stream = new VerifyingStream(new MemoryStream(Content), "x", null, Content.Length + 10);
        var e = await Assert.ThrowsAsync<TruncatedStreamException>(() => stream.CopyToAsync(Stream.Null));
        Assert.Equal(Content.Length, e.Actual);
    }

    [Fact]
    public async Task ReadToEnd_ResumedHash_VerifiesTheWhole()
    {
        var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        hash.AppendData(Content, 0, 40_000);
        using var stream = new VerifyingStream(new MemoryStream(Content[40_000..]), "x", Sha256Digest.Of(Content), Content.Length, hash, 40_000);
        await stream.CopyToAsync(Stream.Null);
        Assert.Equal(Sha256Digest.Of(Content), stream.Digest);
    }
}
