namespace Nvsdk.Core.Fetch;

/// <summary>What a fetch reports while it runs, for progress bars and plain log lines.</summary>
public abstract record FetchEvent(string Artifact)
{
    /// <summary>An artifact started (or resumed) downloading from a source.</summary>
    public sealed record Started(string Artifact, Uri Source, long ResumedFrom, long? Total) : FetchEvent(Artifact);

    /// <summary>Bytes arrived; <see cref="Bytes"/> counts everything on disk so far.</summary>
    public sealed record Progress(string Artifact, long Bytes, long? Total) : FetchEvent(Artifact);

    /// <summary>A source failed and the fetcher moves on (retry or next source).</summary>
    public sealed record SourceFailed(string Artifact, Uri Source, string Reason, bool WillRetry) : FetchEvent(Artifact);

    /// <summary>Waiting for another process that holds the artifact's lock.</summary>
    public sealed record Waiting(string Artifact, string Message) : FetchEvent(Artifact);

    /// <summary>The artifact is in the store (downloaded now, or already there).</summary>
    public sealed record Done(string Artifact, bool Downloaded, long Bytes) : FetchEvent(Artifact);
}
