using Nvsdk.Core.Platform;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Mirror;

/// <summary>
/// A mirror in a local folder (served by any web server, or used as file:// directly). Each object is written
/// to a temporary file beside its final name, flushed, then renamed over it.
/// </summary>
public sealed class DirectoryMirror : IMirrorDestination
{
    private const int BufferSize = 1 << 20;

    public DirectoryMirror(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Root = Path.GetFullPath(directory).TrimEnd('/');
        BaseUrl = new Uri("file://" + string.Join('/', Root.Split('/').Select(Uri.EscapeDataString)) + "/");
    }

    public string Root { get; }

    public Uri BaseUrl { get; }

    public string Description => Root;

    public long? MaxObjectSize => null;

    public async Task<bool> HasAsync(MirrorObject item, CancellationToken cancellationToken = default)
    {
        var path = PathOf(item.Key);
        var info = new FileInfo(path);
        if (!info.Exists || info.Length != item.Size)
        {
            return false;
        }

        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (stream.ConfigureAwait(false))
        {
            return await Sha256Digest.OfAsync(stream, cancellationToken).ConfigureAwait(false) == item.Digest;
        }
    }

    public async Task PutAsync(MirrorObject item, CancellationToken cancellationToken = default)
    {
        var path = PathOf(item.Key);
        var dir = Path.GetDirectoryName(path)!;
        var temp = $"{path}.tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        try
        {
            Directory.CreateDirectory(dir);
            var source = MirrorSource.Open(item);
            await using (source.ConfigureAwait(false))
            {
                var target = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferSize, FileOptions.Asynchronous);
                await using (target.ConfigureAwait(false))
                {
                    await source.CopyToAsync(target, BufferSize, cancellationToken).ConfigureAwait(false);
                    await target.FlushAsync(cancellationToken).ConfigureAwait(false);
                    target.Flush(flushToDisk: true);
                }
            }

            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
            File.Move(temp, path, overwrite: true);
            Posix.FsyncDirectory(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            DeleteQuietly(temp);
            throw new MirrorException($"writing {path}: {e.Message.TrimEnd('.')}", e);
        }
        catch
        {
            DeleteQuietly(temp);
            throw;
        }
    }

    public void Dispose()
    {
    }

    private string PathOf(string key)
    {
        if (key.Split('/').Any(s => s is "" or "." or ".."))
        {
            throw new ArgumentException($"'{key}' is not a mirror key", nameof(key));
        }

        return Path.Combine(Root, key);
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
    }
}
