namespace Nvsdk.Core.Errors;

/// <summary>What kind of failure an <see cref="NvsdkException"/> reports; the CLI maps these to exit codes.</summary>
public enum ErrorCode
{
    /// <summary>Something the user can fix in their input: a bad lock file, an unknown component, a bad flag.</summary>
    InvalidInput,

    /// <summary>No source could deliver an artifact (network, HTTP status, timeouts).</summary>
    FetchFailed,

    /// <summary>Bytes arrived but their digest or size is not the pinned one.</summary>
    DigestMismatch,

    /// <summary>The store cannot be used: not writable, corrupt, or held by another process too long.</summary>
    StoreUnavailable,

    /// <summary>A store entry does not match what was registered.</summary>
    StoreCorrupt,

    /// <summary>No usable GPU: no driver, no device, NVML or a CUDA library missing or mismatched.</summary>
    GpuUnavailable,

    /// <summary>The operation was cancelled (Ctrl-C).</summary>
    Cancelled,

    /// <summary>A bug or an unexpected condition.</summary>
    Internal,
}
