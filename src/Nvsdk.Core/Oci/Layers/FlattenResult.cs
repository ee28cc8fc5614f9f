using Nvsdk.Core.Unpack;

namespace Nvsdk.Core.Oci.Layers;

/// <summary>What <see cref="OciImageFlattener"/> wrote (its manifest) and what it left out on purpose.</summary>
public sealed record FlattenResult(TreeManifest Manifest, IReadOnlyList<SkippedLayerEntry> Skipped);
