using System.Text;

namespace Nvsdk.Testing;

/// <summary>One member of a fixture archive: a file (bytes, executable or not) or a symlink.</summary>
public sealed record FixtureEntry(string Path, byte[]? Content, bool Executable, string? LinkTarget)
{
    public static FixtureEntry File(string path, byte[] content, bool executable = false) => new(path, content, executable, null);

    public static FixtureEntry Text(string path, string text, bool executable = false) => new(path, Encoding.UTF8.GetBytes(text), executable, null);

    public static FixtureEntry Link(string path, string target) => new(path, null, false, target);
}
