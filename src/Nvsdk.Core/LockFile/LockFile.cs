using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.LockFile;

/// <summary>A parsed nvsdk.lock.json: what the SDK is made of, for every system, and where to get it.</summary>
public sealed record LockFile(
    string Path,
    int LockVersion,
    string CudaVersion,
    IReadOnlyList<SystemId> Systems,
    IReadOnlyList<Component> Components)
{
    /// <summary>The major version of the pinned CUDA toolkit ("13.1.0" → 13).</summary>
    /// <summary>
    /// sdk.driver: the driver the toolkit release wants for all its features (redistrib_&lt;ver&gt;.json's
    /// nvidia_driver.version, the driver a runfile bundles); null in locks written before it was recorded.
    /// </summary>
    public string? DriverVersion { get; init; }

    public int CudaMajor => int.Parse(CudaVersion.Split('.')[0], System.Globalization.CultureInfo.InvariantCulture);

    public Component? Find(ComponentId id) => Components.FirstOrDefault(c => c.Id == id);
}
