using System.Globalization;

namespace Nvsdk.Testing;

/// <summary>
/// Fake host roots for code that reads a host under --root: the files a real host has, with empty regular files
/// standing in for device nodes, libraries and binaries, and symlinks as the host had them.
/// </summary>
public static class FakeHostRoot
{
    private static string CaptureDir => Path.Combine(RepoPaths.Root, "tests", "fixtures", "h100-host");

    /// <summary>
    /// The H100 host of tests/fixtures/h100-host (driver 580.159.04, one GPU at 0000:00:06.0, the driver's user space
    /// under /usr/local/nvidia) built under <paramref name="dir"/>: /proc/driver/nvidia and /sys/module/nvidia files
    /// as captured, /dev/nvidia* and /dev/nvidia-caps/*, every file and link under /usr/local/nvidia, /etc/os-release,
    /// /etc/ld.so.cache holding the captured <c>ldconfig -p</c> text (a real host's cache is binary; readers
    /// accept both), and nvsdk at <see cref="NvsdkBinary"/>. Returns <paramref name="dir"/>.
    /// </summary>
    public static string BuildH100(string dir)
    {
        Directory.CreateDirectory(dir);
        var probe = Sections(File.ReadAllText(Path.Combine(CaptureDir, "host-probe.txt")));

        // Kernel-side files, exactly as captured.
        foreach (var (name, body) in probe.Where(s => s.Name.StartsWith("/proc/", StringComparison.Ordinal) || s.Name.StartsWith("/sys/", StringComparison.Ordinal)))
        {
            WriteFile(dir, name, body);
        }

        foreach (var node in DeviceNodes(probe.Single(s => s.Name.StartsWith("ls -la /dev/nvidia", StringComparison.Ordinal)).Body))
        {
            WriteFile(dir, node, string.Empty);
        }

        BuildTree(dir, File.ReadAllLines(Path.Combine(CaptureDir, "usr-local-nvidia.txt")));

        // The capture holds three os-release lines; ID is what tools key on, and this image is Ubuntu's.
        var os = probe.Single(s => s.Name == "os").Body.Split('\n').Where(l => l.Contains('=', StringComparison.Ordinal));
        WriteFile(dir, "/etc/os-release", string.Join('\n', os.Append("ID=ubuntu")) + "\n");
        WriteFile(dir, "/etc/ld.so.cache", File.ReadAllText(Path.Combine(CaptureDir, "ldconfig-p.txt")));

        // nvsdk installed where `host apply` expects it, so the CDI spec's hooks have a program to run.
        WriteFile(dir, NvsdkBinary, "#!/bin/sh\n");
        return dir;
    }

    /// <summary>Where the fake host has nvsdk (a stand-in file): the CDI spec's hook program.</summary>
    public const string NvsdkBinary = "/usr/local/bin/nvsdk";

    /// <summary>Writes a file of a host under a root, making its folders.</summary>
    public static void WriteFile(string root, string hostPath, string content)
    {
        var path = OnDisk(root, hostPath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    private static string OnDisk(string root, string hostPath) => Path.Join(root, hostPath.TrimStart('/'));

    /// <summary>The "=== name" sections of host-probe.txt, with their bodies.</summary>
    private static List<(string Name, string Body)> Sections(string text)
    {
        var sections = new List<(string, string)>();
        string? name = null;
        var body = new List<string>();
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith("=== ", StringComparison.Ordinal))
            {
                if (name is not null)
                {
                    sections.Add((name, string.Join('\n', body)));
                }

                name = line[4..].Trim();
                body.Clear();
            }
            else
            {
                body.Add(line);
            }
        }

        if (name is not null)
        {
            sections.Add((name, string.Join('\n', body)));
        }

        return sections;
    }

    /// <summary>Character devices of an <c>ls -la /dev/nvidia*</c> listing: absolute names, or names under a "dir:" heading.</summary>
    private static SortedSet<string> DeviceNodes(string listing)
    {
        var nodes = new SortedSet<string>(StringComparer.Ordinal);
        var heading = "/dev";
        foreach (var line in listing.Split('\n'))
        {
            if (line.EndsWith(':') && line.StartsWith('/'))
            {
                heading = line.TrimEnd(':');
            }
            else if (line.StartsWith('c'))
            {
                var name = line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[^1];
                nodes.Add(name.StartsWith('/') ? name : $"{heading}/{name}");
            }
        }

        return nodes;
    }

    /// <summary>
    /// Rebuilds a <c>find -printf "%y %m %s %l %p"</c> listing: "d 755 …  /path", "f 644 …  /path" (empty files with
    /// the mode), "l 777 … target /path".
    /// </summary>
    private static void BuildTree(string root, IEnumerable<string> lines)
    {
        var links = new List<(string Target, string Path)>();
        foreach (var line in lines)
        {
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length < 4 || fields[0].Length != 1 || !fields[^1].StartsWith('/'))
            {
                continue;
            }

            var path = OnDisk(root, fields[^1]);
            var mode = (UnixFileMode)Convert.ToInt32(fields[1], 8);
            switch (fields[0])
            {
                case "d":
                    Directory.CreateDirectory(path);
                    break;
                case "f":
                    Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                    File.WriteAllBytes(path, []);
                    File.SetUnixFileMode(path, mode);
                    break;
                case "l" when fields.Length == 5:
                    links.Add((fields[3], path));
                    break;
                default:
                    throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"unexpected listing line: {line}"));
            }
        }

        foreach (var (target, path) in links)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.CreateSymbolicLink(path, target);
        }
    }
}
