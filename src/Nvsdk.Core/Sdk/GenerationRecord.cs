namespace Nvsdk.Core.Sdk;

/// <summary>What generations/sdk-&lt;n&gt;.json says about one generation; gc keeps its entries.</summary>
public sealed record GenerationRecord
{
    public required int Number { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Identity of the inputs: same key, same tree; `install` with an unchanged key is a no-op.</summary>
    public required string Key { get; init; }

    public required string System { get; init; }

    public required string CudaVersion { get; init; }

    /// <summary>The driver its CUDA release wants (the lock's sdk.driver); null when the lock did not say.</summary>
    public string? DriverVersion { get; init; }

    public required string Lock { get; init; }

    public required IReadOnlyList<GenerationComponent> Components { get; init; }

    /// <summary>Store entries the generation links into.</summary>
    public required IReadOnlyList<string> Entries { get; init; }

    /// <summary>Files copied instead of hard-linked (the store and generations on different file systems).</summary>
    public int CopiedFiles { get; init; }

    /// <summary>The licences of its components, their texts in the tree and the acceptances it was built under.</summary>
    public IReadOnlyList<GenerationLicense>? Licenses { get; init; }

    /// <summary>The CUDAARCHS its env script and modulefiles export ("90"), when the host's GPUs were known.</summary>
    public string? CudaArchitectures { get; init; }
    /// <summary>The tree's <see cref="GenerationShape"/> when built; null for generations built before it was recorded.</summary>
    public string? Shape { get; init; }
}

/// <summary>One licence of a generation: its components, its texts (path in the tree → sha256) and its acceptance.</summary>
public sealed record GenerationLicense(
    string Id,
    string Name,
    bool Proprietary,
    string? Url,
    IReadOnlyList<string> Components,
    IReadOnlyDictionary<string, string> Texts,
    Licenses.LicenseAcceptance? Acceptance);

public sealed record GenerationComponent(string Name, string Version, string Entry);
