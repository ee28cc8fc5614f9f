using System.Formats.Tar;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Oci.Layers;

/// <summary>
/// A member of the flattened image that was not written: a device node or FIFO (creating one needs
/// privileges, and an SDK has no use for them). <paramref name="Layer"/> is the layer that provided it.
/// </summary>
public sealed record SkippedLayerEntry(string Path, TarEntryType Type, Sha256Digest Layer);
