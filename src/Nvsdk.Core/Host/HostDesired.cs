using Nvsdk.Core.Gpu.Doctor;

namespace Nvsdk.Core.Host;

/// <summary>
/// A file nvsdk owns on the host (path is the host path, e.g. /etc/cdi/nvidia.yaml), or, when
/// <see cref="LinkTarget"/> is set, a symbolic link (e.g. a systemd wants/ entry) and <see cref="Content"/> is empty.
/// A program (nvsdk installed as the CDI hook) carries its bytes in <see cref="Data"/> instead of text.
/// </summary>
public sealed record ManagedFile(string Path, string Content, string Mode, string Reason, string? LinkTarget = null)
{
    /// <summary>The file's bytes when they are not text (a program); <see cref="Content"/> is then empty.</summary>
    public byte[]? Data { get; init; }

    public byte[] Bytes => Data ?? System.Text.Encoding.UTF8.GetBytes(Content);

    /// <summary>The path must not exist: a foreign file moved aside (e.g. a conflicting CDI spec); rollback puts it back.</summary>
    public bool Removed { get; init; }

    /// <summary>What the generation records for it.</summary>
    public HostRecordFile Record => new(Path, LinkTarget is null && !Removed ? HostRoot.Sha256(Bytes) : string.Empty, Mode, LinkTarget, Removed);
}

/// <summary>A package the distribution should have; <see cref="Available"/> is null when it could not be checked.</summary>
public sealed record PackageAction(string Manager, string Package, bool? Available, string Reason);

/// <summary>What host.toml asks for on this host: files, packages, and what nvsdk will not do itself.</summary>
public sealed record HostDesired(IReadOnlyList<ManagedFile> Files, IReadOnlyList<PackageAction> Packages, IReadOnlyList<Finding> Findings);
