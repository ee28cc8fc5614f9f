namespace Nvsdk.Core.Unpack;

/// <summary>Archive member names made safe: relative, no "..", no empty or "." parts.</summary>
internal static class ArchivePath
{
    /// <summary>PATH_MAX: the longest member name (in UTF-8 bytes) or link target nvsdk reads.</summary>
    public const int MaxNameBytes = 4096;

    /// <summary>NAME_MAX: the longest single part of a name, in UTF-8 bytes.</summary>
    public const int MaxPartBytes = 255;

    /// <summary>
    /// Why a member name or link target cannot be used as a Linux path, or null. Checked before anything is
    /// built from the name. Names carry no control characters (a newline in a name forges lines in every
    /// listing and log); U+FFFD is where the reader met bytes that are not UTF-8, and the real name is lost:
    /// refusing it beats a false "appears twice" or a silent rename.
    /// </summary>
    public static string? NameProblem(string name, bool isLinkTarget = false)
    {
        if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxNameBytes)
        {
            return $"{(isLinkTarget ? "link target" : "name")} longer than {MaxNameBytes} bytes";
        }

        if (name.Contains('\uFFFD', StringComparison.Ordinal))
        {
            return $"{(isLinkTarget ? "link target" : "name")} is not valid UTF-8";
        }

        if (isLinkTarget)
        {
            return null; // a target is data for the kernel; its parts are checked when it is resolved
        }

        if (name.Any(char.IsControl))
        {
            return "control character (newline, tab, escape…) in the name";
        }

        foreach (var part in name.Split('/'))
        {
            if (System.Text.Encoding.UTF8.GetByteCount(part) > MaxPartBytes)
            {
                return $"a part of the name is longer than {MaxPartBytes} bytes";
            }
        }

        return null;
    }

    /// <summary>A hostile name made fit for a one-line message: control characters escaped, long names clipped.</summary>
    public static string Display(string name)
    {
        var clipped = name.Length > 200 ? name[..200] + $"…({name.Length} chars)" : name;
        return clipped.Any(char.IsControl)
            ? string.Concat(clipped.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString()))
            : clipped;
    }

    /// <summary>
    /// The normalised relative path, "" for the archive root, or null with <paramref name="problem"/> set when
    /// the name is absolute or climbs out with "..".
    /// </summary>
    public static string? Normalize(string name, out string? problem)
    {
        problem = null;
        if (name.StartsWith('/'))
        {
            problem = "absolute path";
            return null;
        }

        if (name.Contains('\0', StringComparison.Ordinal))
        {
            problem = "NUL in the name";
            return null;
        }

        if (NameProblem(name) is { } bad)
        {
            problem = bad;
            return null;
        }

        var parts = new List<string>();
        foreach (var part in name.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                problem = "path climbs out with '..'";
                return null;
            }

            parts.Add(part);
        }

        return string.Join('/', parts);
    }

    /// <summary>The parent of a normalised path ("" for a top-level name).</summary>
    public static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? string.Empty : path[..slash];
    }

    /// <summary>Every proper ancestor of a normalised path, nearest last: "a/b/c" → "a", "a/b".</summary>
    public static IEnumerable<string> Ancestors(string path)
    {
        for (var i = path.IndexOf('/', StringComparison.Ordinal); i >= 0; i = path.IndexOf('/', i + 1))
        {
            yield return path[..i];
        }
    }

    /// <summary>
    /// Resolves a symlink target lexically from the link's folder. Returns null when it leaves the root, or
    /// when ".." follows a component that is itself a symlink (physically that may lead anywhere).
    /// </summary>
    public static string? ResolveLinkTarget(string linkPath, string target, IReadOnlySet<string> symlinks)
    {
        if (target.StartsWith('/'))
        {
            return null;
        }

        var stack = new List<string>(Parent(linkPath).Split('/', StringSplitOptions.RemoveEmptyEntries));
        foreach (var part in target.Split('/'))
        {
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (stack.Count == 0 || symlinks.Contains(string.Join('/', stack)))
                {
                    return null;
                }

                stack.RemoveAt(stack.Count - 1);
            }
            else
            {
                stack.Add(part);
            }
        }

        return string.Join('/', stack);
    }

    /// <summary>
    /// Follows a symlink the way the kernel would, through every other link of the archive (all of them are
    /// known: nothing else in the tree is a link), and says whether it ever climbs above the root. Catches
    /// what a lexical check cannot: <c>a -> lib</c>, <c>lib/b -> ..</c>, <c>s -> a/b/../x</c> (a/b is really
    /// the root, so a/b/.. is its parent), whether or not x exists. A chain of more than 40 links (the
    /// kernel's own limit) counts as an escape: it cannot be resolved.
    /// </summary>
    public static bool Escapes(string linkPath, string target, IReadOnlyDictionary<string, string> links) =>
        Escapes(linkPath, target, links, out _);

    /// <summary>As above; <paramref name="loop"/> says the link was refused as part of a loop, not a way out.</summary>
    public static bool Escapes(string linkPath, string target, IReadOnlyDictionary<string, string> links, out bool loop)
    {
        loop = false;
        var stack = new List<string>(Parent(linkPath).Split('/', StringSplitOptions.RemoveEmptyEntries));
        var pending = new LinkedList<string>(target.Split('/'));
        var hops = 0;
        while (pending.First is { } node)
        {
            var part = node.Value;
            pending.RemoveFirst();
            if (part is "" or ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (stack.Count == 0)
                {
                    return true;
                }

                stack.RemoveAt(stack.Count - 1);
                continue;
            }

            stack.Add(part);
            if (links.TryGetValue(string.Join('/', stack), out var next))
            {
                if (++hops > 40)
                {
                    loop = true;
                    return true;
                }

                if (next.StartsWith('/'))
                {
                    return true;
                }

                stack.RemoveAt(stack.Count - 1); // the link's own folder is where its target starts
                var parts = next.Split('/');
                for (var i = parts.Length - 1; i >= 0; i--)
                {
                    pending.AddFirst(parts[i]);
                }
            }
        }

        return false;
    }
}
