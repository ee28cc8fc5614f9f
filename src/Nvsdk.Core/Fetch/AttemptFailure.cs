namespace Nvsdk.Core.Fetch;

/// <summary>One source failed for good (the pipeline has retried what can be retried); the message says why.</summary>
internal sealed class AttemptFailure : Exception
{
    public AttemptFailure()
        : this("failed")
    {
    }

    public AttemptFailure(string message)
        : base(message)
    {
    }

    public AttemptFailure(string message, Exception? innerException)
        : base(message, innerException)
    {
    }
}
