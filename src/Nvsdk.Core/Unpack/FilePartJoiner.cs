using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Unpack;

/// <summary>
/// Joins the parts of large files that arrive in different layers of one cache pull, unpacked side by side
/// by several <see cref="SafeTreeWriter"/>s: the first part to arrive creates the file (O_EXCL, full size
/// preallocated) and every part writes its range through the same handle, so the writes never reopen a
/// path. Parts must agree on the file's size and mode and must not overlap; the part that completes the
/// file is told so, and hashes it. Dispose closes every handle, whatever happened.
/// </summary>
internal sealed class FilePartJoiner : IDisposable
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, JoinedFile> files = new(StringComparer.Ordinal);

    /// <summary>One file being joined: its handle, and which ranges are claimed and written.</summary>
    internal sealed class JoinedFile(string path, FileStream stream, long size, bool executable)
    {
        public string Path => path;

        public FileStream Stream => stream;

        public long Size => size;

        public bool Executable => executable;

        public List<(long Offset, long Length)> Claimed { get; } = [];

        public long Written { get; set; }

        /// <summary>Parts never overlap and stay inside the file, so the bytes written are its coverage.</summary>
        public bool Complete => Written == Size;
    }

    /// <summary>Whether a part of <paramref name="path"/> was seen (a whole file there is then refused).</summary>
    public bool Holds(string path)
    {
        lock (gate)
        {
            return files.ContainsKey(path);
        }
    }

    /// <summary>Claims [offset, offset+length) of the file at <paramref name="path"/>, creating it on its first part.</summary>
    public JoinedFile Claim(SafeTreeWriter writer, string entry, string path, string fullPath, long size, bool executable, long offset, long length, UnixFileMode createMode)
    {
        lock (gate)
        {
            if (!files.TryGetValue(path, out var file))
            {
                FileStream stream;
                try
                {
                    stream = new FileStream(fullPath, new FileStreamOptions
                    {
                        Mode = FileMode.CreateNew, // O_EXCL: never through an existing name
                        Access = FileAccess.ReadWrite,
                        Share = FileShare.None,
                        BufferSize = 0,
                        PreallocationSize = size,
                        UnixCreateMode = createMode,
                    });
                }
                catch (IOException e) when (File.Exists(fullPath) || Directory.Exists(fullPath))
                {
                    throw new UnsafeArchiveException(writer.Archive, entry, "a file part where another layer already put a file or folder", e);
                }

                file = new JoinedFile(path, stream, size, executable);
                files.Add(path, file);
            }
            else if (file.Size != size || file.Executable != executable)
            {
                throw writer.Refuse(entry, $"its parts disagree about the file ({file.Size} or {size} bytes, executable or not)");
            }

            if ((file.Claimed.Count > 0 && file.Complete) || file.Claimed.Any(c => offset < c.Offset + c.Length && c.Offset < offset + length))
            {
                throw writer.Refuse(entry, $"the part at {offset} overlaps another part of the same file");
            }

            file.Claimed.Add((offset, length));
            return file;
        }
    }

    /// <summary>Records a part as written; true for the one part that completes the file.</summary>
    public bool Finish(JoinedFile file, long length)
    {
        lock (gate)
        {
            file.Written += length;
            return file.Complete;
        }
    }

    /// <summary>Files some part of which never arrived: the pull is refused, naming them.</summary>
    public IReadOnlyList<(string Path, long Written, long Size)> Incomplete()
    {
        lock (gate)
        {
            return [.. files.Values.Where(f => !f.Complete).Select(f => (f.Path, f.Written, f.Size))];
        }
    }

    public void Dispose()
    {
        lock (gate)
        {
            foreach (var file in files.Values)
            {
                file.Stream.Dispose();
            }
        }
    }
}
