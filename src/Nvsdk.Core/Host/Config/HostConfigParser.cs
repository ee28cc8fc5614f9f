using System.Globalization;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Gpu.Cuda;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace Nvsdk.Core.Host.Config;

/// <summary>
/// Reads host.toml with a real TOML 1.0 parser (Tomlyn's syntax tree: no reflection, AOT-safe), so everything TOML
/// allows works (literal strings, dotted keys, inline tables) and everything it forbids (a table twice) fails. Then the
/// options are checked: an unknown key or a wrong type is an error naming the line and, for a misspelt key, the likely one.
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
        ["container.graphics"] = typeof(bool),
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
        // Syntax first (with the parser's own words), then our checks on keys and types, then TOML's semantic rules.
        var document = ParseSyntax(path, text, validate: false);
        ThrowOnErrors(path, document);
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var kv in document.KeyValues)
        {
            Visit(path, string.Empty, kv, values);
        }

        foreach (var table in document.Tables)
        {
            var name = KeyText(table.Name!);
            if (table is TableArraySyntax || name is not ("driver" or "container" or "gpu"))
            {
                throw Error(path, Line(table), $"unknown table [{name}]{Suggest(name + ".")}; host.toml has [driver], [container] and [gpu]");
            }

            foreach (var kv in table.Items)
            {
                Visit(path, name + ".", kv, values);
            }
        }

        ThrowOnErrors(path, ParseSyntax(path, text, validate: true));
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
            ContainerGraphics = Get("container.graphics", defaults.ContainerGraphics),
            GpuArchitectures = Get("gpu.architectures", Array.Empty<string>()).Select(ComputeCapabilityOf).ToList(),
            AcceptLicenses = Get("acceptLicenses", Array.Empty<string>()),
        };

        ComputeCapability ComputeCapabilityOf(string text) => ComputeCapability.TryParse(text, out var cc)
            ? cc
            : throw new UsageException($"{path}: gpu.architectures holds \"{text}\", which is not a compute capability", "write them as CMake does (\"90\"), as PyTorch does (\"9.0\") or as nvcc does (\"sm_90\")");
    }

    /// <summary>One key = value (an inline table's keys taken one by one), checked against the options.</summary>
    private static void Visit(string path, string prefix, KeyValueSyntax kv, Dictionary<string, object> values)
    {
        var full = prefix + KeyText(kv.Key!);
        if (kv.Value is InlineTableSyntax inline)
        {
            foreach (var item in inline.Items)
            {
                Visit(path, full + ".", item.KeyValue!, values);
            }

            return;
        }

        if (!Keys.TryGetValue(full, out var type))
        {
            throw Error(path, Line(kv), $"unknown option '{full}'{Suggest(full)}");
        }

        if (!values.TryAdd(full, ParseValue(path, Line(kv), full, type, kv.Value!)))
        {
            throw Error(path, Line(kv), $"'{full}' is set twice");
        }
    }

    private static object ParseValue(string path, int line, string key, Type type, ValueSyntax value)
    {
        if (type == typeof(string[]))
        {
            return ParseStrings(path, line, key, value);
        }

        if (type == typeof(bool))
        {
            return value is BooleanValueSyntax b ? b.Value : throw Error(path, line, $"'{key}' takes true or false, not {value.ToString().Trim()}");
        }

        if (value is StringValueSyntax { Value: { } s })
        {
            if (key == "driver.package" && !IsDriverPackage(s))
            {
                throw Error(path, line, $"driver.package \"{s}\" is not \"latest\", a branch such as \"590\" or a version such as \"590.44.01\"");
            }

            return s;
        }

        throw Error(path, line, $"'{key}' takes a quoted string, e.g. \"590\"");
    }

    /// <summary>An array of strings; acceptLicenses also takes true (every licence) or false.</summary>
    private static string[] ParseStrings(string path, int line, string key, ValueSyntax value)
    {
        if (key == "acceptLicenses" && value is BooleanValueSyntax b)
        {
            return b.Value ? [AcceptAll] : [];
        }

        if (value is not ArraySyntax array)
        {
            throw Error(path, line, $"'{key}' takes a list of quoted strings, e.g. [\"90\"]");
        }

        return array.Items.Select(item => item.Value is StringValueSyntax { Value: { } s }
            ? s
            : throw Error(path, line, $"'{key}' holds {item.Value?.ToString().Trim()}, which is not a quoted string")).ToArray();
    }

    /// <summary>"driver.open" from a key's parts (bare or quoted).</summary>
    private static string KeyText(KeySyntax key)
    {
        var parts = new List<string> { Part(key.Key) };
        foreach (var dotted in key.DotKeys)
        {
            parts.Add(Part(dotted.Key));
        }

        return string.Join('.', parts);

        static string Part(BareKeyOrStringValueSyntax? part) => part switch
        {
            BareKeySyntax bare => bare.Key?.Text ?? string.Empty,
            StringValueSyntax quoted => quoted.Value ?? string.Empty,
            _ => string.Empty,
        };
    }

    /// <summary>
    /// Tomlyn's parser, with the one failure it throws instead of reporting: a file that ends inside a string's
    /// escape (`a = "x\`) makes its lexer format an invalid character and throw ArgumentOutOfRangeException.
    /// </summary>
    private static DocumentSyntax ParseSyntax(string path, string text, bool validate)
    {
        try
        {
            return SyntaxParser.Parse(text, path, validate);
        }
        catch (ArgumentException)
        {
            var lastLine = text.Count(c => c == '\n') + 1;
            throw Error(path, lastLine, "not valid TOML: the file ends inside a string or its escape sequence (close the \"quoted string\")");
        }
    }

    private static void ThrowOnErrors(string path, DocumentSyntax document)
    {
        foreach (var message in document.Diagnostics)
        {
            if (message.Kind == DiagnosticMessageKind.Error)
            {
                throw Error(path, message.Span.Start.Line + 1, $"not valid TOML: {message.Message} (host.toml holds `key = value` lines: true or false, \"quoted strings\")");
            }
        }
    }

    private static int Line(SyntaxNodeBase node) => node.Span.Start.Line + 1;

    private static bool IsDriverPackage(string s) =>
        s == "latest" || (s.Split('.') is { Length: >= 1 and <= 3 } parts && parts.All(p => p.Length > 0 && p.All(char.IsAsciiDigit)));

    /// <summary>"; did you mean 'systemPackages'?" for a key within two edits of a known one.</summary>
    private static string Suggest(string key)
    {
        var best = Keys.Keys.Select(k => (k, d: Primitives.EditDistance.Between(key.ToLowerInvariant(), k.ToLowerInvariant()))).MinBy(x => x.d);
        return best.d <= 3 ? $"; did you mean '{best.k}'?" : string.Empty;
    }

    private static UsageException Error(string path, int line, string message) =>
        new($"{path}:{line.ToString(CultureInfo.InvariantCulture)}: {message}", "the options and their defaults are in examples/server.toml");
}
