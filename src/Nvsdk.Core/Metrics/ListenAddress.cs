using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using Nvsdk.Core.Errors;

namespace Nvsdk.Core.Metrics;

/// <summary>
/// Where the exporter listens: an IP address and a port, parsed strictly from `HOST:PORT` (`127.0.0.1:9400`,
/// `0.0.0.0:9400`, `[::1]:9400`, `localhost:9400`, or `:9400` for every IPv4 address as dcgm-exporter
/// spells it). Port 0 asks the kernel for a free one.
/// </summary>
public readonly record struct ListenAddress(IPAddress Address, int Port)
{
    public static ListenAddress Parse(string text) =>
        TryParse(text, out var address, out var why)
            ? address
            : throw new UsageException($"--listen '{text}': {why}", "use HOST:PORT with an IP address, e.g. 127.0.0.1:9400 or 0.0.0.0:9400");

    public static bool TryParse(string? text, out ListenAddress address) => TryParse(text, out address, out _);

    private static bool TryParse(string? text, out ListenAddress address, [NotNullWhen(false)] out string? why)
    {
        address = default;
        var colon = text?.LastIndexOf(':') ?? -1;
        if (text is null || colon < 0)
        {
            why = "expected HOST:PORT";
            return false;
        }

        var host = text[..colon];
        var portText = text[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            why = $"'{portText}' is not a port (0-65535)";
            return false;
        }

        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            why = "an IPv6 address goes in brackets, e.g. [::1]:9400";
            return false;
        }

        IPAddress? ip = host switch
        {
            "" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.TryParse(host, out var parsed) ? parsed : null,
        };
        if (ip is null)
        {
            why = $"'{host}' is not an IP address";
            return false;
        }

        address = new ListenAddress(ip, port);
        why = null;
        return true;
    }

    public override string ToString() =>
        Address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? string.Create(CultureInfo.InvariantCulture, $"[{Address}]:{Port}")
            : string.Create(CultureInfo.InvariantCulture, $"{Address}:{Port}");
}
