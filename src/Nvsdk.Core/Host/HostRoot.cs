using System.Security.Cryptography;
using System.Text;
using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Host;

/// <summary>
/// The one seam through which nvsdk touches host paths (STYLE habit 5). Every path is a host path
/// ("/etc/cdi/nvidia.yaml") taken inside <see cref="Root"/> ("/" for real, a folder for --root and tests) the way
/// <c>openat2(RESOLVE_IN_ROOT)</c> resolves it: absolute and relative symbolic links and ".." are followed, but never
/// above the root, so nothing outside it is ever read or written. Reads live here; writes, with what they replace
/// recorded first, in HostRoot.Write.cs.
/// </summary>
public sealed partial class HostRoot
{
    private const int MaxLinkHops = 40;

    public HostRoot(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        var full = Path.GetFullPath(root);
        Root = full == "/" ? full : Path.TrimEndingDirectorySeparator(full);
    }

    /// <summary>The root folder, absolute, without a trailing slash ("/" for the machine itself).</summary>
    public string Root { get; }

    /// <summary>Whether this is the running machine's own root (commands like systemctl act on it for real).</summary>
    public bool IsLive => Root == "/";

    public string StateDir => Resolve("/var/lib/nvsdk/host");

    /// <summary>Where a host path lies on this machine, lexically (".." cannot climb above the root; links are not followed).</summary>
    public string OnDisk(string hostPath)
    {
        var clean = Join(Lexical(hostPath));
        return IsLive ? clean : Root + (clean == "/" ? string.Empty : clean);
    }

    /// <summary>Where a host path lies on this machine, every link on the way followed inside the root.</summary>
    public string Resolve(string hostPath) => OnDisk(Locate(hostPath, followFinal: true));

    /// <summary>
    /// The host path with every link followed inside the root, or null when some part of it does not exist, a link
    /// is dangling, or links loop.
    /// </summary>
    public string? Find(string hostPath)
    {
        var (resolved, exists) = Walk(hostPath, followFinal: true);
        return exists ? resolved : null;
    }

    /// <summary>
    /// The host path a write to <paramref name="hostPath"/> lands on: links followed inside the root (the final
    /// component too when <paramref name="followFinal"/>), and where a part is missing, the rest taken as written.
    /// </summary>
    public string Locate(string hostPath, bool followFinal) => Walk(hostPath, followFinal).Path;

    /// <summary>Whether the path (links followed) is something other than a folder: a file, device or socket.</summary>
    public bool IsFile(string hostPath) => Find(hostPath) is { } r && File.Exists(OnDisk(r));

    public bool IsDirectory(string hostPath) => Find(hostPath) is { } r && Directory.Exists(OnDisk(r));

    /// <summary>The text of a file (links followed inside the root), or null when there is none.</summary>
    public string? Read(string hostPath) => ReadBytes(hostPath) is { } bytes ? Encoding.UTF8.GetString(bytes) : null;

    /// <summary>The text of a file; the name discovery uses.</summary>
    public string? ReadText(string hostPath) => Read(hostPath);

    /// <summary>The bytes of a file (links followed inside the root), or null when there is none.</summary>
    public byte[]? ReadBytes(string hostPath)
    {
        if (Find(hostPath) is not { } r || !File.Exists(OnDisk(r)))
        {
            return null;
        }

        try
        {
            return File.ReadAllBytes(OnDisk(r));
        }
        catch (UnauthorizedAccessException e)
        {
            throw new NvsdkException(ErrorCode.StoreUnavailable, $"cannot read {OnDisk(r)}: permission denied", e) { Hint = "run as root, or pass --root DIR" };
        }
    }

    /// <summary>The bytes of a small file, or null when there is none or it is larger than <paramref name="maxBytes"/>.</summary>
    public byte[]? ReadSmallFile(string hostPath, long maxBytes)
    {
        if (Find(hostPath) is not { } r || !File.Exists(OnDisk(r)))
        {
            return null;
        }

        var info = new FileInfo(OnDisk(r));
        return info.Length > maxBytes ? null : File.ReadAllBytes(info.FullName);
    }

    /// <summary>The names in a folder (links to it followed), sorted; empty when it does not exist.</summary>
    public IReadOnlyList<string> List(string hostDir)
    {
        if (Find(hostDir) is not { } r || !Directory.Exists(OnDisk(r)))
        {
            return [];
        }

        var names = Directory.EnumerateFileSystemEntries(OnDisk(r)).Select(p => Path.GetFileName(p)).ToList();
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    public static string Sha256(string content) => Sha256(Encoding.UTF8.GetBytes(content));

    public static string Sha256(byte[] content) => Convert.ToHexStringLower(SHA256.HashData(content));

    /// <summary>
    /// Resolves component by component as openat2(RESOLVE_IN_ROOT): a link's absolute target starts again at the
    /// root, ".." stops at the root. Exists is false when a part is missing; the path then ends with the rest as written.
    /// </summary>
    private (string Path, bool Exists) Walk(string hostPath, bool followFinal)
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

            resolved.Add(part);
            var onDisk = OnDisk(Join(resolved));
            var isFinal = pending.Count == 0;
            var target = isFinal && !followFinal ? null : new FileInfo(onDisk).LinkTarget;
            if (target is not null)
            {
                if (++hops > MaxLinkHops)
                {
                    return (Join(resolved), false);
                }

                resolved.RemoveAt(resolved.Count - 1);
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

            if (!File.Exists(onDisk) && !Directory.Exists(onDisk) && !IsLink(onDisk))
            {
                // Missing: the rest is where a write would create things.
                foreach (var rest in pending)
                {
                    if (rest == "..")
                    {
                        if (resolved.Count > 0)
                        {
                            resolved.RemoveAt(resolved.Count - 1);
                        }
                    }
                    else
                    {
                        resolved.Add(rest);
                    }
                }

                return (Join(resolved), false);
            }
        }

        return (Join(resolved), true);
    }

    private static bool IsLink(string onDisk) => new FileInfo(onDisk).LinkTarget is not null;

    private static List<string> Lexical(string hostPath)
    {
        var parts = new List<string>();
        foreach (var part in Split(hostPath))
        {
            if (part != "..")
            {
                parts.Add(part);
            }
            else if (parts.Count > 0)
            {
                parts.RemoveAt(parts.Count - 1);
            }
        }

        return parts;
    }

    private static string[] Split(string path) =>
        path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToArray();

    private static string Join(List<string> parts) => parts.Count == 0 ? "/" : "/" + string.Join('/', parts);
}
