// Decodes one .zst file to nowhere with the decoder nvsdk picks (NVSDK_ZSTD_DECODER=managed forces ZstdSharp)
// and reports throughput, so bench/zstd-layer-decode.sh can split a cache pull's time into decode and the rest.
// Usage: ZstdBench FILE
using System.Diagnostics;
using System.Globalization;
using Nvsdk.Core.Unpack;

if (args.Length != 1)
{
    Console.Error.WriteLine("usage: ZstdBench FILE");
    return 2;
}

var clock = Stopwatch.StartNew();
using (var file = new FileStream(args[0], FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan))
using (var zstd = ZstdDecoders.Open(file, leaveOpen: false))
{
    var buffer = new byte[1 << 20];
    long total = 0;
    int read;
    while ((read = zstd.Read(buffer)) > 0)
    {
        total += read;
    }

    var seconds = clock.Elapsed.TotalSeconds;
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"decoder={ZstdDecoders.Name.Replace(' ', '-')} bytes={total} seconds={seconds:F3} mib_per_s={total / 1048576.0 / seconds:F1}"));
}

return 0;
