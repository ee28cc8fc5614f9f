using System.Text;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Host.Cdi;

/// <summary>
/// Compares output with a golden file under tests/fixtures, byte for byte. With NVSDK_UPDATE_GOLDEN=1 it rewrites
/// the golden file instead (in the source tree), so a deliberate change is one command and a reviewed diff.
/// </summary>
internal static class GoldenFile
{
    public const string UpdateVariable = "NVSDK_UPDATE_GOLDEN";

    public static void AssertMatches(string fixturePath, string actual)
    {
        var path = Path.Combine(RepoPaths.Root, "tests", "fixtures", fixturePath);
        var bytes = Encoding.UTF8.GetBytes(actual);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
            return;
        }

        Assert.True(File.Exists(path), $"no golden file {path}: run the test with {UpdateVariable}=1 to write it");
        var expected = File.ReadAllBytes(path);
        if (!expected.AsSpan().SequenceEqual(bytes))
        {
            // Equal strings with unequal bytes would mean an encoding difference; show the text diff first.
            Assert.Equal(Encoding.UTF8.GetString(expected), actual);
            Assert.Fail($"{path} differs from the output in encoding only");
        }
    }
}
