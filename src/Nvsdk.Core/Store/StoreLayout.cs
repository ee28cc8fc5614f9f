using Nvsdk.Core.LockFile;
using Nvsdk.Core.Platform;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Store;

/// <summary>
/// The one place that builds paths under the store root (STYLE habit 5). Layout:
/// <code>
/// store/&lt;hash&gt;-&lt;name&gt;/   entries, read-only once registered
/// store/.tmp/                  staging, same file system so the final move is a rename
/// db/&lt;entry&gt;.json            registration records: an entry is valid only once its record exists
/// downloads/&lt;key&gt;.part        partial downloads, kept for resume
/// blobs/sha256/&lt;hex&gt;          verified image blobs, one copy each, hard-linked into every image entry that has them
/// locks/&lt;entry&gt;.lock          per-entry cross-process locks (+ .owner: who holds it)
/// roots/                       what gc must keep besides generations
/// generations/sdk-&lt;n&gt;/        unified SDK trees (hard links into store/), sdk-&lt;n&gt;.json, current → sdk-&lt;n&gt;
/// </code>
/// </summary>
public sealed class StoreLayout
{
    public StoreLayout(string root)
    {
        Root = Path.GetFullPath(root);
    }

    public string Root { get; }

    public string StoreDir => Path.Combine(Root, "store");

    public string StagingDir => Path.Combine(StoreDir, ".tmp");

    public string DbDir => Path.Combine(Root, "db");

    public string DownloadsDir => Path.Combine(Root, "downloads");

    public string LocksDir => Path.Combine(Root, "locks");

    public string RootsDir => Path.Combine(Root, "roots");

    /// <summary>Verified image blobs by digest: image entries hard-link them, so two names of one layer are one copy.</summary>
    public string BlobsDir => Path.Combine(Root, "blobs", "sha256");

    public string BlobPath(Sha256Digest digest) => Path.Combine(BlobsDir, digest.Hex);

    /// <summary>Unified SDK trees (sdk-&lt;n&gt;/), their records (sdk-&lt;n&gt;.json) and the `current` link.</summary>
    public string GenerationsDir => Path.Combine(Root, "generations");

    /// <summary>The store root: --root, else NVSDK_ROOT, else /var/lib/nvsdk for root, else $XDG_DATA_HOME/nvsdk.</summary>
    public static string ResolveRoot(string? explicitRoot)
    {
        if (explicitRoot is not null)
        {
            // `--root ""` is a mistake (an unset shell variable, usually), not a request for the default.
            return explicitRoot.Length > 0
                ? Path.GetFullPath(explicitRoot)
                : throw new Errors.UsageException("--root was given an empty folder name", "pass --root DIR, or leave --root out for the default store");
        }

        var fromEnv = Environment.GetEnvironmentVariable("NVSDK_ROOT");
        if (!string.IsNullOrEmpty(fromEnv))
        {
            return Path.GetFullPath(fromEnv);
        }

        if (Posix.EffectiveUserId() == 0)
        {
            return "/var/lib/nvsdk";
        }

        // The XDG base-directory rules: XDG_DATA_HOME counts only when absolute, else $HOME/.local/share.
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (xdg is { Length: > 0 } && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "nvsdk");
        }

        // $HOME, else the passwd entry; GetFolderPath would answer "" for a home that does not exist, hiding which.
        var home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify);
        if (!Path.IsPathRooted(home) || !Directory.Exists(home))
        {
            throw new Errors.UsageException(
                string.IsNullOrEmpty(home) ? "no home folder to keep the store in (HOME is not set and this user has no passwd entry)" : $"the home folder {home} does not exist, so the default store has nowhere to go",
                "pass --root DIR, or set NVSDK_ROOT or XDG_DATA_HOME");
        }

        return Path.Combine(home, ".local", "share", "nvsdk");
    }

    /// <summary>The entry name of a verified artifact: content-addressed by its sha256, readable by its file name.</summary>
    public static string ArtifactEntryName(Sha256Digest digest, Artifact artifact) => $"{digest.Short}-{artifact.FileName}";

    /// <summary>The name an artifact is locked and downloaded under before its digest is known (unpinned entries).</summary>
    public static string ArtifactKey(Artifact artifact) =>
        artifact.Sha256 is { } digest
            ? ArtifactEntryName(digest, artifact)
            : $"unpinned-{Sha256Digest.Of(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', artifact.Sources.Select(s => s.Url.AbsoluteUri)))).Short}-{artifact.FileName}";

    public string EntryPath(string entryName) => Path.Combine(StoreDir, ValidateName(entryName));

    public string RegistrationPath(string entryName) => Path.Combine(DbDir, ValidateName(entryName) + ".json");

    public string PartialPath(string key) => Path.Combine(DownloadsDir, ValidateName(key) + ".part");

    public string LockPath(string key) => Path.Combine(LocksDir, ValidateName(key) + ".lock");

    public string NewStagingPath(string entryName) =>
        Path.Combine(StagingDir, $"{ValidateName(entryName)}.{Environment.ProcessId}.{Guid.NewGuid():N}");

    /// <summary>Entry names are single path segments we made; anything else is a bug or tampering.</summary>
    private static string ValidateName(string name)
    {
        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal) || name.StartsWith('.') || name.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{name}' is not a store entry name", nameof(name));
        }

        return name;
    }
}
