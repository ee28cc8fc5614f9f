namespace Nvsdk.Core.Unpack;

/// <summary>
/// The memory liblzma's multi-threaded decoders may hold for block buffers, shared by every xz decoder in the
/// process: a decoder takes what is left when it starts and gives it back when disposed. Each decoder used to get
/// max(1 GiB, a quarter of RAM) of its own, so an install decoding several multi-block archives at once grew with
/// their number. A decoder that finds too little left decodes on one thread, which needs only its dictionary; the
/// others already run one per core, so the cores stay busy. liblzma uses fewer threads when its share is small,
/// and never fails because of it.
/// </summary>
internal sealed class XzThreadingBudget(long total = XzThreadingBudget.Total)
{
    /// <summary>About six threads' worth of 16 MiB blocks (xz -T0's default block size is 3 × the dictionary).</summary>
    public const long Total = 128L << 20;

    /// <summary>Below this, threads would not pay for their buffers: decode on one thread instead.</summary>
    public const long Least = 32L << 20;

    private long left = total;

    /// <summary>The one budget every decoder of the process shares.</summary>
    public static XzThreadingBudget Shared { get; } = new();

    /// <summary>Takes what is left (0 when less than <see cref="Least"/>); give it back with <see cref="Return"/>.</summary>
    public long Take()
    {
        while (true)
        {
            var now = Volatile.Read(ref left);
            if (now < Least)
            {
                return 0;
            }

            if (Interlocked.CompareExchange(ref left, 0, now) == now)
            {
                return now;
            }
        }
    }

    public void Return(long share)
    {
        if (share > 0)
        {
            Interlocked.Add(ref left, share);
        }
    }
}
