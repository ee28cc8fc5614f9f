using Nvsdk.Core.Errors;
using SharpFuzz;

namespace Nvsdk.Fuzz;

/// <summary>
/// <c>Nvsdk.Fuzz TARGET</c> runs under afl-fuzz (SharpFuzz's out-of-process loop); <c>Nvsdk.Fuzz TARGET FILE…</c>
/// runs the inputs once each, from the uninstrumented build (replaying a crash: instrumented code needs afl's
/// coverage map, which only the fuzzer's loop sets up). The invariant checked for
/// every input: the reader either succeeds or throws one of nvsdk's own errors (anything else is a crash),
/// nothing is written outside the staging folder, and memory stays bounded (the fuzz script caps the GC heap).
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        if (args.Length == 0 || !Targets.All.TryGetValue(args[0], out var target))
        {
            Console.Error.WriteLine($"usage: Nvsdk.Fuzz TARGET [FILE...]; targets: {string.Join(", ", Targets.All.Keys)}");
            return 2;
        }

        var sandbox = Directory.CreateTempSubdirectory("nvsdk-fuzz-").FullName;
        try
        {
            if (args.Length > 1)
            {
                foreach (var file in args.Skip(1))
                {
                    Run(target, File.ReadAllBytes(file), sandbox);
                }

                return 0;
            }

            Fuzzer.OutOfProcess.Run(stream =>
            {
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                Run(target, buffer.ToArray(), sandbox);
            });
            return 0;
        }
        finally
        {
            Directory.Delete(sandbox, recursive: true);
        }
    }

    private static void Run(Action<byte[], string> target, byte[] input, string sandbox)
    {
        var staging = Path.Combine(sandbox, "staging");
        Directory.CreateDirectory(staging);
        try
        {
            target(input, staging);
        }
        catch (NvsdkException)
        {
            // A refusal or a clear error is the expected answer to bad input.
        }
        finally
        {
            var outside = Directory.EnumerateFileSystemEntries(sandbox).Where(p => p != staging).ToList();
            ForceDelete(staging);
            if (outside.Count > 0)
            {
                throw new InvalidOperationException($"wrote outside the staging folder: {string.Join(", ", outside)}");
            }
        }
    }

    /// <summary>Store trees are sealed read-only; make them writable again before deleting.</summary>
    private static void ForceDelete(string dir)
    {
        foreach (var sub in Nvsdk.Core.Platform.TreeWalker.Directories(dir))
        {
            File.SetUnixFileMode(sub, File.GetUnixFileMode(sub) | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        Directory.Delete(dir, recursive: true);
    }
}
