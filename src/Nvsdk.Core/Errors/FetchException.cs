namespace Nvsdk.Core.Errors;

/// <summary>Every source of an artifact failed; <see cref="Attempts"/> says how each one did.</summary>
public sealed class FetchException : NvsdkException
{
    public FetchException(string artifact, IReadOnlyList<SourceFailure> attempts, Exception? innerException = null)
        : base(
            attempts.Any(a => a.Error is DigestMismatchException or SizeMismatchException)
                ? ErrorCode.DigestMismatch
                : ErrorCode.FetchFailed,
            $"fetching {artifact}: no source delivered it: " + string.Join("; ", attempts.Select(a => $"{a.Url}: {a.Reason}")),
            innerException)
    {
        Artifact = artifact;
        Attempts = attempts;
    }

    public string Artifact { get; }

    public IReadOnlyList<SourceFailure> Attempts { get; }
}

/// <summary>Why one source of an artifact was given up.</summary>
public sealed record SourceFailure(string Url, string Reason, Exception? Error);
