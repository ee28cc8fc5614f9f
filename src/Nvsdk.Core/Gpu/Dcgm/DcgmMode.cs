using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Gpu.Dcgm;

/// <summary>
/// How the exporter reaches DCGM (`--dcgm`), as dcgm-exporter offers both: an nv-hostengine already running
/// (its `-r HOST:PORT`) or an engine embedded in this process (its default). `auto` tries a host engine on
/// 127.0.0.1:5555 first, because where DCGM is installed as a service that engine already owns the GPUs'
/// profiling counters and a second, embedded engine would be refused them; then it embeds one.
/// </summary>
public sealed record DcgmMode(DcgmModeKind Kind, string? Address = null)
{
    /// <summary>DCGM_HE_PORT_NUMBER on loopback, where nv-hostengine listens by default.</summary>
    public const string LocalHostEngine = "127.0.0.1:5555";

    public static DcgmMode Auto { get; } = new(DcgmModeKind.Auto, LocalHostEngine);

    public static DcgmMode Off { get; } = new(DcgmModeKind.Off);

    /// <summary>auto | embedded | off | HOST[:PORT] of an nv-hostengine.</summary>
    public static DcgmMode Parse(string text) => text.Trim() switch
    {
        "auto" => Auto,
        "embedded" => new(DcgmModeKind.Embedded),
        "off" => Off,
        var address when address.Length > 0 && !address.Any(char.IsWhiteSpace) && !address.StartsWith('-') => new(DcgmModeKind.HostEngine, address),
        _ => throw new UsageException($"--dcgm: '{text}' is not auto, embedded, off or an nv-hostengine HOST:PORT", "use --dcgm auto (the default), embedded, off, or e.g. --dcgm 127.0.0.1:5555"),
    };

    public override string ToString() => Kind switch
    {
        DcgmModeKind.HostEngine => Address!,
        _ => Kind.ToString().ToLowerInvariant(),
    };
}

public enum DcgmModeKind
{
    Auto,
    Embedded,
    HostEngine,
    Off,
}
