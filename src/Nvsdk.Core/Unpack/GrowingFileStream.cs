using System.Security.Cryptography;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Unpack;

/// <summary>
/// Reads a file while a download is still appending to it, so unpacking keeps pace with the network instead of
/// waiting for the last byte. Hashes what it hands out, so the caller can check it read exactly the bytes that
/// were verified: a download that restarts (a resume refused, a wrong source thrown away) recreates the file,
/// and this reader then ends with <see cref="FollowLostException"/> or a digest that does not match.
/// <paramref name="writerDone"/> completes with the file's final length when the writer has verified it, or
/// fails with the writer's error, which this reader then throws too.
/// </summary>
internal sealed class GrowingFileStream(string path, Task<long> writerDone) : Platform.ReadOnlyStream
{
    private static readonly TimeSpan MaxPoll = TimeSpan.FromMilliseconds(20);

    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private FileStream? file;
    private long position;

    /// <summary>The SHA-256 of everything read; valid once a read has returned 0.</summary>
    public Sha256Digest Digest() => Sha256Digest.FromHash(hash.GetCurrentHash());

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var delay = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var finished = writerDone.IsCompleted;
            if (finished && !writerDone.IsCompletedSuccessfully)
            {
                await writerDone.ConfigureAwait(false); // the writer's own error (a digest mismatch, a dead source) or its cancellation
            }

            if (Open() is { } open)
            {
                var n = await open.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
                if (n > 0)
                {
                    position += n;
                    hash.AppendData(buffer.Span[..n]);
                    return n;
                }

                if (finished)
                {
                    // Read after seeing "finished", so every byte the writer wrote is visible by now.
                    return position == writerDone.Result ? 0 : throw new FollowLostException(path);
                }
            }
            else if (finished)
            {
                throw new FollowLostException(path); // moved into the store before we ever opened it
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPoll.Ticks));
        }
    }

    private FileStream? Open()
    {
        // Not through FileStream's constructor: the downloader holds the file with FileShare.None (an exclusive flock).
        file ??= Platform.Posix.OpenUnlockedForReading(path);
        return file;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            file?.Dispose();
            hash.Dispose();
        }

        base.Dispose(disposing);
    }
}

/// <summary>The followed file was replaced or moved away before it was read to its end: read the stored file instead.</summary>
internal sealed class FollowLostException(string path) : IOException($"{path} was replaced while it was being read");
