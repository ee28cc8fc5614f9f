namespace Nvsdk.Core.Metrics;

/// <summary>
/// The request line and the few headers the exporter's server acts on. Anything it does not need (the rest
/// of the headers, a body) is ignored; a request with a body ends its connection after the response, since
/// the server never reads bodies.
/// </summary>
internal sealed record HttpRequestHead(string Method, string Path, bool KeepAlive, bool HasBody)
{
    /// <summary>Parses the text before the blank line; null when it is not HTTP/1.x.</summary>
    public static HttpRequestHead? Parse(string head)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || parts[0].Length == 0 || parts[1].Length == 0)
        {
            return null;
        }

        var http11 = parts[2] == "HTTP/1.1";
        string? connection = null;
        var hasBody = false;
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                connection = value;
            }
            else if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase)
                || (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) && value != "0"))
            {
                hasBody = true;
            }
        }

        var keepAlive = connection is null
            ? http11
            : !connection.Contains("close", StringComparison.OrdinalIgnoreCase) && (http11 || connection.Contains("keep-alive", StringComparison.OrdinalIgnoreCase));
        var query = parts[1].IndexOfAny(['?', '#']);
        return new HttpRequestHead(parts[0], query < 0 ? parts[1] : parts[1][..query], keepAlive && !hasBody, hasBody);
    }
}
