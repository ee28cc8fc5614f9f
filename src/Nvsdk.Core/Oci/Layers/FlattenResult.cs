using Nvsdk.Core.Unpack;

namespace Nvsdk.Core.Oci.Layers;

/// <summary>
/// What <see cref="OciImageFlattener"/> wrote (its manifest), what it left out on purpose, and (with
/// <see cref="FileModes.Kept"/>) the members whose setuid/setgid bits it took off.
/// </summary>
public sealed record FlattenResult(TreeManifest Manifest, IReadOnlyList<SkippedLayerEntry> Skipped, IReadOnlyList<StrippedSetId> Stripped);
