using System.Globalization;

namespace Nvsdk.Core.Gpu.Cuda;

/// <summary>A GPU's compute capability: 9.0 for H100, which NVRTC targets as sm_90.</summary>
public readonly record struct ComputeCapability(int Major, int Minor) : IComparable<ComputeCapability>
{
    /// <summary>The SM number NVRTC and nvcc use: 90 for 9.0, 120 for 12.0.</summary>
    public int Sm => (Major * 10) + Minor;

    /// <summary>nvcc's name for the real architecture: sm_90.</summary>
    public string SmName => string.Create(CultureInfo.InvariantCulture, $"sm_{Sm}");

    /// <summary>NVIDIA's family name for the capability (Pascal, Hopper…), as its CUDA GPUs table groups them.</summary>
    public string ArchitectureName => (Major, Minor) switch
    {
        (3, _) => "Kepler",
        (5, _) => "Maxwell",
        (6, _) => "Pascal",
        (7, < 5) => "Volta",
        (7, _) => "Turing",
        (8, 9) => "Ada Lovelace",
        (8, _) => "Ampere",
        (9, _) => "Hopper",
        (10 or 11 or 12, _) => "Blackwell",
        _ => "unknown architecture",
    };

    public int CompareTo(ComputeCapability other) => Sm.CompareTo(other.Sm);

    public static bool operator <(ComputeCapability left, ComputeCapability right) => left.CompareTo(right) < 0;

    public static bool operator >(ComputeCapability left, ComputeCapability right) => left.CompareTo(right) > 0;

    public static bool operator <=(ComputeCapability left, ComputeCapability right) => left.CompareTo(right) <= 0;

    public static bool operator >=(ComputeCapability left, ComputeCapability right) => left.CompareTo(right) >= 0;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Major}.{Minor}");

    /// <summary>
    /// Reads the spellings users write: "9.0" (PyTorch's TORCH_CUDA_ARCH_LIST), "90" (CMake's CUDAARCHS) and
    /// "sm_90" (nvcc). The last digit of the SM number is the minor, as in nvcc (120 = 12.0).
    /// </summary>
    public static bool TryParse(string? text, out ComputeCapability capability)
    {
        capability = default;
        var s = text?.Trim() ?? string.Empty;
        if (s.StartsWith("sm_", StringComparison.OrdinalIgnoreCase))
        {
            s = s[3..];
        }

        var dot = s.IndexOf('.', StringComparison.Ordinal);
        if (dot > 0)
        {
            if (Digits(s[..dot]) is { } major && Digits(s[(dot + 1)..]) is { } minor && minor < 10)
            {
                capability = new ComputeCapability(major, minor);
                return major > 0;
            }

            return false;
        }

        if (s.Length is >= 2 and <= 3 && Digits(s) is { } sm)
        {
            capability = new ComputeCapability(sm / 10, sm % 10);
            return capability.Major > 0;
        }

        return false;
    }

    private static int? Digits(string s) =>
        s.Length is > 0 and <= 3 && s.All(char.IsAsciiDigit) ? int.Parse(s, NumberStyles.None, CultureInfo.InvariantCulture) : null;
}
