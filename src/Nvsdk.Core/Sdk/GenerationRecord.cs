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

    public required string Lock { get; init; }

    public required IReadOnlyList<GenerationComponent> Components { get; init; }

    /// <summary>Store entries the generation links into.</summary>
    public required IReadOnlyList<string> Entries { get; init; }

    /// <summary>Files copied instead of hard-linked (the store and generations on different file systems).</summary>
    public int CopiedFiles { get; init; }

    /// <summary>The tree's <see cref="GenerationShape"/> when built; null for generations built before it was recorded.</summary>
    public string? Shape { get; init; }
}

public sealed record GenerationComponent(string Name, string Version, string Entry);
