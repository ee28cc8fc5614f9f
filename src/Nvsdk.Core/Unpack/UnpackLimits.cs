namespace Nvsdk.Core.Unpack;

/// <summary>
/// Caps against archive bombs. The ratio is checked only past <see cref="RatioGraceBytes"/>, since small
/// archives of headers legitimately compress very well.
/// </summary>
public sealed record UnpackLimits
{
    public long MaxTotalBytes { get; init; } = 64L << 30;

    public long MaxEntries { get; init; } = 2_000_000;

    public double MaxRatio { get; init; } = 200;

    public long RatioGraceBytes { get; init; } = 256L << 20;
}
