namespace Nvsdk.Core.Unpack;

/// <summary>Archive member names made safe: relative, no "..", no empty or "." parts.</summary>
internal static class ArchivePath
{
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
    public static bool Escapes(string linkPath, string target, IReadOnlyDictionary<string, string> links)
    {
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
                if (++hops > 40 || next.StartsWith('/'))
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
