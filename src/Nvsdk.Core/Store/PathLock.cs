using System.Globalization;
using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Store;

/// <summary>
/// A cross-process mutex on a file. .NET takes flock(LOCK_EX|LOCK_NB) when a file is opened with
/// FileShare.None, so the kernel drops the lock when the holder dies (kill -9 included): no stale locks.
/// Waiters poll with a growing delay and, after a while, say who holds it.
/// </summary>
public sealed class PathLock : IAsyncDisposable, IDisposable
{
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(200);

    private readonly FileStream stream;
    private readonly string ownerPath;

    private PathLock(FileStream stream, string ownerPath)
    {
        this.stream = stream;
        this.ownerPath = ownerPath;
    }

    public string Path => stream.Name;

    /// <summary>Takes the lock, waiting at most <paramref name="timeout"/>; <paramref name="onWait"/> hears who holds it.</summary>
    public static async Task<PathLock> AcquireAsync(
        string path,
        TimeSpan timeout,
        Action<string>? onWait = null,
        CancellationToken cancellationToken = default)
    {
        if (Environment.GetEnvironmentVariable("DOTNET_SYSTEM_IO_DISABLEFILELOCKING") is "1" or "true")
        {
            throw new StoreException(
                ErrorCode.StoreUnavailable,
                "DOTNET_SYSTEM_IO_DISABLEFILELOCKING is set, so store locks would not work; unset it");
        }

        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        var ownerPath = path + ".owner";
        var started = DateTime.UtcNow;
        var delay = TimeSpan.FromMilliseconds(5);
        var announced = false;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryOpen(path) is { } stream)
            {
                var held = new PathLock(stream, ownerPath);
                held.WriteOwner();
                return held;
            }

            var waited = DateTime.UtcNow - started;
            if (waited > timeout)
            {
                throw new StoreException(
                    ErrorCode.StoreUnavailable,
                    $"{path} is still locked by {ReadOwner(ownerPath)} after {waited.TotalSeconds:F0} s; wait for it or stop that process")
                {
                    Hint = "a lock is released as soon as its holder exits",
                };
            }

            if (!announced && waited > TimeSpan.FromSeconds(1))
            {
                onWait?.Invoke($"waiting for {System.IO.Path.GetFileName(path)}, held by {ReadOwner(ownerPath)}");
                announced = true;
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPoll.Ticks));
        }
    }

    /// <summary>Takes the lock if it is free right now; null when someone holds it.</summary>
    public static PathLock? TryAcquire(string path)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        if (TryOpen(path) is not { } stream)
        {
            return null;
        }

        var held = new PathLock(stream, path + ".owner");
        held.WriteOwner();
        return held;
    }

    private static FileStream? TryOpen(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
        }
        catch (IOException)
        {
            // EWOULDBLOCK from flock: someone else holds it.
            return null;
        }
        catch (UnauthorizedAccessException e)
        {
            throw new StoreException(ErrorCode.StoreUnavailable, $"cannot create the lock {path}: permission denied; use --root with a writable directory", e);
        }
    }

    private void WriteOwner()
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId} since {DateTime.UtcNow:O}");
        try
        {
            File.WriteAllText(ownerPath, text);
        }
        catch (IOException)
        {
            // The owner note only improves a message; the lock itself is what matters.
        }
    }

    private static string ReadOwner(string ownerPath)
    {
        try
        {
            return File.ReadAllText(ownerPath).Trim();
        }
        catch (IOException)
        {
            return "another process";
        }
    }

    public void Dispose()
    {
        try
        {
            File.Delete(ownerPath);
        }
        catch (IOException)
        {
        }

        // Closing the descriptor releases the flock. The lock file itself stays: deleting it would let a
        // waiter lock an unlinked inode while a newcomer locks a fresh one.
        stream.Dispose();
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
