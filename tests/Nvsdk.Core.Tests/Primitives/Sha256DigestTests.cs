using System.Text;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Tests.Primitives;

public sealed class Sha256DigestTests
{
    // SHA-256 of the empty input and of "abc" (FIPS 180-2 test vector).
    private const string EmptyHex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private const string AbcHex = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    [Theory]
    [InlineData(AbcHex, AbcHex)]
    [InlineData("BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", AbcHex)]
    [InlineData("Ba7816bF8f01cfEA414140de5dae2223b00361a396177a9cb410ff61f20015AD", AbcHex)]
    [InlineData("sha256:" + AbcHex, AbcHex)]
    [InlineData("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD", AbcHex)]
    public void Parse_ValidHex_HoldsLowerCaseHex(string text, string expected)
    {
        var digest = Sha256Digest.Parse(text);

        Assert.Equal(expected, digest.Hex);
        Assert.Equal(expected, digest.ToString());
    }

    [Theory]
    [InlineData(AbcHex)]
    [InlineData("sha256:" + AbcHex)]
    public void TryParse_ValidHex_ReturnsTrueAndDigest(string text)
    {
        Assert.True(Sha256Digest.TryParse(text, out var digest));
        Assert.Equal(AbcHex, digest.Hex);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a")] // 63 characters
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad0")] // 65 characters
    [InlineData("ga7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")] // 'g' is not hex
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a ")] // trailing space
    [InlineData(" ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")] // leading space
    [InlineData("sha256-" + AbcHex)] // SRI spelling
    [InlineData("SHA256:" + AbcHex)] // the prefix is case-sensitive
    [InlineData("sha256:")]
    [InlineData("sha512:" + AbcHex)]
    [InlineData(null)]
    public void TryParse_NotADigest_ReturnsFalse(string? text)
    {
        Assert.False(Sha256Digest.TryParse(text, out var digest));
        Assert.Equal(default, digest);
    }

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("sha256-" + AbcHex)]
    [InlineData("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015a")]
    public void Parse_NotADigest_ThrowsFormatException(string text) =>
        Assert.Throws<FormatException>(() => Sha256Digest.Parse(text));

    [Fact]
    public void Parse_Null_ThrowsFormatException() =>
        Assert.Throws<FormatException>(() => Sha256Digest.Parse(null!));

    [Fact]
    public void Parse_DifferentCase_DigestsAreEqual()
    {
        var lower = Sha256Digest.Parse(AbcHex);
        var upper = Sha256Digest.Parse(AbcHex.ToUpperInvariant());
        var prefixed = Sha256Digest.Parse("sha256:" + AbcHex);

        Assert.Equal(lower, upper);
        Assert.Equal(lower, prefixed);
        Assert.Equal(lower.GetHashCode(), upper.GetHashCode());
    }

    [Theory]
    [InlineData("", EmptyHex)]
    [InlineData("abc", AbcHex)]
    public void Of_KnownInput_ReturnsKnownDigest(string input, string expected) =>
        Assert.Equal(expected, Sha256Digest.Of(Encoding.ASCII.GetBytes(input)).Hex);

    [Fact]
    public void FromHash_ThirtyTwoBytes_ReturnsLowerCaseHex()
    {
        var hash = Convert.FromHexString(AbcHex);

        var digest = Sha256Digest.FromHash(hash);

        Assert.Equal(AbcHex, digest.Hex);
        Assert.Equal(Sha256Digest.Parse(AbcHex), digest);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void FromHash_WrongLength_ThrowsArgumentException(int length)
    {
        var e = Assert.Throws<ArgumentException>(() => Sha256Digest.FromHash(new byte[length]));

        Assert.Equal("hash", e.ParamName);
    }

    [Fact]
    public void Short_AnyDigest_IsFirst32HexCharacters()
    {
        var digest = Sha256Digest.Parse(AbcHex);

        Assert.Equal(32, digest.Short.Length);
        Assert.Equal(AbcHex[..32], digest.Short);
    }

    [Fact]
    public void ToString_Default_IsEmpty() => Assert.Equal(string.Empty, default(Sha256Digest).ToString());
}
