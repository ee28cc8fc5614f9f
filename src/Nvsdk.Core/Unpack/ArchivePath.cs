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
}
