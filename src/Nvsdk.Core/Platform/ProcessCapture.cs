using System.Diagnostics;

namespace Nvsdk.Core.Platform;

/// <summary>Runs a program to its end and captures its output; cancelling kills it. For the host's own tools (ldconfig, systemctl).</summary>
internal static class ProcessCapture
{
    public static async Task<ProcessOutput> RunAsync(string program, IEnumerable<string> args, CancellationToken cancellationToken = default)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ProcessOutput(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false));
    }
}

internal sealed record ProcessOutput(int ExitCode, string Stdout, string Stderr);
