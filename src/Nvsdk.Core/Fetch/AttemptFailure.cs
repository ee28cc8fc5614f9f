namespace Nvsdk.Core.Fetch;

/// <summary>One failed attempt at one source: whether trying the same source again can help, and why it failed.</summary>
internal sealed class AttemptFailure : Exception
{
    public AttemptFailure(string reason, bool retryable, Exception? inner = null, TimeSpan? retryAfter = null)
        : base(reason, inner)
    {
        Retryable = retryable;
        RetryAfter = retryAfter;
    }

    public AttemptFailure()
        : this("failed", retryable: false)
    {
    }

    public AttemptFailure(string message)
        : this(message, retryable: false)
    {
    }

    public AttemptFailure(string message, Exception innerException)
        : this(message, retryable: false, innerException)
    {
    }

    public bool Retryable { get; }

    public TimeSpan? RetryAfter { get; }
}
