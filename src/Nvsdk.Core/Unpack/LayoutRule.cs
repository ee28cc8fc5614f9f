namespace Nvsdk.Core.Unpack;

/// <summary>
/// How an archive's own layout maps onto a component tree (bin/, include/, lib/…):
/// NVIDIA redistrib, TensorRT and CUTLASS tarballs have one top folder to strip; the NCCL wheel keeps its
/// files under nvidia/&lt;pkg&gt;/; the CUDA runfile has one folder per package under builds/, merged.
/// </summary>
public abstract class LayoutRule
{
    /// <summary>A fresh rule (it remembers the top folder it saw, so never share one between archives).</summary>
    public static LayoutRule SingleTopFolder() => new StripTopRule();

    public static LayoutRule Wheel() => new WheelRule();

    public static LayoutRule Runfile() => new RunfileRule();

    /// <summary>Paths as they are: for trees nvsdk packed itself (binary-cache layers).</summary>
    public static LayoutRule Identity() => new IdentityRule();

    /// <summary>The rule for an artifact format, as NVIDIA packs each.</summary>
    public static LayoutRule For(Primitives.ArtifactFormat format) => format switch
    {
        Primitives.ArtifactFormat.Wheel => Wheel(),
        Primitives.ArtifactFormat.Makeself => Runfile(),
        _ => SingleTopFolder(),
    };

    /// <summary>A stable name, part of the unpacked entry's identity: change the rule, change the name.</summary>
    public abstract string Name { get; }

    /// <summary>The path in the component tree, "" for its root, or null to leave the member out.</summary>
    public abstract string? Map(string path, bool isDirectory, out string? problem);

    private sealed class StripTopRule : LayoutRule
    {
        private string? top;

        public override string Name => "strip-top-v1";

        public override string? Map(string path, bool isDirectory, out string? problem)
        {
            problem = null;
            var slash = path.IndexOf('/', StringComparison.Ordinal);
            var first = slash < 0 ? path : path[..slash];
            if (slash < 0 && !isDirectory)
            {
                problem = "a file outside the archive's top folder";
                return null;
            }

            top ??= first;
            if (!string.Equals(top, first, StringComparison.Ordinal))
            {
                problem = $"expected everything under one top folder '{top}/'";
                return null;
            }

            return slash < 0 ? string.Empty : path[(slash + 1)..];
        }
    }

    private sealed class IdentityRule : LayoutRule
    {
        public override string Name => "identity-v1";

        public override string? Map(string path, bool isDirectory, out string? problem)
        {
            problem = null;
            return path;
        }
    }

    private sealed class WheelRule : LayoutRule
    {
        public override string Name => "wheel-nvidia-v2";

        public override string? Map(string path, bool isDirectory, out string? problem)
        {
            problem = null;
            var parts = path.Split('/', 3);
            if (IsDistInfoLicense(parts, isDirectory))
            {
                return "LICENSE.txt"; // the wheel's licence text (License.txt, LICENSE.txt or licenses/…) is the component's
            }

            if (parts[0] != "nvidia" || parts.Length < 2 || (parts.Length == 2 && !isDirectory))
            {
                return null; // the rest of dist-info and Python glue are not part of the SDK
            }

            return parts.Length == 2 ? string.Empty : parts[2];
        }
    }

    /// <summary>X.dist-info/License.txt (or LICENSE…, or licenses/LICENSE… under metadata 2.4).</summary>
    private static bool IsDistInfoLicense(string[] parts, bool isDirectory) =>
        !isDirectory
        && parts[0].EndsWith(".dist-info", StringComparison.Ordinal)
        && (parts.Length == 2 || (parts.Length == 3 && parts[1] == "licenses" && !parts[2].Contains('/', StringComparison.Ordinal)))
        && parts[^1].StartsWith("LICENSE", StringComparison.OrdinalIgnoreCase);

    private sealed class RunfileRule : LayoutRule
    {
        /// <summary>Runfile folders that are installers or driver pieces, not toolkit content.</summary>
        private static readonly HashSet<string> Skipped = new(StringComparer.Ordinal) { "integration", "bin", "nvidia_fs", "cuda_documentation" };

        public override string Name => "runfile-builds-v1";

        public override string? Map(string path, bool isDirectory, out string? problem)
        {
            problem = null;
            if (path == "builds/EULA.txt")
            {
                return "LICENSE";
            }

            var parts = path.Split('/', 3);
            if (parts[0] != "builds" || parts.Length < 2 || Skipped.Contains(parts[1]) || parts[1].Contains('.', StringComparison.Ordinal))
            {
                return null; // the installer itself, the bundled driver, manifests
            }

            return parts.Length == 2 ? string.Empty : parts[2];
        }
    }
}
