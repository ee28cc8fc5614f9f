using Nvsdk.Core.Errors;
using Nvsdk.Core.Gpu.Cuda;
using Nvsdk.Core.Gpu.Doctor;
using Nvsdk.Core.Gpu.Nvml;
using Nvsdk.Core.Host.Cdi;
using Nvsdk.Core.Host.Config;
using Nvsdk.Core.Host.Docker;
using Nvsdk.Core.Host.Profile;
using Nvsdk.Core.Host.Systemd;

namespace Nvsdk.Core.Host;

/// <summary>
/// host.toml → what the host should look like (discover → files), then → what must change (the plan).
/// Pure over the host root: nothing is written here, so `plan` is always safe.
/// </summary>
public static class HostPlanner
{
    private const string UnitPath = "/etc/systemd/system/nvidia-persistenced.service";
    private const string CdiSpecPath = "/etc/cdi/nvidia.yaml";
    private const string UnitWantsPath = "/etc/systemd/system/multi-user.target.wants/nvidia-persistenced.service";

    // selfBinary: the nvsdk program to install as the CDI hook when the host has none at a stable path; null: the
    // running one when it is the native binary (see CdiHookInstall.SelfBinary).
    public static HostPlan Plan(HostConfig config, HostRoot host, string? sdkRoot, string? selfBinary = null)
    {
        var wanted = Desire(config, host, sdkRoot, selfBinary);

        // Every path as a write would land on it: links followed inside the root (a wants/ link is itself the file).
        var desired = wanted with { Files = wanted.Files.Select(f => f with { Path = host.Locate(f.Path, followFinal: f.LinkTarget is null && !f.Removed) }).ToList() };
        var generations = new HostGenerations(host);
        var current = generations.Read(generations.Current());
        var changes = new List<FileChange>();
        foreach (var file in desired.Files)
        {
            var now = host.Inspect(file.Path);
            if (now.Kind == HostEntryKind.Other)
            {
                throw new NvsdkException(ErrorCode.InvalidInput, $"{host.OnDisk(file.Path)} is a folder or device, not a file: nvsdk will not replace it")
                {
                    Hint = "move it out of the way, then run `nvsdk host apply` again",
                };
            }

            if (!file.Record.IsSatisfiedBy(now))
            {
                var after = file.Removed ? null : file.LinkTarget is not null ? LinkText(file.LinkTarget) : file.Data is { } data ? Shown(data) : file.Content;
                var kind = file.Removed ? ChangeKind.Remove : now.Kind == HostEntryKind.Absent ? ChangeKind.Create : ChangeKind.Modify;
                changes.Add(new FileChange(file.Path, kind, Text(now, now.Bytes), after, file.Mode, file.Reason));
            }
        }

        // Paths the current generation manages that are no longer wanted go back to what they were.
        foreach (var old in current?.Files ?? [])
        {
            if (desired.Files.Any(f => f.Path == old.Path))
            {
                continue;
            }

            var original = current!.Originals.GetValueOrDefault(old.Path) ?? HostEntry.Absent(old.Path);
            var restored = Text(original, original.Sha256 is { } sha ? generations.Content(sha) : null);
            var now = host.Inspect(old.Path);
            changes.Add(new FileChange(old.Path, original.Kind == HostEntryKind.Absent ? ChangeKind.Remove : ChangeKind.Restore, Text(now, now.Bytes), restored, old.Mode, "no longer wanted by host.toml"));
        }

        var live = host.IsLive;
        var manager = PackageManager.Detect(host);
        var toInstall = desired.Packages.Where(p => p.Available != false && !(manager?.IsInstalled(p.Package, live) ?? false)).ToList();
        return new HostPlan(desired, changes, toInstall, desired.Findings, generations.Current())
        {
            Commands = LiveActions.Commands(host, changes, desired.Files),
            AfterApply = LiveActions.Hints(host, changes, desired.Files),
        };
    }

    /// <summary>A path's content as the plan's diff shows it: a file's text (a program's size and hash), "-> target" for a link, null when absent.</summary>
    private static string? Text(HostEntry entry, byte[]? bytes) => entry.Kind switch
    {
        HostEntryKind.File => Shown(bytes ?? []),
        HostEntryKind.Symlink => LinkText(entry.LinkTarget!),
        _ => null,
    };

    private static string LinkText(string target) => $"-> {target}\n";

    /// <summary>A file's bytes as text, or by size and hash when they hold a NUL (a program: a diff would say nothing).</summary>
    private static string Shown(byte[] bytes) => Array.IndexOf(bytes, (byte)0) >= 0 ? BinaryText(bytes) : System.Text.Encoding.UTF8.GetString(bytes);

    private static string BinaryText(byte[] bytes) => $"(binary file: {bytes.Length} bytes, sha256 {HostRoot.Sha256(bytes)})\n";

    public static HostDesired Desire(HostConfig config, HostRoot host, string? sdkRoot, string? selfBinary = null)
    {
        var files = new List<ManagedFile>();
        var packages = new List<PackageAction>();
        var findings = new List<Finding>();
        if (!config.Enable)
        {
            findings.Add(Finding.Skip("host.enable", "enable = false: nvsdk manages nothing on this host"));
            return new HostDesired(files, packages, findings);
        }

        if (config.Persistenced)
        {
            var binary = new[] { "/usr/bin/nvidia-persistenced", "/usr/local/nvidia/bin/nvidia-persistenced" }.FirstOrDefault(host.IsFile);
            if (binary is null)
            {
                findings.Add(Finding.Warn("host.persistenced", "nvidia-persistenced is not installed (looked in /usr/bin, /usr/local/nvidia/bin)", "install the driver's persistenced package (e.g. nvidia-compute-utils-590)"));
            }
            else
            {
                // Enabled as `systemctl enable` does it: the wants/ entry is a link to the unit, never a copy.
                files.Add(new ManagedFile(UnitPath, PersistencedUnit.Render(binary), "644", "persistenced = true"));
                files.Add(new ManagedFile(UnitWantsPath, string.Empty, "777", "persistenced = true (enabled for multi-user.target)", LinkTarget: UnitPath));
            }
        }

        if (config.ContainerEnable)
        {
            // Never a spec whose hook program is missing: every GPU container would fail to start. The running nvsdk
            // serves when it is on the host at a stable path; else it installs a copy of itself (the DaemonSet's case:
            // its nvsdk lives in the image); only a non-native nvsdk (dotnet nvsdk.dll) falls back to one already there.
            var hook = CdiHookLocator.Self(host);
            ManagedFile? install = null;
            if (hook is null && (selfBinary ?? CdiHookInstall.SelfBinary()) is { } binary)
            {
                install = CdiHookInstall.File(binary);
                hook = CdiHookInstall.HookPath;
            }

            hook ??= CdiHookLocator.Installed(host);
            if (hook is null)
            {
                findings.Add(Finding.Warn(
                    "host.cdi.hook",
                    "no CDI spec: its hooks need nvsdk at a stable path (or NVIDIA's nvidia-cdi-hook), and neither is on this host",
                    $"run `host apply` with the nvsdk program itself (it installs a copy as {CdiHookInstall.HookPath}), or install nvsdk as {CdiHookLocator.InstalledPaths[0]}"));
            }
            else
            {
                try
                {
                    files.Add(new ManagedFile(CdiSpecPath, CdiSpecGenerator.Generate(host.Root, hook, graphics: config.ContainerGraphics), "644", $"container.enable = true (hooks run {hook}{(config.ContainerGraphics ? "; graphics = true" : string.Empty)})"));
                    if (install is not null)
                    {
                        files.Add(install); // only with a spec that runs it
                    }

                    var conflicts = CdiConflicts.Resolve(host, CdiSpecPath);
                    files.AddRange(conflicts.Files);
                    findings.AddRange(conflicts.Findings);
                }
                catch (NvsdkException e)
                {
                    findings.Add(Finding.Warn("host.cdi", $"no CDI spec can be generated: {e.Message}", "install the NVIDIA driver first; then `nvsdk host apply` again"));
                }
            }

            var daemon = host.Inspect(host.Locate(DockerDaemonConfig.DefaultPath, followFinal: true));
            if (daemon.Kind == HostEntryKind.File || host.IsDirectory("/etc/docker"))
            {
                // A foreign file: its mode and owner stay as they are, and when CDI is already on, its bytes too.
                var mode = daemon.Kind == HostEntryKind.File ? daemon.Mode! : "644";
                files.Add(new ManagedFile(DockerDaemonConfig.DefaultPath, DockerDaemonConfig.EnableCdiUtf8(daemon.Bytes), mode, "container.enable = true (Docker reads CDI specs with features.cdi)"));
            }
        }

        if (config.SystemPackages)
        {
            if (sdkRoot is null)
            {
                findings.Add(Finding.Warn("host.sdk", "systemPackages = true but no SDK is installed", "run `nvsdk install`, then `nvsdk host apply` again"));
            }
            else
            {
                // The GPUs are read only on the live host: a test root has none, but may name gpu.architectures.
                var targets = TargetArchitectures.Resolve(host.Root == "/" ? NvmlReader.Read() : null, config.GpuArchitectures);
                files.Add(new ManagedFile("/etc/profile.d/nvsdk.sh", ProfileFiles.ProfileScript(sdkRoot, targets), "644", "systemPackages = true"));
                files.Add(new ManagedFile("/etc/environment.d/60-nvsdk.conf", ProfileFiles.EnvironmentD(sdkRoot, targets), "644", "systemPackages = true (systemd sessions)"));
            }
        }

        if (config.Monitoring)
        {
            var manager = PackageManager.Detect(host);
            var live = host.IsLive;
            foreach (var package in new[] { "nvtop", "btop" })
            {
                var available = manager?.IsAvailable(package, live);
                packages.Add(new PackageAction(manager?.Name ?? "unknown", package, available, "monitoring = true"));
                if (available == false)
                {
                    findings.Add(Finding.Warn($"host.monitoring.{package}", $"{manager!.Name} has no {package} package here", package == "nvtop" ? "use `nvsdk top` (same view through NVML), or install nvtop from backports" : $"install {package} by hand"));
                }
            }
        }

        findings.AddRange(DriverPlan(config, host));
        files.Add(new ManagedFile("/etc/nvidia-sdk-version", VersionFile(host), "644", "what this host runs (SDK, CUDA, driver)"));
        return new HostDesired(files, packages, findings);
    }

    /// <summary>/etc/nvidia-sdk-version: one place for scripts (and support) to read what the host runs.</summary>
    private static string VersionFile(HostRoot host)
    {
        var generations = new Sdk.Generations(new Store.StoreLayout(host.Resolve("/var/lib/nvsdk")));
        var sdk = generations.Current();
        var proc = host.Read("/proc/driver/nvidia/version");
        var driver = DriverVersion.FromProc(proc);
        var flavour = proc?.Contains("Open Kernel Module", StringComparison.Ordinal) == true ? "open" : "proprietary";
        var components = sdk is null ? "none" : string.Join(" ", sdk.Components.Select(c => $"{c.Name}={c.Version}"));
        return $"""
            # managed by nvsdk: rewritten by `nvsdk host apply`
            SDK_GENERATION={(sdk is null ? "none" : sdk.Number.ToString(System.Globalization.CultureInfo.InvariantCulture))}
            CUDA_VERSION={sdk?.CudaVersion ?? "none"}
            SDK_COMPONENTS="{components}"
            DRIVER_VERSION="{(driver is null ? "none" : $"{driver} ({flavour} module)")}"

            """;
    }

    /// <summary>The loaded driver against driver.* — reported, never changed behind the user's back.</summary>
    private static IEnumerable<Finding> DriverPlan(HostConfig config, HostRoot host)
    {
        var proc = host.Read("/proc/driver/nvidia/version");
        var loaded = DriverVersion.FromProc(proc);
        var open = proc?.Contains("Open Kernel Module", StringComparison.Ordinal);
        var branch = config.DriverPackage == "latest" ? "590" : config.DriverPackage.Split('.')[0];
        var package = $"nvidia-driver-{branch}{(config.DriverOpen ? "-open" : string.Empty)}";
        if (loaded is null)
        {
            yield return Finding.Warn("host.driver", "no NVIDIA driver is loaded", $"install {package} (Ubuntu naming; your distribution's equivalent) and reboot");
            yield break;
        }

        var branchOk = config.DriverPackage == "latest" || config.DriverPackage.Split('.') is var parts && (parts.Length == 1 ? loaded.Value.Major.ToString(System.Globalization.CultureInfo.InvariantCulture) == parts[0] : loaded.ToString() == config.DriverPackage);
        if (!branchOk || open != config.DriverOpen)
        {
            yield return Finding.Warn(
                "host.driver",
                $"loaded driver {loaded} ({(open == true ? "open" : "proprietary")} module) differs from driver.package = \"{config.DriverPackage}\", driver.open = {config.DriverOpen.ToString().ToLowerInvariant()}",
                $"install {package} and reboot when convenient: nvsdk never unloads a loaded module");
        }
        else
        {
            yield return Finding.Ok("host.driver", $"loaded driver {loaded} ({(open == true ? "open" : "proprietary")} module) matches driver.*");
        }
    }
}
