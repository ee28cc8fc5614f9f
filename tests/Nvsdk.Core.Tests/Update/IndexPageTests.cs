using Nvsdk.Core.Update;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Update;

/// <summary>Directory listings: the hand-written NVIDIA-shaped pages in tests/fixtures/index and edge cases inline.</summary>
public class IndexPageTests
{
    private static readonly Uri Redist = new("https://developer.download.nvidia.com/compute/cuda/redist/");

    [Fact]
    public void Entries_CudaRedistFixture_ListsManifestsAndFoldersButNotTheParent()
    {
        var html = File.ReadAllText(Path.Combine(RepoPaths.Root, "tests", "fixtures", "index", "cuda-redist.html"));
        var entries = IndexPage.Entries(Redist, html);
        Assert.Contains(entries, e => e.Name == "redistrib_13.1.1.json" && e.Url == new Uri(Redist, "redistrib_13.1.1.json") && !e.IsFolder);
        Assert.Contains(entries, e => e.Name == "cuda_nvcc/" && e.IsFolder);
        Assert.DoesNotContain(entries, e => e.Name.StartsWith("..", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("<a href=\"10.15.1/\">10.15.1/</a>", "10.15.1/")]
    [InlineData("<a href=\"/compute/cuda/redist/redistrib_13.1.1.json\">x</a>", "redistrib_13.1.1.json")]
    [InlineData("<A HREF='https://developer.download.nvidia.com/compute/cuda/redist/redistrib_12.9.1.json'>x</A>", "redistrib_12.9.1.json")]
    [InlineData("<a class=\"file\" href=\"TensorRT-10.15.1.29.Linux.x86_64-gnu.cuda-13.1.tar.gz\">x</a>", "TensorRT-10.15.1.29.Linux.x86_64-gnu.cuda-13.1.tar.gz")]
    [InlineData("<a href=\"a%20b.json\">x</a>", "a b.json")]
    public void Entries_HrefForms_ResolveToTheEntryName(string html, string name)
    {
        var entry = Assert.Single(IndexPage.Entries(Redist, html));
        Assert.Equal(name, entry.Name);
    }

    [Theory]
    [InlineData("<a href=\"../\">../</a>")]
    [InlineData("<a href=\"?C=M;O=A\">Last modified</a>")]
    [InlineData("<a href=\"#top\">top</a>")]
    [InlineData("<a href=\"https://example.com/compute/cuda/redist/redistrib_13.1.1.json\">elsewhere</a>")]
    [InlineData("<a href=\"/compute/cudnn/redist/redistrib_9.20.0.json\">another folder</a>")]
    [InlineData("<a href=\"cuda_nvcc/linux-x86_64/\">deeper</a>")]
    [InlineData("<a href=\"\">empty</a>")]
    public void Entries_LinksOutsideTheFolder_AreNotEntries(string html) =>
        Assert.Empty(IndexPage.Entries(Redist, html));

    [Fact]
    public void Entries_PageUrlWithoutSlash_ListsItsFolder()
    {
        var entry = Assert.Single(IndexPage.Entries(new Uri("https://h/compute/cuda/redist/index.html"), "<a href=\"redistrib_13.1.1.json\">"));
        Assert.Equal(new Uri("https://h/compute/cuda/redist/redistrib_13.1.1.json"), entry.Url);
    }
}
