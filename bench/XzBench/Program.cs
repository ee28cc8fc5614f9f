// Decodes one .xz file to nowhere and reports throughput, so bench/xz-decode.sh can compare us with xz -dc.
// Usage: XzBench FILE [THREADS]   (THREADS 0 = one per processor)
using System.Diagnostics;
using System.Globalization;
using Nvsdk.Core.Unpack;

if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: XzBench FILE [THREADS]");
    return 2;
}

var threads = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0;
var process = Process.GetCurrentProcess();
var cpuBefore = process.TotalProcessorTime;
var clock = Stopwatch.StartNew();

// bufferSize 0: the decoder already reads the file in 1 MiB chunks, a second buffer would only copy.
using (var file = new FileStream(args[0], FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan))
using (var xz = new XzDecoderStream(file, threads))
{
    var buffer = new byte[1 << 20];
    long total = 0;
    int read;
    while ((read = xz.Read(buffer)) > 0)
    {
        total += read;
    }

    var seconds = clock.Elapsed.TotalSeconds;
    process.Refresh();
    var cpu = (process.TotalProcessorTime - cpuBefore).TotalSeconds;

    // One line, key=value, for the script to pick apart.
    Console.WriteLine(string.Create(
        CultureInfo.InvariantCulture,
        $"bytes={total} seconds={seconds:F3} mib_per_s={total / 1048576.0 / seconds:F1} cpu_seconds={cpu:F3} cores_used={cpu / seconds:F2}"));
}

return 0;
