using System.Security.Cryptography;
using System.Text;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Platform;

namespace Nvsdk.Core.Host;

/// <summary>
/// The one seam through which host setup touches host paths (STYLE habit 5): every path is a host path
/// ("/etc/cdi/nvidia.yaml") resolved under <see cref="Root"/> ("/" for real, a temp folder in tests).
/// </summary>
public sealed class HostRoot(string root)
{
    public string Root { get; } = Path.GetFullPath(root);

    public string Resolve(string hostPath) => Path.Combine(Root, hostPath.TrimStart('/'));

    public string StateDir => Resolve("/var/lib/nvsdk/host");

    public string? Read(string hostPath)
    {
        var full = Resolve(hostPath);
        try
        {
            return File.Exists(full) ? File.ReadAllText(full) : null;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new NvsdkException(ErrorCode.StoreUnavailable, $"cannot read {full}: permission denied; run as root or pass --root DIR", e);
        }
    }

    /// <summary>Writes a file atomically (temp + fsync + rename) with the given mode, creating its folder.</summary>
    public void Write(string hostPath, string content, string mode)
    {
        var full = Resolve(hostPath);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            foreach (var stale in Directory.EnumerateFiles(Path.GetDirectoryName(full)!, Path.GetFileName(full) + ".nvsdk-*.tmp"))
            {
                File.Delete(stale); // left by an apply killed mid-write; we hold the host lock
            }

            var temp = $"{full}.nvsdk-{Environment.ProcessId}.tmp";
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = ParseMode(mode) };
            using (var stream = new FileStream(temp, options))
            {
                stream.Write(Encoding.UTF8.GetBytes(content));
                stream.Flush(flushToDisk: true);
            }

            File.SetUnixFileMode(temp, ParseMode(mode));
            Posix.Rename(temp, full);
            Posix.FsyncDirectory(Path.GetDirectoryName(full)!);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new NvsdkException(ErrorCode.StoreUnavailable, $"cannot write {full}: permission denied; run as root (sudo) or pass --root DIR", e);
        }
    }

    public void Delete(string hostPath)
    {
        var full = Resolve(hostPath);
        if (File.Exists(full))
        {
            File.Delete(full);
        }
    }

    public static string Sha256(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    private static UnixFileMode ParseMode(string octal) => (UnixFileMode)Convert.ToInt32(octal, 8);
}
