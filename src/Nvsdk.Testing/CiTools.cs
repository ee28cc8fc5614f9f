using System.Diagnostics.CodeAnalysis;

namespace Nvsdk.Testing;

/// <summary>
/// A test that needs a tool (nginx, docker-registry, skopeo, s3rver, prometheus, podman…) skips on a developer's
/// machine that lacks it, but FAILS in CI (CI=true): a suite that skips its real consumers proves nothing, and
/// scripts/test.sh installs every one of them. Only GPU tests may skip in CI.
/// </summary>
public static class CiTools
{
    public static bool InCi { get; } = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Skips when <paramref name="missing"/> (fails instead under CI).</summary>
    public static void SkipIf([DoesNotReturnIf(true)] bool missing, string reason) => SkipIf(missing, reason, InCi);

    public static void SkipIfNot([DoesNotReturnIf(false)] bool present, string reason) => SkipIf(!present, reason, InCi);

    internal static void SkipIf([DoesNotReturnIf(true)] bool missing, string reason, bool inCi)
    {
        if (!missing)
        {
            return;
        }

        if (inCi)
        {
            throw new MissingToolException($"required in CI, but missing: {reason}");
        }

        Xunit.Skip.If(true, reason);
    }
}

/// <summary>A tool the tests need is not installed where it must be (CI).</summary>
public sealed class MissingToolException(string message) : Exception(message);
