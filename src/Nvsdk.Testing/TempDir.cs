namespace Nvsdk.Testing;

/// <summary>A scratch folder that is removed (read-only store entries included) when disposed.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir(string prefix = "nvsdk-test-")
    {
        Path = Directory.CreateTempSubdirectory(prefix).FullName;
        UnprivilegedLane.Own(Path); // in the non-root lane, nvsdk (run as that user) writes here
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            foreach (var dir in Nvsdk.Core.Platform.TreeWalker.Directories(Path))
            {
                File.SetUnixFileMode(dir, File.GetUnixFileMode(dir) | UnixFileMode.UserWrite | UnixFileMode.UserRead | UnixFileMode.UserExecute);
            }

            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A test's leftovers in /tmp are not worth failing it for.
        }
    }
}
