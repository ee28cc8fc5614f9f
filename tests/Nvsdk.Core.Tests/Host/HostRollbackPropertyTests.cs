using System.Text;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Host;
using Nvsdk.Core.Host.Config;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Host;

/// <summary>
/// Rollback as a property: whatever was at the paths host setup manages (nothing, files with any bytes, modes and
/// owners, links absolute, relative or dangling, read-only folders), apply then rollback leaves every path under the
/// root exactly as it was: kind, bytes, mode, owner and link target. An apply that refuses changes nothing.
/// </summary>
public sealed class HostRollbackPropertyTests : IDisposable
{
    private const string Sdk = "/var/lib/nvsdk/generations/current";

    private static readonly string[] Managed =
    [
        "/etc/docker/daemon.json", "/etc/cdi/nvidia.yaml", "/etc/profile.d/nvsdk.sh", "/etc/environment.d/60-nvsdk.conf",
        "/etc/systemd/system/nvidia-persistenced.service", "/etc/systemd/system/multi-user.target.wants/nvidia-persistenced.service",
        "/etc/nvidia-sdk-version",
    ];

    private static readonly HostConfig Server = HostConfigParser.Parse("server.toml", File.ReadAllText(Path.Combine(RepoPaths.Root, "examples", "server.toml")));

    private readonly TempDir temp = new();

    public void Dispose()
    {
        // Read-only folders made by a case must not stop the temp folder's removal.
        foreach (var dir in Directory.EnumerateDirectories(temp.Path, "*", SearchOption.AllDirectories))
        {
            if (new FileInfo(dir).LinkTarget is null)
            {
                File.SetUnixFileMode(dir, (UnixFileMode)Convert.ToInt32("755", 8));
            }
        }

        temp.Dispose();
    }

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public async Task ApplyThenRollback_AnyPreExistingFiles_EveryPathIdentical(int seed)
    {
        var random = new Random(seed);
        var host = new HostRoot(FakeHostRoot.BuildH100(temp.Combine($"root{seed}")));
        Directory.CreateDirectory(host.OnDisk("/srv"));
        foreach (var path in Managed)
        {
            Scatter(host, path, random);
        }

        if (random.Next(3) == 0 && Directory.Exists(host.OnDisk("/etc/docker")))
        {
            File.SetUnixFileMode(host.OnDisk("/etc/docker"), (UnixFileMode)Convert.ToInt32("555", 8));
        }

        var before = Snapshot(host);
        HostApplyResult applied;
        try
        {
            applied = await HostApplier.ApplyAsync(Server, host, Sdk);
        }
        catch (NvsdkException)
        {
            AssertSame(before, Snapshot(host)); // refused (e.g. daemon.json not JSON or not UTF-8): nothing written
            return;
        }

        Assert.False(applied.NoOp);
        Assert.True(host.Inspect("/etc/systemd/system/multi-user.target.wants/nvidia-persistenced.service").Kind == HostEntryKind.Symlink);
        Assert.Equal(0, await HostApplier.RollbackAsync(host));
        AssertSame(before, Snapshot(host));
    }

    private static void AssertSame(SortedDictionary<string, string> before, SortedDictionary<string, string> after)
    {
        var differ = before.Keys.Union(after.Keys)
            .Where(k => before.GetValueOrDefault(k) != after.GetValueOrDefault(k))
            .Select(k => $"{k}: was [{before.GetValueOrDefault(k)}] now [{after.GetValueOrDefault(k)}]")
            .ToList();
        Assert.True(differ.Count == 0, string.Join('\n', differ));
    }

    /// <summary>Puts something random at a managed path: nothing, a file, or a link of some kind.</summary>
    private static void Scatter(HostRoot host, string path, Random random)
    {
        var full = host.OnDisk(path);
        switch (random.Next(6))
        {
            case 0:
                return; // absent (and maybe its folder too)
            case 1 or 2:
                WriteFile(full, Content(path, random), random);
                return;
            case 3:
                // An absolute link to a file elsewhere in the root: nvsdk must follow it inside the root.
                var target = $"/srv/{Path.GetFileName(path)}.real";
                WriteFile(host.OnDisk(target), Content(path, random), random);
                Link(full, target);
                return;
            case 4:
                WriteFile(full + ".real", Content(path, random), random);
                Link(full, Path.GetFileName(path) + ".real");
                return;
            default:
                Link(full, random.Next(2) == 0 ? $"/missing/{random.Next(1000)}/{Path.GetFileName(path)}" : "nowhere");
                return;
        }
    }

    private static byte[] Content(string path, Random random)
    {
        var bom = random.Next(4) == 0 ? new byte[] { 0xEF, 0xBB, 0xBF } : [];
        var body = random.Next(5) switch
        {
            0 => "{\n  \"features\": { \"cdi\": true },\n  \"log-driver\": \"journald\"\n}\n",
            1 => "{\"data-root\": \"/srv/docker\"}",
            2 => "not json at all\n",
            3 => $"# {path} by hand\nexport A=ä\n",
            _ => string.Empty,
        };
        var bytes = bom.Concat(Encoding.UTF8.GetBytes(body)).ToList();
        if (random.Next(5) == 0)
        {
            bytes.Insert(random.Next(bytes.Count + 1), 0xFF); // not UTF-8
        }

        return [.. bytes];
    }

    private static void WriteFile(string full, byte[] bytes, Random random)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, bytes);
        File.SetUnixFileMode(full, (UnixFileMode)Convert.ToInt32(new[] { "600", "644", "640", "444", "755" }[random.Next(5)], 8));
        var owner = new uint[] { 0, 1000, 4242 }[random.Next(3)];
        Nvsdk.Core.Platform.Posix.LChown(full, owner, owner == 0 ? 0 : owner + 1);
    }

    private static void Link(string full, string target)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.CreateSymbolicLink(full, target);
    }

    /// <summary>Every path under the root but nvsdk's own state (and the folders above it): kind, bytes, mode, owner, link target.</summary>
    private static SortedDictionary<string, string> Snapshot(HostRoot host)
    {
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var state = host.OnDisk("/var/lib/nvsdk");
        foreach (var full in Directory.EnumerateFileSystemEntries(host.Root, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            if (full.StartsWith(state, StringComparison.Ordinal) || state.StartsWith(full + "/", StringComparison.Ordinal))
            {
                continue;
            }

            var entry = host.Inspect(full[host.Root.Length..]);
            all[entry.Path] = $"{entry.Kind} {entry.Sha256} {entry.Mode} {entry.Uid}:{entry.Gid} {entry.LinkTarget}";
        }

        return all;
    }
}
