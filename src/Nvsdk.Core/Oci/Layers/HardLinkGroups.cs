using System.Formats.Tar;

namespace Nvsdk.Core.Oci.Layers;

/// <summary>A hard link member to be made once every layer has been read.</summary>
internal sealed record LinkRequest(string Path, string Target, int Layer, string Archive, string Entry);

/// <summary>What a group of hard links shares: the member (file, symlink, device…) that gives it its content.</summary>
internal sealed record LinkSource(TarEntryType Type, string Path, int Layer, long Ordinal, UnixFileMode Mode, bool Written, string? SymlinkTarget)
{
    public bool IsFile => Type is TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile;
}

/// <summary>The names of one inode: its source, once found, and the hard links that must share it.</summary>
internal sealed class LinkGroup
{
    private LinkGroup? mergedInto;

    public LinkSource? Source { get; set; }

    public List<LinkRequest> Links { get; } = [];

    /// <summary>Where the source's bytes were written when the source itself is hidden: the first link's path.</summary>
    public string? Materialized { get; set; }

    public LinkGroup Root()
    {
        var group = this;
        while (group.mergedInto is { } next)
        {
            group = next;
        }

        return group;
    }

    public void MergeInto(LinkGroup other)
    {
        other.Links.AddRange(Links);
        Links.Clear();
        mergedInto = other;
    }
}

/// <summary>
/// Resolves hard links the way a layered file system sees them. In layer L, a link P → T gets the content T
/// has as seen from L: the nearest member named T at or below L, in reading order (earlier in L's own tar,
/// else the first later one: later in L, then lower layers). That member may end up hidden (an upper layer
/// overwrote or whited out T): P keeps the old content all the same, as under overlayfs or containerd,
/// where go-containerregistry's Extract would emit a dangling link (its issues 977 and 2002).
/// <para>
/// Reading top-down, a link is often seen before its source (the source sits in a lower layer), so groups
/// wait for their target's name; and a hidden source seen before its link must be read again at the end of
/// its layer (<see cref="TakeRereads"/>).
/// </para>
/// </summary>
internal sealed class HardLinkGroups
{
    private readonly Dictionary<string, LinkGroup> seenInLayer = new(StringComparer.Ordinal);
    private readonly Dictionary<string, LinkGroup> waiting = new(StringComparer.Ordinal);
    private readonly List<LinkGroup> hiddenSourcesInLayer = [];
    private readonly List<LinkGroup> withLinks = [];

    public void BeginLayer()
    {
        seenInLayer.Clear();
        hiddenSourcesInLayer.Clear();
    }

    /// <summary>
    /// Records a member that is not a hard link. Returns the group that was waiting for its name, which
    /// already has links when the caller must write a hidden source's bytes now (<see cref="NeedsBytes"/>).
    /// </summary>
    public LinkGroup OnMember(LinkSource source)
    {
        var group = waiting.Remove(source.Path, out var waited) ? waited.Root() : new LinkGroup();
        group.Source = source;
        seenInLayer[source.Path] = group;
        if (source.IsFile && !source.Written)
        {
            hiddenSourcesInLayer.Add(group);
        }

        return group;
    }

    /// <summary>Records a hard link member; <paramref name="request"/> is null when the link itself is hidden.</summary>
    public void OnHardLink(string path, string target, LinkRequest? request)
    {
        // Links that waited for this name now wait, with this one, for its target.
        waiting.Remove(path, out var waitedForThis);
        LinkGroup group;
        if (seenInLayer.TryGetValue(target, out var seen))
        {
            group = seen.Root();
        }
        else if (waiting.TryGetValue(target, out var pending))
        {
            group = pending.Root();
        }
        else
        {
            group = new LinkGroup();
            waiting[target] = group;
        }

        if (request is not null)
        {
            Add(group, request);
        }

        if (waitedForThis?.Root() is { } other && other != group)
        {
            withLinks.Add(group);
            other.MergeInto(group);
        }

        seenInLayer[path] = group;
    }

    /// <summary>Whether a group whose source is a hidden file needs that file's bytes written for its links.</summary>
    public static bool NeedsBytes(LinkGroup group) =>
        group.Source is { Written: false } source && source.IsFile && group.Links.Count > 0 && group.Materialized is null;

    /// <summary>Hidden sources of this layer that links of this layer named after they had passed: read again.</summary>
    public IReadOnlyList<LinkGroup> TakeRereads() => hiddenSourcesInLayer.Where(NeedsBytes).ToList();

    /// <summary>Every group with links, once each.</summary>
    public IEnumerable<LinkGroup> Groups() => withLinks.Select(g => g.Root()).Where(g => g.Links.Count > 0).Distinct();

    private void Add(LinkGroup group, LinkRequest request)
    {
        group.Links.Add(request);
        withLinks.Add(group);
    }
}
