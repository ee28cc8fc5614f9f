using System.Net.Http.Headers;
using System.Text;

namespace Nvsdk.Testing.Oci;

/// <summary>A registry user, as skopeo's --src-creds/--dest-creds and an HTTP Basic header take it.</summary>
public sealed record RegistryCredentials(string Username, string Password)
{
    /// <summary>"user:pass", skopeo's --creds form.</summary>
    public string SkopeoForm => $"{Username}:{Password}";

    public AuthenticationHeaderValue BasicHeader => new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(SkopeoForm)));
}
