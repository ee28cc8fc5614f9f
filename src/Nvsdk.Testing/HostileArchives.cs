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

    /// <summary>
    /// Two archives that each pass every unpack check but together write into an older generation once merged
    /// (issue 14). The first ships <c>targets/x86_64-linux/lib/a/L -> ../../../current</c> (inside its own tree:
    /// <c>targets/current</c>; in the generation, moved to <c>lib64/a/L</c>, it names <c>generations/current</c>)
    /// and <c>share/doc/zzz -> ../../lib64/a/L/lib64</c> (dangling, inside). The second is only a top-level
    /// <c>evil.so</c>, which the generation puts at <c>share/doc/zzz/evil.so</c>: through both links, into the
    /// live generation's lib64. Install them as components named "a" and "zzz".
    /// </summary>
    public static (string First, string Second) GenerationLinkHop(string dir) =>
        (TarGz(dir, "hop-a", tar =>
        {
            Folder(tar, $"{Top}/targets/x86_64-linux/lib/a/");
            Symlink(tar, $"{Top}/targets/x86_64-linux/lib/a/L", "../../../current");
            Folder(tar, $"{Top}/share/doc/");
            Symlink(tar, $"{Top}/share/doc/zzz", "../../lib64/a/L/lib64");
        }),
        TarGz(dir, "hop-zzz", header: false, tar =>
        {
            Folder(tar, $"{Top}/");
            File(tar, $"{Top}/evil.so", "planted\n");
        }));

    /// <summary>
    /// A tar.gz whose second member is a GNU long-name header (<c>L</c>) announcing <paramref name="nameBytes"/>
    /// bytes (256 MiB by default), followed by only a little of that name: the header alone must be refused,
    /// before a reader allocates the name. Nothing of that size is built.
    /// </summary>
    public static string GnuLongNameBomb(string dir, long nameBytes = 256L << 20) =>
        RawTarGz(dir, "gnu-long-name", tar =>
        {
            tar.Write(RawHeader(Encoding.ASCII.GetBytes("././@LongLink"), 'L', nameBytes));
            tar.Write(Enumerable.Repeat((byte)'a', 64 << 10).ToArray());
        });

    /// <summary>A ustar member whose name holds the byte 0xFF, which is not UTF-8: <c>evil-1.0/bad\xFFname</c>.</summary>
    public static string InvalidUtf8Name(string dir) =>
        RawTarGz(dir, "invalid-utf8", tar =>
        {
            var name = Encoding.ASCII.GetBytes($"{Top}/bad_name");
            name[^5] = 0xFF;
            RawFile(tar, name);
        });

    /// <summary><c>evil-1.0/a -> b</c> and <c>evil-1.0/b -> a</c>: a loop, not a way out.</summary>
    public static string SymlinkLoop(string dir) =>
        TarGz(dir, "symlink-loop", tar =>
        {
            Symlink(tar, $"{Top}/a", "b");
            Symlink(tar, $"{Top}/b", "a");
        });

    /// <summary>A ustar member whose name carries a newline: <c>evil-1.0/x\ny</c> (a PAX record would hide it less well).</summary>
    public static string NewlineInName(string dir) =>
        RawTarGz(dir, "newline-name", tar => RawFile(tar, Encoding.ASCII.GetBytes($"{Top}/x\ny")));

    /// <summary>A regular file of six bytes under a raw ustar header.</summary>
    private static void RawFile(Stream tar, byte[] name)
    {
        tar.Write(RawHeader(name, '0', 6));
        tar.Write(Encoding.ASCII.GetBytes("bytes\n").Concat(new byte[506]).ToArray());
    }

    /// <summary>A member whose single name part is <paramref name="partLength"/> bytes long (NAME_MAX is 255).</summary>
    public static string LongNamePart(string dir, int partLength = 256) =>
        TarGz(dir, "long-part", tar => File(tar, $"{Top}/{new string('p', partLength)}", "x\n"));

    /// <summary>
    /// A wheel whose member <c>evil-1.0/hello</c> holds "world" (stored, 5 bytes) while its local and central
    /// headers carry the CRC-32 of "hello": the data is not what the directory vouches for.
    /// </summary>
    public static string ZipBadCrc(string dir)
    {
        var path = Zip(dir, "zip-bad-crc", zip =>
        {
            var entry = zip.CreateEntry($"{Top}/hello", CompressionLevel.NoCompression);
            entry.ExternalAttributes = (0x8000 | 0x1A4) << 16;
            using var stream = entry.Open();
            stream.Write("world"u8);
        });
        PatchZip(path, $"{Top}/hello", crc: System.IO.Hashing.Crc32.HashToUInt32("hello"u8), size: null);
        return path;
    }

    /// <summary>
    /// A wheel symlink <c>evil-1.0/lib/x</c> whose central directory says its target is
    /// <paramref name="targetBytes"/> long (1 GiB by default); the data is short, nothing that size exists.
    /// </summary>
    public static string ZipHugeLinkTarget(string dir, uint targetBytes = 1u << 30)
    {
        var path = Zip(dir, "zip-huge-link", zip => ZipMember(zip, $"{Top}/lib/x", "target", 0xA000 | 0x1FF));
        PatchZip(path, $"{Top}/lib/x", crc: null, size: targetBytes);
        return path;
    }

    /// <summary>Rewrites the CRC-32 and/or uncompressed size of one member in its local and central headers.</summary>
    private static void PatchZip(string path, string member, uint? crc, uint? size)
    {
        var bytes = System.IO.File.ReadAllBytes(path);
        var name = Encoding.UTF8.GetBytes(member);
        for (var i = 0; i + 46 < bytes.Length; i++)
        {
            var signature = BitConverter.ToUInt32(bytes, i);
            var (crcAt, sizeAt, nameLengthAt, nameAt) = signature switch
            {
                0x04034b50 => (14, 22, 26, 30), // local file header
                0x02014b50 => (16, 24, 28, 46), // central directory header
                _ => (-1, -1, -1, -1),
            };
            if (crcAt < 0 || BitConverter.ToUInt16(bytes, i + nameLengthAt) != name.Length || !bytes.AsSpan(i + nameAt, name.Length).SequenceEqual(name))
            {
                continue;
            }

            if (crc is { } c)
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(i + crcAt, 4), c);
            }

            if (size is { } s)
            {
                BitConverter.TryWriteBytes(bytes.AsSpan(i + sizeAt, 4), s);
            }
        }

        System.IO.File.WriteAllBytes(path, bytes);
    }

    private static string RawTarGz(string dir, string name, Action<Stream> members)
    {
        Directory.CreateDirectory(dir);
        var path = System.IO.Path.Combine(dir, name + ".tar.gz");
        using (var file = System.IO.File.Create(path))
        using (var gz = new GZipStream(file, CompressionLevel.Fastest))
        using (var tar = new TarWriter(gz, TarEntryFormat.Pax, leaveOpen: true))
        {
            Folder(tar, $"{Top}/");
            members(gz); // TarWriter writes each entry at once, so raw blocks fall between its entries
        }

        return path;
    }

    /// <summary>A 512-byte ustar header built byte by byte, for names and sizes TarWriter will not write.</summary>
    private static byte[] RawHeader(byte[] name, char type, long size)
    {
        var header = new byte[512];
        name.AsSpan(0, Math.Min(100, name.Length)).CopyTo(header);
        Encoding.ASCII.GetBytes("0000644\0").CopyTo(header, 100);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 108);
        Encoding.ASCII.GetBytes("0000000\0").CopyTo(header, 116);
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0").CopyTo(header, 124);
        Encoding.ASCII.GetBytes("00000000000\0").CopyTo(header, 136);
        header[156] = (byte)type;
        Encoding.ASCII.GetBytes("ustar\0" + "00").CopyTo(header, 257);
        "        "u8.CopyTo(header.AsSpan(148));
        var sum = header.Sum(b => (int)b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ").CopyTo(header, 148);
        return header;
    }

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
    private sealed class ZeroStream(long length) : Nvsdk.Core.Platform.SeekableReadOnlyStream(length)
    {
        public override int Read(Span<byte> buffer)
        {
            var n = Want(buffer.Length);
            buffer[..n].Clear();
            Position += n;
            return n;
        }
    }
}
