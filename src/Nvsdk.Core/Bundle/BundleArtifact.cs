using System.Text.Json.Serialization;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Bundle;

/// <summary>One artifact a bundle carries, as <c>nvsdk-bundle.json</c> lists it.</summary>
public sealed record BundleArtifact
{
    [JsonConverter(typeof(ComponentIdJsonConverter))]
    public required ComponentId Component { get; init; }

    public required string Version { get; init; }

    public required string File { get; init; }

    [JsonConverter(typeof(Sha256DigestJsonConverter))]
    public required Sha256Digest Sha256 { get; init; }

    public required long Size { get; init; }

    /// <summary>Where the bytes are inside the tar: <c>artifacts/&lt;sha256&gt;-&lt;file&gt;</c>.</summary>
    [JsonIgnore]
    public string EntryName => $"{BundleManifest.ArtifactsFolder}{Sha256.Hex}-{File}";

    [JsonIgnore]
    public string Label => $"{Component} {Version} ({File})";
}
