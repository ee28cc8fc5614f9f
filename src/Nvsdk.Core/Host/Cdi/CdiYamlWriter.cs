using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Nvsdk.Core.Host.Cdi;

/// <summary>
/// Writes a <see cref="CdiSpec"/> as block-style YAML by hand (no reflection, AOT-safe), in the layout nvidia-ctk
/// uses. Empty lists are left out; a scalar is written plain only when it cannot be read as anything but that
/// string, otherwise double-quoted.
/// </summary>
internal static partial class CdiYamlWriter
{
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    };

    public static string Write(CdiSpec spec, IEnumerable<string> headerComments)
    {
        var w = new StringBuilder();
        foreach (var line in headerComments)
        {
            w.Append("# ").Append(line).Append('\n');
        }

        w.Append("---\n");
        w.Append("cdiVersion: ").Append(Scalar(spec.CdiVersion)).Append('\n');
        w.Append("kind: ").Append(Scalar(spec.Kind)).Append('\n');
        w.Append("devices:\n");
        foreach (var device in spec.Devices)
        {
            w.Append("- name: ").Append(Scalar(device.Name)).Append('\n');
            w.Append("  containerEdits:");
            WriteEdits(w, device.ContainerEdits, "    ");
        }

        if (!IsEmpty(spec.ContainerEdits))
        {
            w.Append("containerEdits:");
            WriteEdits(w, spec.ContainerEdits, "  ");
        }

        return w.ToString();
    }

    /// <summary>The scalar as YAML: plain when unambiguous, else double-quoted with escapes.</summary>
    public static string Scalar(string value)
    {
        if (PlainSafe().IsMatch(value) && !Reserved.Contains(value))
        {
            return value;
        }

        var q = new StringBuilder("\"");
        foreach (var c in value)
        {
            _ = c switch
            {
                '"' => q.Append("\\\""),
                '\\' => q.Append("\\\\"),
                '\n' => q.Append("\\n"),
                '\t' => q.Append("\\t"),
                < ' ' or '\u007f' => q.Append(CultureInfo.InvariantCulture, $"\\x{(int)c:x2}"),
                _ => q.Append(c),
            };
        }

        return q.Append('"').ToString();
    }

    private static bool IsEmpty(CdiContainerEdits e) =>
        e.Env.Count == 0 && e.DeviceNodes.Count == 0 && e.Hooks.Count == 0 && e.Mounts.Count == 0;

    /// <summary>Writes the edits' fields under a key already written (without its newline).</summary>
    private static void WriteEdits(StringBuilder w, CdiContainerEdits edits, string indent)
    {
        if (IsEmpty(edits))
        {
            w.Append(" {}\n");
            return;
        }

        w.Append('\n');
        if (edits.Env.Count > 0)
        {
            w.Append(indent).Append("env:\n");
            WriteList(w, edits.Env, indent);
        }

        if (edits.DeviceNodes.Count > 0)
        {
            w.Append(indent).Append("deviceNodes:\n");
            foreach (var node in edits.DeviceNodes)
            {
                w.Append(indent).Append("- path: ").Append(Scalar(node.Path)).Append('\n');
                if (node.HostPath is not null)
                {
                    w.Append(indent).Append("  hostPath: ").Append(Scalar(node.HostPath)).Append('\n');
                }
            }
        }

        if (edits.Hooks.Count > 0)
        {
            w.Append(indent).Append("hooks:\n");
            foreach (var hook in edits.Hooks)
            {
                w.Append(indent).Append("- hookName: ").Append(Scalar(hook.HookName)).Append('\n');
                w.Append(indent).Append("  path: ").Append(Scalar(hook.Path)).Append('\n');
                if (hook.Args.Count > 0)
                {
                    w.Append(indent).Append("  args:\n");
                    WriteList(w, hook.Args, indent + "  ");
                }
            }
        }

        if (edits.Mounts.Count > 0)
        {
            w.Append(indent).Append("mounts:\n");
            foreach (var mount in edits.Mounts)
            {
                w.Append(indent).Append("- hostPath: ").Append(Scalar(mount.HostPath)).Append('\n');
                w.Append(indent).Append("  containerPath: ").Append(Scalar(mount.ContainerPath)).Append('\n');
                if (mount.Options.Count > 0)
                {
                    w.Append(indent).Append("  options:\n");
                    WriteList(w, mount.Options, indent + "  ");
                }
            }
        }
    }

    private static void WriteList(StringBuilder w, IEnumerable<string> items, string indent)
    {
        foreach (var item in items)
        {
            w.Append(indent).Append("- ").Append(Scalar(item)).Append('\n');
        }
    }

    /// <summary>
    /// Starts with a letter, "/", "_" or dashes then a letter ("--folder"), never a digit, sign or dot, so no number,
    /// version or date can be misread; then only characters that never start YAML syntax inside a block scalar.
    /// </summary>
    [GeneratedRegex(@"^(?:-+[A-Za-z]|[A-Za-z/_])[A-Za-z0-9/_.=+@,-]*$")]
    private static partial Regex PlainSafe();
}
