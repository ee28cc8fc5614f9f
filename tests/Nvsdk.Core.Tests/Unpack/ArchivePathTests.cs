using Nvsdk.Core.Unpack;

namespace Nvsdk.Core.Tests.Unpack;

public sealed class ArchivePathTests
{
    [Theory]
    [InlineData("a", "a")]
    [InlineData("a/b/c", "a/b/c")]
    [InlineData("./a/b", "a/b")]
    [InlineData("a//b/", "a/b")]
    [InlineData("a/./b/.", "a/b")]
    [InlineData("cuda-13.1/", "cuda-13.1")]
    [InlineData("..a/b..", "..a/b..")]
    [InlineData("...", "...")]
    [InlineData(".", "")]
    [InlineData("./", "")]
    [InlineData("", "")]
    public void Normalize_SafeName_ReturnsRelativePath(string name, string expected)
    {
        Assert.Equal(expected, ArchivePath.Normalize(name, out var problem));
        Assert.Null(problem);
    }

    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("/")]
    [InlineData("//a")]
    [InlineData("..")]
    [InlineData("../a")]
    [InlineData("a/..")]
    [InlineData("a/../b")]
    [InlineData("evil-1.0/../../escaped")]
    [InlineData("./a/../../b")]
    [InlineData("a\0b")]
    public void Normalize_UnsafeName_ReturnsNullWithProblem(string name)
    {
        Assert.Null(ArchivePath.Normalize(name, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Theory]
    [InlineData("lib/libcudnn.so.9", "libcudnn.so.9.17.0", "", "lib/libcudnn.so.9.17.0")]
    [InlineData("lib/libcudnn.so", "./libcudnn.so.9", "", "lib/libcudnn.so.9")]
    [InlineData("lib64", "lib", "", "lib")]
    [InlineData("include/x", "../lib/y", "", "lib/y")]
    [InlineData("a/b/c/link", "../../../top", "", "top")]
    [InlineData("a/b/link", "c/../d", "", "a/b/d")]
    [InlineData("a/link", "..", "", "")]
    [InlineData("link", ".", "", "")]
    [InlineData("a/link", "x//y/", "", "a/x/y")]
    [InlineData("b", "a/..", "", "")] // "a" is a folder here, so "a/.." really is the root
    [InlineData("b", "a/x", "a", "a/x")] // descending through a link is judged when that link is
    public void ResolveLinkTarget_Inside_ReturnsTreePath(string link, string target, string symlinks, string expected) =>
        Assert.Equal(expected, ArchivePath.ResolveLinkTarget(link, target, Links(symlinks)));

    [Theory]
    [InlineData("lib/x", "../../../../etc", "")]
    [InlineData("link", "..", "")]
    [InlineData("a/link", "../..", "")]
    [InlineData("a/link", "b/../../..", "")]
    [InlineData("link", "/etc/passwd", "")]
    [InlineData("link", "/", "")]
    [InlineData("b", "a/..", "a")] // a -> "." makes "a/.." the root's parent
    [InlineData("b", "a/x/..", "a/x")]
    [InlineData("d/link", "../y", "d")] // ".." right after a symlinked parent
    [InlineData("c", "a/../b/..", "b")]
    public void ResolveLinkTarget_OutsideOrThroughLink_ReturnsNull(string link, string target, string symlinks) =>
        Assert.Null(ArchivePath.ResolveLinkTarget(link, target, Links(symlinks)));

    [Theory]
    [InlineData("lib/libcudnn.so", "libcudnn.so.9", "lib/libcudnn.so.9=libcudnn.so.9.17.0", false)]
    [InlineData("include/x", "../lib/y", "", false)]
    [InlineData("s", "a/b/..", "a=lib", false)] // lib/b is a folder: a/b/.. is lib
    [InlineData("lib64", "lib", "lib=targets/x86_64-linux/lib", false)]
    [InlineData("s", "a/b/../x", "a=lib,lib/b=..", true)] // a/b is lib/b, the root: a/b/.. is its parent
    [InlineData("s", "a/b/..", "a=lib,lib/b=..", true)]
    [InlineData("b", "a/..", "a=.", true)]
    [InlineData("s", "a/x", "a=/etc", true)]
    [InlineData("s", "a", "a=../..", true)]
    [InlineData("x", "y", "x=y,y=x", true)] // a loop cannot be resolved
    [InlineData("lib/x", "../../etc", "", true)]
    public void Escapes_LinkFollowedThroughTheArchiveLinks_SaysWhetherItLeavesTheRoot(string link, string target, string links, bool expected) =>
        Assert.Equal(expected, ArchivePath.Escapes(link, target, LinkTargets(links)));

    [Theory]
    [InlineData("a", "")]
    [InlineData("a/b", "a")]
    [InlineData("a/b/c", "a/b")]
    public void Parent_Path_ReturnsFolder(string path, string expected) =>
        Assert.Equal(expected, ArchivePath.Parent(path));

    [Theory]
    [InlineData("a", "")]
    [InlineData("a/b", "a")]
    [InlineData("a/b/c", "a,a/b")]
    public void Ancestors_Path_ReturnsProperAncestorsNearestLast(string path, string expected) =>
        Assert.Equal(expected.Split(',', StringSplitOptions.RemoveEmptyEntries), ArchivePath.Ancestors(path));

    private static HashSet<string> Links(string csv) => [.. csv.Split(',', StringSplitOptions.RemoveEmptyEntries)];

    private static Dictionary<string, string> LinkTargets(string csv) =>
        csv.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
}
