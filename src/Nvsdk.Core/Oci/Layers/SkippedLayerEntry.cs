using System.Formats.Tar;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Oci.Layers;

/// <summary>
/// A member of the flattened image that was not written: a device node or FIFO (creating one needs
/// privileges, and an SDK has no use for them). <paramref name="Layer"/> is the layer that provided it.
/// </summary>
public sealed record SkippedLayerEntry(string Path, TarEntryType Type, Sha256Digest Layer)
{
    /// <summary>What the member is, in words: "character device", "block device", "FIFO".</summary>
    public string Kind => Type switch
    {
        TarEntryType.CharacterDevice => "character device",
        TarEntryType.BlockDevice => "block device",
        TarEntryType.Fifo => "FIFO",
        _ => Type.ToString(),
    };

    /// <summary>Why it was left out, one short clause.</summary>
    public string Reason => Type == TarEntryType.Fifo
        ? "FIFOs are not written into an exported tree"
        : "creating device nodes needs privileges; the container runtime provides /dev";
}
