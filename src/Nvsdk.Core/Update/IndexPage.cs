using System.Net;
using System.Text.RegularExpressions;

namespace Nvsdk.Core.Update;

/// <summary>
/// An HTTP directory listing (developer.download.nvidia.com's "Index of" pages, nginx's autoindex): the entries
/// it links to, each resolved against the page's URL so that relative (<c>10.15.1/</c>) and absolute
/// (<c>/compute/…/10.15.1/</c>) hrefs read the same. Only entries directly inside the listed folder count:
/// parent links, sort links (<c>?C=M;O=A</c>) and links elsewhere are not entries.
/// </summary>
public static partial class IndexPage
{
    /// <summary>One entry of a listing: its name (folders end in '/') and absolute URL.</summary>
    public sealed record Entry(string Name, Uri Url)
    {
        public bool IsFolder => Name.EndsWith('/');
    }

    public static IReadOnlyList<Entry> Entries(Uri page, string html)
    {
        var folder = page.AbsolutePath.EndsWith('/') ? page : new Uri(page, "./");
        var entries = new List<Entry>();
        foreach (Match m in Hrefs().Matches(html))
        {
            var href = WebUtility.HtmlDecode(m.Groups[1].Value);
            if (href.Length == 0 || href.Contains('?', StringComparison.Ordinal) || href.Contains('#', StringComparison.Ordinal)
                || !Uri.TryCreate(folder, href, out var url) || url.Authority != folder.Authority)
            {
                continue;
            }

            var path = url.AbsolutePath;
            if (path.Length <= folder.AbsolutePath.Length || !path.StartsWith(folder.AbsolutePath, StringComparison.Ordinal))
            {
                continue;
            }

            var name = Uri.UnescapeDataString(path[folder.AbsolutePath.Length..]);
            var slash = name.IndexOf('/', StringComparison.Ordinal);
            if (slash >= 0 && slash != name.Length - 1)
            {
                continue; // deeper than one level: not an entry of this folder
            }

            if (entries.All(e => e.Name != name))
            {
                entries.Add(new Entry(name, url));
            }
        }

        return entries;
    }

    [GeneratedRegex(@"<a\s[^>]*?href\s*=\s*[""']([^""']*)[""']", RegexOptions.IgnoreCase)]
    private static partial Regex Hrefs();
}
