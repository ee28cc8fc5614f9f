using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace Nvsdk.Core.Primitives;

/// <summary>A Nix-style system double: x86_64-linux or aarch64-linux, the two NVIDIA ships the SDK for.</summary>
public readonly record struct SystemId
{
    public static readonly SystemId X86_64Linux = new("x86_64-linux");
    public static readonly SystemId Aarch64Linux = new("aarch64-linux");

    /// <summary>Every system the lock file may name, in a stable order.</summary>
    public static IReadOnlyList<SystemId> All { get; } = [X86_64Linux, Aarch64Linux];

    private SystemId(string name) => Name = name;

    public string Name { get; }

    /// <summary>NVIDIA's platform name in redistrib manifests (sbsa is their server ARM).</summary>
    public string NvidiaPlatform => this == Aarch64Linux ? "linux-sbsa" : "linux-x86_64";

    public static SystemId Parse(string text) =>
        TryParse(text, out var id)
            ? id
            : throw new FormatException($"'{text}' is not a supported system: use x86_64-linux or aarch64-linux");

    public static bool TryParse([NotNullWhen(true)] string? text, out SystemId id)
    {
        foreach (var candidate in All)
        {
            if (string.Equals(candidate.Name, text, StringComparison.Ordinal))
            {
                id = candidate;
                return true;
            }
        }

        id = default;
        return false;
    }

    /// <summary>The system this process runs on, or null on an architecture NVIDIA does not ship for.</summary>
    public static SystemId? Host => RuntimeInformation.OSArchitecture switch
    {
        Architecture.X64 => X86_64Linux,
        Architecture.Arm64 => Aarch64Linux,
        _ => null,
    };

    public override string ToString() => Name ?? string.Empty;
}
