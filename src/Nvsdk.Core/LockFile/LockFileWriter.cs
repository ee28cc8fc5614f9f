using System.Text.Encodings.Web;
using System.Text.Json;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Store;

namespace Nvsdk.Core.LockFile;

/// <summary>
/// Writes a lock in the shape docs/lock-file.md describes, key order included, indented two spaces with a
/// final newline, so that parsing a lock and writing it back reproduces a lock written by hand in that shape.
/// Optional keys are written only when they say something: an artifact's own `version` when it differs from
/// its component's, `unpinned` with a null digest, `cudaMajor` and `provides` when present.
/// </summary>
public static class LockFileWriter
{
    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        IndentSize = 2,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static byte[] Write(LockFile lockFile)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writer.WriteNumber("lockVersion", lockFile.LockVersion);
            writer.WriteStartObject("sdk");
            writer.WriteString("cuda", lockFile.CudaVersion);
            if (lockFile.DriverVersion is { } driver)
            {
                writer.WriteString("driver", driver);
            }

            writer.WriteEndObject();
            WriteStrings(writer, "systems", lockFile.Systems.Select(s => s.Name));
            writer.WriteStartArray("components");
            foreach (var component in lockFile.Components)
            {
                WriteComponent(writer, component);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    /// <summary>Replaces the lock file at <paramref name="path"/> atomically: readers see the old lock or the new one.</summary>
    public static void WriteFile(string path, LockFile lockFile) => NvsdkStore.WriteAtomically(Path.GetFullPath(path), Write(lockFile));

    private static void WriteComponent(Utf8JsonWriter writer, Component component)
    {
        writer.WriteStartObject();
        writer.WriteString("name", component.Id.Name);
        writer.WriteString("version", component.Version);
        writer.WriteString("license", component.License);
        if (component.CudaMajor is { } major)
        {
            writer.WriteNumber("cudaMajor", major);
        }

        if (component.Provides.Count > 0)
        {
            WriteStrings(writer, "provides", component.Provides);
        }

        writer.WriteStartArray("artifacts");
        foreach (var artifact in component.Artifacts)
        {
            WriteArtifact(writer, artifact, component.Version);
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteArtifact(Utf8JsonWriter writer, Artifact artifact, string componentVersion)
    {
        writer.WriteStartObject();
        writer.WriteString("file", artifact.FileName);
        if (!string.Equals(artifact.Version, componentVersion, StringComparison.Ordinal))
        {
            writer.WriteString("version", artifact.Version);
        }

        WriteStrings(writer, "systems", artifact.Systems.Select(s => s.Name));
        writer.WriteString("format", artifact.Format.ToLockName());
        if (artifact.Sha256 is { } digest)
        {
            writer.WriteString("sha256", digest.Hex);
        }
        else
        {
            writer.WriteNull("sha256");
        }

        if (artifact.UnpinnedReason is { } reason)
        {
            writer.WriteString("unpinned", reason);
        }

        if (artifact.Size is { } size)
        {
            writer.WriteNumber("size", size);
        }
        else
        {
            writer.WriteNull("size");
        }

        writer.WriteStartArray("sources");
        foreach (var source in artifact.Sources)
        {
            writer.WriteStartObject();
            writer.WriteString("url", source.Url.OriginalString);
            writer.WriteString("role", source.Role == SourceRole.Mirror ? "mirror" : "upstream");
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
