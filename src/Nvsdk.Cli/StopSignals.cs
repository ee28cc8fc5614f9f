using System.Runtime.InteropServices;

namespace Nvsdk.Cli;

/// <summary>
/// SIGINT and SIGTERM become one cancellation: the first asks every operation to stop cleanly (partial downloads
/// kept, staging removed, nothing half-written); a second one ends the process at once, as apt and nix do.
/// System.CommandLine's own termination handling is turned off so there is exactly one owner of these signals.
/// </summary>
internal sealed class StopSignals : IDisposable
{
    private readonly CancellationTokenSource cancel = new();
    private readonly PosixSignalRegistration[] registrations;
    private int received;

    public StopSignals()
    {
        registrations =
        [
            PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal),
            PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal),
        ];
    }

    /// <summary>Cancelled when the first stop signal arrives.</summary>
    public CancellationToken Token => cancel.Token;

    /// <summary>The first signal received, if any.</summary>
    public PosixSignal? Received => Volatile.Read(ref received) switch
    {
        0 => null,
        var n => (PosixSignal)n,
    };

    /// <summary>Set by verbs whose normal way to end is a signal (the exporter, top): they exit 0 when stopped.</summary>
    public static bool StopIsSuccess { get; set; }

    /// <summary>The shell convention: 128 + the signal number (130 for SIGINT, 143 for SIGTERM).</summary>
    public static int ExitCodeFor(PosixSignal signal) => signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Cancelled;

    public static string Name(PosixSignal signal) => signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT";

    /// <summary>
    /// Set by `shell` while its child runs: the terminal sends the child the same Ctrl-C, the child decides, and
    /// nvsdk returns the child's exit code (as `env` or `sudo` do) instead of stopping itself.
    /// </summary>
    public static bool ChildOwnsSignals { get; set; }

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // we stop on our own terms, not the runtime's
        if (ChildOwnsSignals)
        {
            return;
        }

        if (Interlocked.CompareExchange(ref received, (int)context.Signal, 0) != 0)
        {
            // A second signal: the user means it. Exit now; the store protocol is safe against this (as against kill -9).
            Console.Error.WriteLine("nvsdk: stopped at once (second signal)");
            Environment.Exit(ExitCodeFor(context.Signal));
        }

        cancel.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }

        cancel.Dispose();
    }
}
