using Nvsdk.Core.Errors;
using Nvsdk.Core.Platform;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Unpack;

namespace Nvsdk.Core.Sdk;

/// <summary>
/// Builds one unified SDK tree out of component trees in the store, by hard links (a copy only where the
/// store is on another file system). Not a symlink farm: nvcc finds nvvm/, crt/ and nvcc.profile relative to
/// its real path, so a symlinked nvcc would look in its component's own folder and miss the merged tree.
/// Two components shipping one path with different bytes is an error naming both.
/// Component trees are checked one by one when unpacked, but their links meet only here: building never
/// follows a link it did not make (every folder on the way is checked with lstat, and nothing is written
/// under a component's link), and when all are placed each link must resolve, through every other link,
/// inside the generation — so one component's link cannot carry another's file into an older generation.
/// </summary>
internal sealed class GenerationBuilder(string staging, SystemId system)
{
    private readonly Dictionary<string, (string Component, string Source, TreeItemKind Kind)> placed = new(StringComparer.Ordinal);

    public int CopiedFiles { get; private set; }

    public void AddComponent(string component, string tree)
    {
        foreach (var info in TreeWalker.Walk(tree))
        {
            var rel = Path.GetRelativePath(tree, info.FullName);
            var isLink = info.LinkTarget is not null;
            var isDir = !isLink && info is DirectoryInfo;
            var target = SdkPaths.Map(rel, component, isDir);
            if (target is null)
            {
                continue;
            }

            if (isDir)
            {
                Place(component, info.FullName, target, TreeItemKind.Directory);
                EnsureRealDirectory(component, target);
            }
            else if (isLink)
            {
                var linkTarget = RemapLink(rel, info.LinkTarget!, component, target);
                if (Place(component, info.FullName, target, TreeItemKind.Symlink, linkTarget))
                {
                    EnsureParent(component, target);
                    File.CreateSymbolicLink(Path.Combine(staging, target), linkTarget);
                }
            }
            else if (Place(component, info.FullName, target, TreeItemKind.File))
            {
                EnsureParent(component, target);
                Link(info.FullName, Path.Combine(staging, target));
            }
        }
    }

    /// <summary>The aliases CUDA tools and CMake expect: lib → lib64, targets/&lt;triple&gt;/{include,lib}, lib*.so dev links.</summary>
    /// <summary>
    /// A container image's file system (Triton's) is a whole rootfs with its own CUDA: merging it into the SDK
    /// would clash, so it is linked as images/&lt;component&gt; for `chroot`, bwrap or a runtime to use.
    /// </summary>
    public void AddImage(string component, string tree)
    {
        var images = Path.Combine(staging, "images");
        Directory.CreateDirectory(images);
        File.CreateSymbolicLink(Path.Combine(images, component), tree);
    }

    public void AddStandardLinks()
    {
        Directory.CreateDirectory(Path.Combine(staging, "include"));
        Directory.CreateDirectory(Path.Combine(staging, "lib64"));
        Directory.CreateDirectory(Path.Combine(staging, "bin"));
        TryLink("lib", "lib64");
        var triple = $"targets/{SdkPaths.Triple(system)}";
        Directory.CreateDirectory(Path.Combine(staging, triple));
        TryLink($"{triple}/include", "../../include");
        TryLink($"{triple}/lib", "../../lib64");
        AddDevLinks(Path.Combine(staging, "lib64"));
        var stubs = Path.Combine(staging, "lib64", "stubs");
        if (Directory.Exists(stubs))
        {
            AddDevLinks(stubs);
        }

        CheckLinksStayInside();
    }

    /// <summary>
    /// Every link of the finished tree (components' and ours; images/ point into the store on purpose) must
    /// resolve inside the generation, following the other links the way the kernel would: a link that is
    /// harmless in its own component can climb out once it is moved, or once another component's link
    /// sits on its path.
    /// </summary>
    private void CheckLinksStayInside()
    {
        var links = TreeWalker.Walk(staging)
            .Where(i => i.LinkTarget is not null)
            .Select(i => (Path: Path.GetRelativePath(staging, i.FullName), Target: i.LinkTarget!))
            .Where(l => !l.Path.StartsWith("images/", StringComparison.Ordinal))
            .ToDictionary(l => l.Path, l => l.Target, StringComparer.Ordinal);
        foreach (var (path, target) in links.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            if (target.StartsWith('/') || ArchivePath.Escapes(path, target, links))
            {
                throw Refuse(path, $"its link to '{target}' leads outside the generation once the components are merged");
            }
        }
    }

    private NvsdkException Refuse(string target, string reason)
    {
        var who = placed.TryGetValue(target, out var item) ? item.Component : "nvsdk";
        return new NvsdkException(ErrorCode.InvalidInput, $"building the generation: {who}: refusing '{target}': {reason}");
    }

    /// <summary>Wheels ship only libnccl.so.2: add libnccl.so → libnccl.so.2 so -lnccl links.</summary>
    private static void AddDevLinks(string dir)
    {
        var byBase = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFileSystemEntries(dir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal))
        {
            var at = file.IndexOf(".so.", StringComparison.Ordinal);
            if (file.StartsWith("lib", StringComparison.Ordinal) && at > 0)
            {
                var dev = file[..(at + 3)];
                if (!byBase.TryGetValue(dev, out var best) || file.Length < best.Length)
                {
                    byBase[dev] = file; // the shortest, i.e. the SONAME link, is what the dev link names
                }
            }
        }

        foreach (var (dev, target) in byBase)
        {
            var path = Path.Combine(dir, dev);
            if (!File.Exists(path) && !Directory.Exists(path) && new FileInfo(path).LinkTarget is null)
            {
                File.CreateSymbolicLink(path, target);
            }
        }
    }

    private void TryLink(string path, string target)
    {
        var full = Path.Combine(staging, path);
        if (!Path.Exists(full) && new FileInfo(full).LinkTarget is null)
        {
            File.CreateSymbolicLink(full, target);
        }
    }

    /// <summary>Records who put what where; returns false when an identical item is already there.</summary>
    private bool Place(string component, string source, string target, TreeItemKind kind, string? linkTarget = null)
    {
        if (!placed.TryGetValue(target, out var first))
        {
            placed[target] = (component, linkTarget ?? source, kind);
            return true;
        }

        var same = (first.Kind, kind) switch
        {
            (TreeItemKind.Directory, TreeItemKind.Directory) => true,
            (TreeItemKind.Symlink, TreeItemKind.Symlink) => first.Source == linkTarget,
            (TreeItemKind.File, TreeItemKind.File) => SameContent(first.Source, source),
            _ => false,
        };
        if (!same)
        {
            throw new NvsdkException(
                ErrorCode.InvalidInput,
                $"{target} is shipped by both {first.Component} and {component} with different contents; drop one of them from the install or fix the lock");
        }

        return false;
    }

    private static bool SameContent(string a, string b)
    {
        var infoA = new FileInfo(a);
        var infoB = new FileInfo(b);
        if (infoA.Length != infoB.Length)
        {
            return false;
        }

        using var streamA = infoA.OpenRead();
        using var streamB = infoB.OpenRead();
        Span<byte> bufferA = stackalloc byte[8192];
        Span<byte> bufferB = stackalloc byte[8192];
        while (true)
        {
            var n = streamA.ReadAtLeast(bufferA, bufferA.Length, throwOnEndOfStream: false);
            streamB.ReadExactly(bufferB[..n]);
            if (!bufferA[..n].SequenceEqual(bufferB[..n]))
            {
                return false;
            }

            if (n < bufferA.Length)
            {
                return true;
            }
        }
    }

    /// <summary>Re-points a relative link whose target moved with the layout (targets/x/lib → lib64).</summary>
    private static string RemapLink(string linkRel, string linkTarget, string component, string newLinkPath)
    {
        if (!linkTarget.Contains('/', StringComparison.Ordinal))
        {
            return linkTarget; // same folder, and the folder moved as a whole
        }

        var resolved = ArchivePath.ResolveLinkTarget(linkRel, linkTarget, new HashSet<string>());
        var mapped = resolved is null ? null : SdkPaths.Map(resolved, component, isDirectory: true);
        if (mapped is null)
        {
            return linkTarget;
        }

        // A fake absolute root turns "relative from folder A to B" into Path.GetRelativePath's terms.
        var fromDir = ArchivePath.Parent(newLinkPath);
        return Path.GetRelativePath("/r/" + fromDir, "/r/" + mapped);
    }

    /// <summary>
    /// Creates the folders above <paramref name="target"/> one by one, refusing any that is a link or a file:
    /// the generation is only ever written through folders it made itself.
    /// </summary>
    private void EnsureParent(string component, string target)
    {
        foreach (var ancestor in ArchivePath.Ancestors(target))
        {
            MakeRealDirectory(component, target, ancestor);
        }
    }

    private void EnsureRealDirectory(string component, string target)
    {
        EnsureParent(component, target);
        MakeRealDirectory(component, target, target);
    }

    private void MakeRealDirectory(string component, string target, string folder)
    {
        var full = Path.Combine(staging, folder);
        var info = new DirectoryInfo(full); // lstat: LinkTarget is set for a link, whatever it points at
        if (info.LinkTarget is not null)
        {
            var owner = placed.TryGetValue(folder, out var item) ? item.Component : "nvsdk";
            throw new NvsdkException(
                ErrorCode.InvalidInput,
                $"building the generation: {component}: refusing '{target}': it would be written through the symlink '{folder}' placed by {owner}");
        }

        if (info.Exists)
        {
            return;
        }

        if (File.Exists(full))
        {
            throw new NvsdkException(ErrorCode.InvalidInput, $"building the generation: {component}: refusing '{target}': '{folder}' is a file, not a folder");
        }

        Directory.CreateDirectory(full); // its parent was just checked to be a real folder
        placed.TryAdd(folder, (component, full, TreeItemKind.Directory)); // a link placed here later is a clash
    }

    private void Link(string source, string destination)
    {
        try
        {
            Posix.HardLink(source, destination);
        }
        catch (IOException e) when (e.HResult == Posix.EXDEV)
        {
            File.Copy(source, destination);
            CopiedFiles++;
        }
    }
}
