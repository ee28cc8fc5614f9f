using System.Globalization;

namespace Nvsdk.Core.Gpu.Doctor;

/// <summary>
/// Which driver a CUDA toolkit needs. Full support: at least the driver the toolkit's installer bundles.
/// Minor-version compatibility: any driver of the major's baseline branch runs the toolkit with limited
/// features (no PTX JIT of newer PTX, some APIs unavailable): CUDA 13.x on ≥ 580, 12.x on ≥ 525.
/// </summary>
public static class CudaDriverRequirements
{
    /// <summary>
    /// Toolkit release → the driver its installer bundles (NVIDIA's release notes, lock-facts.md): only for locks and
    /// generations that do not record sdk.driver themselves (written before it was).
    /// </summary>
    private static readonly (string Cuda, string Driver)[] Bundled =
    [
        ("13.1.1", "590.48.01"),
        ("13.1.0", "590.44.01"),
        ("13.0.2", "580.95.05"),
        ("13.0.0", "580.65.06"),
        ("12.9.1", "575.57.08"),
    ];

    /// <param name="cudaVersion">The SDK's CUDA release (sdk.cuda).</param>
    /// <param name="driverFloor">
    /// The driver the lock or generation records for that release (sdk.driver, from the release's manifest): it
    /// decides over the table, so a new release needs no new nvsdk for doctor to know its floor.
    /// </param>
    public static (DriverVersion Full, DriverVersion Compatible, int CudaMajor)? For(string cudaVersion, string? driverFloor = null)
    {
        var parts = cudaVersion.Split('.');
        if (!int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major))
        {
            return null;
        }

        var compatible = major switch
        {
            >= 13 => new DriverVersion(580, 0, 0),
            12 => new DriverVersion(525, 60, 13),
            _ => (DriverVersion?)null,
        };
        if (compatible is not null && DriverVersion.TryParse(driverFloor ?? string.Empty) is { } recorded)
        {
            return (recorded, compatible.Value, major);
        }

        var exact = Bundled.FirstOrDefault(b => b.Cuda == cudaVersion).Driver
            ?? Bundled.FirstOrDefault(b => b.Cuda.StartsWith($"{parts[0]}.{(parts.Length > 1 ? parts[1] : "0")}.", StringComparison.Ordinal)).Driver;
        if (compatible is null || exact is null)
        {
            return null;
        }

        return (DriverVersion.TryParse(exact)!.Value, compatible.Value, major);
    }
}
