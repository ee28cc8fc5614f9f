// Splits a cache layer pull's time, so bench/zstd-layer-decode.sh can set it against `zstd -dc | tar -x`:
//   ZstdBench decode FILE.zst       the decoder nvsdk picks, to nowhere
//   ZstdBench unpack FILE.zst DIR   what BinaryCache does with one layer once it has the bytes: decode, read
//                                   ahead, tar, SHA-256 of every file, writes (the download is left out)
//   ZstdBench unpack FILE.tar DIR   the same without zstd: what the tar/hash/write side costs alone
// NVSDK_ZSTD_DECODER=managed forces ZstdSharp. Prints one key=value line.
using System.Diagnostics;
using System.Globalization;
using Nvsdk.Core.Unpack;

if (args is not ["decode", _] and not ["unpack", _, _])
{
    Console.Error.WriteLine("usage: ZstdBench decode FILE.zst | ZstdBench unpack FILE.zst|FILE.tar DIR");
    return 2;
}

var input = args[1];
var compressed = input.EndsWith(".zst", StringComparison.Ordinal);
var clock = Stopwatch.StartNew();
long bytes;
await using (var file = new FileStream(input, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan | FileOptions.Asynchronous))
await using (var data = compressed ? ZstdDecoders.Open(file, leaveOpen: true) : file)
{
    if (args[0] == "decode")
    {
        var buffer = new byte[1 << 20];
        bytes = 0;
        int read;
        while ((read = await data.ReadAsync(buffer)) > 0)
        {
            bytes += read;
        }
    }
    else
    {
        var writer = new SafeTreeWriter(args[2], input, file.Length, new UnpackLimits());
        await using (var ahead = new ReadAheadStream(data))
        {
            await TarUnpacker.UnpackAsync(ahead, writer, LayoutRule.Identity(), CancellationToken.None);
        }

        bytes = writer.Complete().TotalBytes;
    }
}

var seconds = clock.Elapsed.TotalSeconds;
var decoder = compressed ? ZstdDecoders.Name.Replace(' ', '-') : "none";
Console.WriteLine(string.Create(
    CultureInfo.InvariantCulture,
    $"mode={args[0]} decoder={decoder} bytes={bytes} seconds={seconds:F3} mib_per_s={bytes / 1048576.0 / seconds:F1}"));
return 0;
