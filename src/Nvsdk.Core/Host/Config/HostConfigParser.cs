using System.Globalization;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Gpu.Cuda;

namespace Nvsdk.Core.Host.Config;

/// <summary>
/// Reads host.toml. The file is a handful of keys, so this reads the TOML subset they need (comments,
/// [driver]/[container]/[gpu] tables, dotted keys, booleans, strings, one-line arrays of strings) and nothing else: anything outside it,
/// an unknown key or a wrong type is an error naming the line and, for a misspelt key, the likely one.
/// </summary>
public static class HostConfigParser
{
    /// <summary>What <c>acceptLicenses = true</c> reads as: every licence.</summary>
    public const string AcceptAll = "all";

    private static readonly Dictionary<string, Type> Keys = new(StringComparer.Ordinal)
    {
        ["enable"] = typeof(bool),
        ["systemPackages"] = typeof(bool),
        ["monitoring"] = typeof(bool),
        ["persistenced"] = typeof(bool),
        ["driver.package"] = typeof(string),
        ["driver.open"] = typeof(bool),
        ["container.enable"] = typeof(bool),
        ["gpu.architectures"] = typeof(string[]),
        ["acceptLicenses"] = typeof(string[]),
    };

    public static HostConfig Load(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {path}: {e.Message}", "write it (see examples/server.toml) or pass --config FILE");
        }

        return Parse(path, text);
    }

    public static HostConfig Parse(string path, string text)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        var table = string.Empty;
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = StripComment(raw).Trim();
            if (line.Length == 0)
            {
                continue;
            }

            if (line.StartsWith('['))
            {
                if (!line.EndsWith(']') || line.StartsWith("[[", StringComparison.Ordinal))
                {
                    throw Error(path, lineNumber, $"'{line}' is not a table header like [driver]");
                }

                table = line[1..^1].Trim();
                if (table is not ("driver" or "container" or "gpu"))
                {
                    throw Error(path, lineNumber, $"unknown table [{table}]{Suggest(table + ".")}; host.toml has [driver], [container] and [gpu]");
                }

                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw Error(path, lineNumber, $"expected `key = value`, found '{line}'");
            }

            var key = line[..eq].Trim().Trim('"');
            var full = table.Length > 0 ? $"{table}.{key}" : key;
            if (!Keys.TryGetValue(full, out var type))
            {
                throw Error(path, lineNumber, $"unknown option '{full}'{Suggest(full)}");
            }

            if (!values.TryAdd(full, ParseValue(path, lineNumber, full, type, line[(eq + 1)..].Trim())))
            {
                throw Error(path, lineNumber, $"'{full}' is set twice");
            }
        }

        var defaults = new HostConfig();
        T Get<T>(string key, T fallback) => values.TryGetValue(key, out var v) ? (T)v : fallback;
        return new HostConfig
        {
            Enable = Get("enable", defaults.Enable),
            SystemPackages = Get("systemPackages", defaults.SystemPackages),
            Monitoring = Get("monitoring", defaults.Monitoring),
            Persistenced = Get("persistenced", defaults.Persistenced),
            DriverPackage = Get("driver.package", defaults.DriverPackage),
            DriverOpen = Get("driver.open", defaults.DriverOpen),
            ContainerEnable = Get("container.enable", defaults.ContainerEnable),
            GpuArchitectures = Get("gpu.architectures", Array.Empty<string>()).Select(ComputeCapabilityOf).ToList(),
            AcceptLicenses = Get("acceptLicenses", Array.Empty<string>()),
        };

        ComputeCapability ComputeCapabilityOf(string text) => ComputeCapability.TryParse(text, out var cc)
            ? cc
            : throw new UsageException($"{path}: gpu.architectures holds \"{text}\", which is not a compute capability", "write them as CMake does (\"90\"), as PyTorch does (\"9.0\") or as nvcc does (\"sm_90\")");
    }

    private static object ParseValue(string path, int line, string key, Type type, string value)
    {
        if (type == typeof(string[]))
        {
            return ParseStrings(path, line, key, value);
        }

        if (type == typeof(bool))
        {
            return value switch
            {
                "true" => true,
                "false" => false,
                _ => throw Error(path, line, $"'{key}' takes true or false, not {value}"),
            };
        }

        if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
        {
            var s = value[1..^1];
            if (key == "driver.package" && !IsDriverPackage(s))
            {
                throw Error(path, line, $"driver.package \"{s}\" is not \"latest\", a branch such as \"590\" or a version such as \"590.44.01\"");
            }

            return s;
        }

        throw Error(path, line, $"'{key}' takes a quoted string, e.g. \"590\"");
    }

    /// <summary>A one-line array of quoted strings; acceptLicenses also takes true (every licence) or false.</summary>
    private static string[] ParseStrings(string path, int line, string key, string value)
    {
        if (key == "acceptLicenses" && value is "true" or "false")
        {
            return value == "true" ? [AcceptAll] : [];
        }

        if (value.Length < 2 || value[0] != '[' || value[^1] != ']')
        {
            throw Error(path, line, $"'{key}' takes a list of quoted strings on one line, e.g. [\"90\"]");
        }

        var items = value[1..^1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return items.Select(item => item.Length >= 2 && item[0] == '"' && item[^1] == '"' && !item[1..^1].Contains('"', StringComparison.Ordinal)
            ? item[1..^1]
            : throw Error(path, line, $"'{key}' holds {item}, which is not a quoted string")).ToArray();
    }

    private static bool IsDriverPackage(string s) =>
        s == "latest" || (s.Split('.') is { Length: >= 1 and <= 3 } parts && parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit)));

    private static string StripComment(string line)
    {
        var inString = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                inString = !inString;
            }
            else if (line[i] == '#' && !inString)
            {
                return line[..i];
            }
        }

        return line.TrimEnd('\r');
    }

    /// <summary>"; did you mean 'systemPackages'?" for a key within two edits of a known one.</summary>
    private static string Suggest(string key)
    {
        var best = Keys.Keys.Select(k => (k, d: Distance(key.ToLowerInvariant(), k.ToLowerInvariant()))).MinBy(x => x.d);
        return best.d <= 3 ? $"; did you mean '{best.k}'?" : string.Empty;
    }

    private static int Distance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }
        }

        return d[a.Length, b.Length];
    }

    private static UsageException Error(string path, int line, string message) =>
        new($"{path}:{line.ToString(CultureInfo.InvariantCulture)}: {message}", "the options and their defaults are in examples/server.toml");
}
