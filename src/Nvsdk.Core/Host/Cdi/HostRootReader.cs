namespace Nvsdk.Core.Host.Cdi;

/// <summary>
/// Reads a host's files under a root folder as if that folder were "/": absolute and relative symlinks are
/// followed inside the root (like a chroot), so a fake root in a test and the real "/" behave the same and
/// nothing outside the root is ever read.
/// </summary>
internal sealed class HostRootReader
{
    private const int MaxLinkHops = 40;

    public HostRootReader(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
    }

    /// <summary>The root folder, absolute, without a trailing slash (empty for "/").</summary>
    public string Root { get; }

    /// <summary>Where a host path lies on this machine.</summary>
    public string OnDisk(string hostPath) => Root == "/" ? hostPath : Root + hostPath;

    /// <summary>
    /// The host path with every symlink followed inside the root, or null when some part of it does not
    /// exist, a link is dangling, or links loop.
    /// </summary>
    public string? Resolve(string hostPath)
    {
        if (!hostPath.StartsWith('/'))
        {
            throw new ArgumentException($"host path {hostPath} is not absolute", nameof(hostPath));
        }

        var pending = new LinkedList<string>(Split(hostPath));
        var resolved = new List<string>();
        var hops = 0;
        while (pending.First is { } first)
        {
            var part = first.Value;
            pending.RemoveFirst();
            if (part == "..")
            {
                if (resolved.Count > 0)
                {
                    resolved.RemoveAt(resolved.Count - 1);
                }

                continue;
            }

            var candidate = resolved.Count == 0 ? "/" + part : Join(resolved) + "/" + part;
            var onDisk = OnDisk(candidate);
            var target = new FileInfo(onDisk).LinkTarget;
            if (target is not null)
            {
                if (++hops > MaxLinkHops)
                {
                    return null;
                }

                if (target.StartsWith('/'))
                {
                    resolved.Clear();
                }

                foreach (var t in Split(target).Reverse())
                {
                    pending.AddFirst(t);
                }

                continue;
            }

            if (!File.Exists(onDisk) && !Directory.Exists(onDisk))
            {
                return null;
            }

            resolved.Add(part);
        }

        return Join(resolved);
    }

    /// <summary>Whether the path (links followed) is something other than a folder: a file, device or socket.</summary>
    public bool IsFile(string hostPath) => Resolve(hostPath) is { } r && File.Exists(OnDisk(r));

    public bool IsDirectory(string hostPath) => Resolve(hostPath) is { } r && Directory.Exists(OnDisk(r));

    /// <summary>The text of a file, or null when there is none.</summary>
    public string? ReadText(string hostPath) =>
        Resolve(hostPath) is { } r && File.Exists(OnDisk(r)) ? File.ReadAllText(OnDisk(r)) : null;

    /// <summary>The bytes of a small file, or null when there is none or it is larger than <paramref name="maxBytes"/>.</summary>
    public byte[]? ReadSmallFile(string hostPath, long maxBytes)
    {
        if (Resolve(hostPath) is not { } r || !File.Exists(OnDisk(r)))
        {
            return null;
        }

        var info = new FileInfo(OnDisk(r));
        return info.Length > maxBytes ? null : File.ReadAllBytes(info.FullName);
    }

    /// <summary>The names in a folder (links to it followed), sorted; empty when it does not exist.</summary>
    public IReadOnlyList<string> List(string hostDir)
    {
        if (Resolve(hostDir) is not { } r || !Directory.Exists(OnDisk(r)))
        {
            return [];
        }

        var names = Directory.EnumerateFileSystemEntries(OnDisk(r)).Select(p => Path.GetFileName(p)).ToList();
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    private static string[] Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();

    private static string Join(List<string> parts) => parts.Count == 0 ? "/" : "/" + string.Join('/', parts);
}
