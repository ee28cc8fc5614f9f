using System.Diagnostics.CodeAnalysis;

namespace Nvsdk.Core.Primitives;

/// <summary>A component name in the lock file: lower-case letters, digits, '-', '_' (cuda, cudnn, cuda_nvcc).</summary>
public readonly record struct ComponentId
{
    private ComponentId(string name) => Name = name;

    public string Name { get; }

    public static ComponentId Parse(string text) =>
        TryParse(text, out var id)
            ? id
            : throw new FormatException(
                $"'{text}' is not a component name: use lower-case letters, digits, '-' and '_', starting with a letter");

    public static bool TryParse([NotNullWhen(true)] string? text, out ComponentId id)
    {
        id = default;
        if (string.IsNullOrEmpty(text) || text.Length > 64 || !char.IsAsciiLetterLower(text[0]))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }

        id = new ComponentId(text);
        return true;
    }

    public override string ToString() => Name ?? string.Empty;
}
