using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Nvsdk.Testing;

/// <summary>
/// Small .tar.gz (and a few .zip) archives that attack an unpacker: path traversal, escaping symlinks and
/// hard links, writes through a symlink, device nodes, setuid bits, a decompression bomb, layouts the SDK
/// never ships. Every member sits under the one top folder <see cref="Top"/> (which the default layout
/// strips) unless the attack needs otherwise, and the archive opens with an honest folder and README so the
/// attack is not simply the first thing the reader sees. Each method writes into <c>dir</c> and returns the
/// archive's path.
/// </summary>
public static class HostileArchives
{
    public const string Top = "evil-1.0";

    private const UnixFileMode Mode755 = (UnixFileMode)0b111_101_101;
    private const UnixFileMode Mode644 = (UnixFileMode)0b110_100_100;
    private static readonly DateTimeOffset Epoch = new(2025, 12, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary><c>evil-1.0/../../escaped</c>: lands two folders above the tree if joined naively.</summary>
    public static string PathTraversal(string dir) =>
        TarGz(dir, "path-traversal", tar => File(tar, $"{Top}/../../escaped", "escaped\n"));

    /// <summary>A member named by an absolute path, e.g. <c>/tmp/nvsdk-escaped-&lt;guid&gt;</c>.</summary>
    public static string AbsolutePath(string dir, string target) =>
        TarGz(dir, "absolute-path", tar => File(tar, target, "escaped\n"));

    /// <summary><c>evil-1.0/lib/x -> ../../../../etc</c>.</summary>
    public static string SymlinkEscape(string dir) =>
        TarGz(dir, "symlink-escape", tar =>
        {
            Folder(tar, $"{Top}/lib/");
            Symlink(tar, $"{Top}/lib/x", "../../../../etc");
        });

    /// <summary><c>evil-1.0/passwd -> /etc/passwd</c>.</summary>
    public static string SymlinkAbsolute(string dir) =>
        TarGz(dir, "symlink-absolute", tar => Symlink(tar, $"{Top}/passwd", "/etc/passwd"));

    /// <summary>
    /// <c>evil-1.0/a -> .</c> then <c>evil-1.0/b -> a/..</c>: each looks inside on its own (lexically
    /// <c>a/..</c> is the root), but <c>a</c> is the root itself, so <c>b</c> is the root's parent.
    /// </summary>
    public static string SymlinkChainEscape(string dir) =>
        TarGz(dir, "symlink-chain", tar =>
        {
            Symlink(tar, $"{Top}/a", ".");
            Symlink(tar, $"{Top}/b", "a/..");
        });

    /// <summary>
    /// <c>evil-1.0/lib/b -> ..</c> (the root), <c>evil-1.0/a -> lib</c>, then <c>evil-1.0/s -> a/b/../rest</c>.
    /// Each looks inside lexically ("a/b" is not itself a link), but physically <c>a/b</c> is <c>lib/b</c>, the
    /// root, so <c>s</c> is <c>rest</c> in the root's parent: with <c>rest</c> = "" an existing folder, with a
    /// fresh name a dangling link out of the tree that anyone who later creates that name controls.
    /// </summary>
    public static string SymlinkThroughLinkedFolder(string dir, string rest) =>
        TarGz(dir, "symlink-through-linked-folder", tar =>
        {
            Folder(tar, $"{Top}/lib/");
            Symlink(tar, $"{Top}/lib/b", "..");
            Symlink(tar, $"{Top}/a", "lib");
            Symlink(tar, $"{Top}/s", rest.Length == 0 ? "a/b/.." : $"a/b/../{rest}");
        });

    /// <summary>
    /// <c>evil-1.0/d -> linkTarget</c> (e.g. <c>/tmp</c>) followed by the regular file
    /// <c>evil-1.0/d/fileName</c>, which an unpacker that follows links writes to <c>linkTarget/fileName</c>.
    /// </summary>
    public static string WriteThroughSymlink(string dir, string linkTarget, string fileName) =>
        TarGz(dir, "write-through-symlink", tar =>
        {
            Symlink(tar, $"{Top}/d", linkTarget);
            File(tar, $"{Top}/d/{fileName}", "pwned\n");
        });

    /// <summary>A hard link <c>evil-1.0/h</c> whose target is <c>/etc/passwd</c>.</summary>
    public static string HardLinkEscape(string dir) =>
        TarGz(dir, "hardlink-escape", tar => HardLink(tar, $"{Top}/h", "/etc/passwd"));

    /// <summary>A hard link <c>evil-1.0/h</c> to <c>evil-1.0/later</c>, a file that only comes after it.</summary>
    public static string HardLinkToLater(string dir) =>
        TarGz(dir, "hardlink-later", tar =>
        {
            HardLink(tar, $"{Top}/h", $"{Top}/later");
            File(tar, $"{Top}/later", "later\n");
        });

    /// <summary><c>evil-1.0/dev/mem</c>, character device 1:1.</summary>
    public static string CharacterDevice(string dir) =>
        TarGz(dir, "chardev", tar => Special(tar, TarEntryType.CharacterDevice, $"{Top}/dev/mem", 1, 1));

    /// <summary><c>evil-1.0/dev/sda</c>, block device 8:0.</summary>
    public static string BlockDevice(string dir) =>
        TarGz(dir, "blockdev", tar => Special(tar, TarEntryType.BlockDevice, $"{Top}/dev/sda", 8, 0));

    /// <summary><c>evil-1.0/fifo</c>, a named pipe.</summary>
    public static string Fifo(string dir) =>
        TarGz(dir, "fifo", tar => Special(tar, TarEntryType.Fifo, $"{Top}/fifo", major: 0, minor: 0));

    /// <summary>
    /// <c>evil-1.0/bin/suid</c> with mode 04755 and <c>evil-1.0/bin/sgid</c> with 02755: legitimate members
    /// whose special bits an unpacker must drop.
    /// </summary>
    public static string Setuid(string dir) =>
        TarGz(dir, "setuid", tar =>
        {
            Folder(tar, $"{Top}/bin/");
            File(tar, $"{Top}/bin/suid", "#!/bin/sh\n", UnixFileMode.SetUser | Mode755);
            File(tar, $"{Top}/bin/sgid", "#!/bin/sh\n", UnixFileMode.SetGroup | Mode755);
        });

    /// <summary>
    /// <c>evil-1.0/zeros</c>: <paramref name="bytes"/> zero bytes (300 MiB by default) that gzip shrinks about
    /// a thousandfold. Streamed: nothing of that size is ever held in memory.
    /// </summary>
    public static string Bomb(string dir, long bytes = 300L << 20) =>
        TarGz(dir, "bomb", tar => tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{Top}/zeros")
        {
            Mode = Mode644,
            ModificationTime = Epoch,
            DataStream = new ZeroStream(bytes),
        }));

    /// <summary><c>a/x</c> and <c>b/y</c>: two top folders where the layout expects one.</summary>
    public static string TwoTopFolders(string dir) =>
        TarGz(dir, "two-tops", header: false, tar =>
        {
            File(tar, "a/x", "x\n");
            File(tar, "b/y", "y\n");
        });

    /// <summary><c>evil-1.0/f</c> twice, first "one" then "two": the second must not silently win.</summary>
    public static string DuplicateDifferent(string dir) =>
        TarGz(dir, "duplicate-different", tar =>
        {
            File(tar, $"{Top}/f", "one\n");
            File(tar, $"{Top}/f", "two\n");
        });

    /// <summary><c>evil-1.0/f</c> twice with the same bytes, as overlapping runfile packages do: harmless.</summary>
    public static string DuplicateSame(string dir) =>
        TarGz(dir, "duplicate-same", tar =>
        {
            File(tar, $"{Top}/f", "same\n");
            File(tar, $"{Top}/f", "same\n");
        });

    /// <summary>The zip slip: a zip member <c>evil-1.0/../../escaped</c>.</summary>
    public static string ZipPathTraversal(string dir) =>
        Zip(dir, "zip-slip", zip => ZipMember(zip, $"{Top}/../../escaped", "escaped\n", 0x8000 | 0x1A4));

    /// <summary>A zip symlink (Unix mode 0120777 in the external attributes) <c>evil-1.0/lib/x -> ../../../../etc</c>.</summary>
    public static string ZipSymlinkEscape(string dir) =>
        Zip(dir, "zip-symlink", zip => ZipMember(zip, $"{Top}/lib/x", "../../../../etc", 0xA000 | 0x1FF));

    private static string TarGz(string dir, string name, Action<TarWriter> attack) => TarGz(dir, name, header: true, attack);

    private static string TarGz(string dir, string name, bool header, Action<TarWriter> attack)
    {
        Directory.CreateDirectory(dir);
        var path = System.IO.Path.Combine(dir, name + ".tar.gz");
        using (var file = System.IO.File.Create(path))
        using (var gz = new GZipStream(file, CompressionLevel.Optimal))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true))
        {
            if (header)
            {
                Folder(tar, $"{Top}/");
                File(tar, $"{Top}/README", "an archive that tries to harm whoever unpacks it\n");
            }

            attack(tar);
        }

        return path;
    }

    private static string Zip(string dir, string name, Action<ZipArchive> attack)
    {
        Directory.CreateDirectory(dir);
        var path = System.IO.Path.Combine(dir, name + ".zip");
        using (var file = System.IO.File.Create(path))
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
        {
            ZipMember(zip, $"{Top}/README", "an archive that tries to harm whoever unpacks it\n", 0x8000 | 0x1A4);
            attack(zip);
        }

        return path;
    }

    private static void ZipMember(ZipArchive zip, string name, string content, int unixMode)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Fastest);
        entry.LastWriteTime = Epoch;
        entry.ExternalAttributes = unixMode << 16;
        using var stream = entry.Open();
        stream.Write(Encoding.UTF8.GetBytes(content));
    }

    private static void Folder(TarWriter tar, string name) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, name) { Mode = Mode755, ModificationTime = Epoch });

    private static void File(TarWriter tar, string name, string content, UnixFileMode mode = Mode644) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name)
        {
            Mode = mode,
            ModificationTime = Epoch,
            DataStream = new MemoryStream(Encoding.UTF8.GetBytes(content)),
        });

    private static void Symlink(TarWriter tar, string name, string target) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target, Mode = (UnixFileMode)0b111_111_111, ModificationTime = Epoch });

    private static void HardLink(TarWriter tar, string name, string target) =>
        tar.WriteEntry(new PaxTarEntry(TarEntryType.HardLink, name) { LinkName = target, Mode = Mode644, ModificationTime = Epoch });

    private static void Special(TarWriter tar, TarEntryType type, string name, int major, int minor)
    {
        var entry = new PaxTarEntry(type, name) { Mode = Mode644, ModificationTime = Epoch };
        if (type is TarEntryType.CharacterDevice or TarEntryType.BlockDevice)
        {
            entry.DeviceMajor = major;
            entry.DeviceMinor = minor;
        }

        tar.WriteEntry(entry);
    }

    /// <summary>A seekable stream of <c>length</c> zero bytes that allocates nothing.</summary>
    private sealed class ZeroStream(long length) : Stream
    {
        private long position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => position;
            set => position = Math.Clamp(value, 0, length);
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var n = (int)Math.Min(buffer.Length, length - position);
            buffer[..n].Clear();
            position += n;
            return n;
        }

        public override long Seek(long offset, SeekOrigin origin) => Position = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            _ => length + offset,
        };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
