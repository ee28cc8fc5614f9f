using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json.Nodes;

namespace Nvsdk.Testing.Oci;

/// <summary>
/// A token service for docker-registry's `auth: token` mode, as Docker Hub, NGC and GHCR run one: GET
/// realm?service=…&amp;scope=repository:NAME:ACTIONS answers a JWT (ES256, the signing certificate in x5c, that
/// certificate in the registry's rootcertbundle). Anonymous callers get pull; callers with the right basic
/// credentials get what they ask. Every request is recorded so tests can see which scopes a client asked for.
/// </summary>
public sealed class RegistryTokenServer : IDisposable
{
    public const string Service = "nvsdk-token-registry";
    public const string Issuer = "nvsdk-test-issuer";

    private readonly HttpListener listener = new();
    private readonly ECDsa key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly X509Certificate2 certificate;
    private readonly CancellationTokenSource stop = new();
    private readonly Task loop;
    private readonly TempDir dir = new("nvsdk-token-");

    private RegistryTokenServer(int port)
    {
        Port = port;
        var request = new CertificateRequest("CN=nvsdk test token issuer", key, HashAlgorithmName.SHA256);
        certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        File.WriteAllText(RootCertBundle, certificate.ExportCertificatePem() + "\n");
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public string Realm => $"http://127.0.0.1:{Port}/token";

    public string RootCertBundle => dir.Combine("root.pem");

    public RegistryCredentials Credentials { get; } = new("nvsdk", "nvsdk-token-secret");

    /// <summary>(scope, whether basic credentials came with it) per token request, in order.</summary>
    public ConcurrentQueue<(string Scope, bool Authenticated)> Requests { get; } = new();

    public RegistryTokenAuth RegistryAuth => new(Realm, Service, Issuer, RootCertBundle);

    public static RegistryTokenServer Start() => new(LoopbackProcess.FreePort());

    private async Task ServeAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpListenerException)
            {
                return;
            }

            Answer(context);
        }
    }

    private void Answer(HttpListenerContext context)
    {
        using var response = context.Response;
        var scope = context.Request.QueryString["scope"] ?? string.Empty;
        var authorization = context.Request.Headers["Authorization"];
        var authenticated = authorization == Credentials.BasicHeader.ToString();
        Requests.Enqueue((scope, authenticated));
        if (authorization is not null && !authenticated)
        {
            response.StatusCode = 401;
            return;
        }

        var access = new JsonArray();
        var parts = scope.Split(':');
        if (parts.Length == 3 && parts[0] == "repository")
        {
            var granted = parts[2].Split(',').Where(a => authenticated || a == "pull").Select(a => (JsonNode)a).ToArray();
            access.Add(new JsonObject { ["type"] = "repository", ["name"] = parts[1], ["actions"] = new JsonArray(granted) });
        }

        var token = Jwt(access, authenticated ? Credentials.Username : string.Empty);
        var body = Encoding.UTF8.GetBytes(new JsonObject { ["token"] = token, ["expires_in"] = 300 }.ToJsonString());
        response.ContentType = "application/json";
        response.OutputStream.Write(body);
    }

    private string Jwt(JsonArray access, string subject)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var header = new JsonObject { ["typ"] = "JWT", ["alg"] = "ES256", ["x5c"] = new JsonArray((JsonNode)Convert.ToBase64String(certificate.RawData)) };
        var claims = new JsonObject
        {
            ["iss"] = Issuer,
            ["sub"] = subject,
            ["aud"] = Service,
            ["exp"] = now + 300,
            ["nbf"] = now - 10,
            ["iat"] = now,
            ["jti"] = Guid.NewGuid().ToString("N"),
            ["access"] = access,
        };
        var signingInput = $"{Base64Url(Encoding.UTF8.GetBytes(header.ToJsonString()))}.{Base64Url(Encoding.UTF8.GetBytes(claims.ToJsonString()))}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signingInput), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{signingInput}.{Base64Url(signature)}";
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public void Dispose()
    {
        stop.Cancel();
        listener.Close();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }

        certificate.Dispose();
        key.Dispose();
        stop.Dispose();
        dir.Dispose();
    }
}
