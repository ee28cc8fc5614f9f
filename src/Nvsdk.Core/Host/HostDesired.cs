using Nvsdk.Core.Gpu.Doctor;

namespace Nvsdk.Core.Host;

/// <summary>A file nvsdk owns on the host (path is the host path, e.g. /etc/cdi/nvidia.yaml).</summary>
public sealed record ManagedFile(string Path, string Content, string Mode, string Reason);

/// <summary>A package the distribution should have; <see cref="Available"/> is null when it could not be checked.</summary>
public sealed record PackageAction(string Manager, string Package, bool? Available, string Reason);

/// <summary>What host.toml asks for on this host: files, packages, and what nvsdk will not do itself.</summary>
public sealed record HostDesired(IReadOnlyList<ManagedFile> Files, IReadOnlyList<PackageAction> Packages, IReadOnlyList<Finding> Findings);
