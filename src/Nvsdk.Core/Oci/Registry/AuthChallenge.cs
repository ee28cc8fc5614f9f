namespace Nvsdk.Core.Oci.Registry;

/// <summary>
/// A parsed WWW-Authenticate header: `Bearer realm="…",service="…",scope="…"` (token auth, Docker Hub, NGC,
/// GHCR) or `Basic realm="…"` (htpasswd registries). Quoted values may contain commas (scopes do).
/// </summary>
public sealed record AuthChallenge(string Scheme, IReadOnlyDictionary<string, string> Parameters)
{
    public string? Realm => Parameters.GetValueOrDefault("realm");

    public string? Service => Parameters.GetValueOrDefault("service");

    public string? Scope => Parameters.GetValueOrDefault("scope");

    public static AuthChallenge? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        header = header.Trim();
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space < 0 ? header : header[..space];
        var parameters = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = space < 0 ? header.Length : space + 1;
        while (i < header.Length)
        {
            while (i < header.Length && (header[i] == ',' || char.IsWhiteSpace(header[i])))
            {
                i++;
            }

            var eq = header.IndexOf('=', i);
            if (eq < 0)
            {
                break;
            }

            var key = header[i..eq].Trim();
            i = eq + 1;
            string value;
            if (i < header.Length && header[i] == '"')
            {
                var end = i + 1;
                var text = new System.Text.StringBuilder();
                while (end < header.Length && header[end] != '"')
                {
                    if (header[end] == '\\' && end + 1 < header.Length)
                    {
                        end++;
                    }

                    text.Append(header[end]);
                    end++;
                }

                value = text.ToString();
                i = end + 1;
            }
            else
            {
                var end = header.IndexOf(',', i);
                end = end < 0 ? header.Length : end;
                value = header[i..end].Trim();
                i = end;
            }

            parameters[key] = value;
        }

        return new AuthChallenge(scheme, parameters);
    }
}
