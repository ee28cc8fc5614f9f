namespace Nvsdk.Testing.Oci;

/// <summary>The config.yml and htpasswd file a <see cref="DockerRegistryServer"/> runs with.</summary>
internal static class DockerRegistryConfig
{
    public const string Realm = "nvsdk-test-registry";

    /// <summary>
    /// A response header carrying a per-start id: the readiness probe checks it, so a registry that lost the
    /// free-port race to a parallel test's registry is not mistaken for ready because that one answered.
    /// </summary>
    public const string InstanceHeader = "X-Nvsdk-Registry-Instance";

    public static readonly RegistryCredentials Credentials = new("nvsdk", "nvsdk-registry-secret");

    /// <summary>
    /// `htpasswd -Bbn nvsdk nvsdk-registry-secret`, made once and kept: bcrypt verifies against any salt, so a
    /// fixed line spares the tests apache2-utils. The registry's htpasswd backend accepts only bcrypt.
    /// </summary>
    public const string HtpasswdLine = "nvsdk:$2y$05$SuHPMR2zmmckqvhtkyIx1OM6M636z6dhByfaLJnF84vj9PaEaMsJe";

    /// <summary>
    /// Plain HTTP on loopback, even with basic auth: registry 2.8 serves htpasswd auth without TLS (Docker's
    /// docs only advise TLS), and skopeo with --*-tls-verify=false falls back to HTTP and still sends the
    /// credentials. An http.secret of its own silences the start-up warning; upload purging and the storage health
    /// check are off so nothing but the tests touches the storage folder; no notifications section, no cache,
    /// so a blob corrupted on disk is served as it is.
    /// </summary>
    public static string Yaml(string storageDir, int port, string? htpasswdPath, string instance, RegistryTokenAuth? token = null)
    {
        var auth = token is not null
            ? $"""
              auth:
                token:
                  realm: {token.Realm}
                  service: {token.Service}
                  issuer: {token.Issuer}
                  rootcertbundle: {token.RootCertBundle}
              """
            : htpasswdPath is null
            ? string.Empty
            : $"""
              auth:
                htpasswd:
                  realm: {Realm}
                  path: {htpasswdPath}
              """;
        return $"""
            version: 0.1
            log:
              level: warn
              formatter: text
              accesslog:
                disabled: true
            storage:
              filesystem:
                rootdirectory: {storageDir}
              delete:
                enabled: true
              maintenance:
                uploadpurging:
                  enabled: false
            http:
              addr: 127.0.0.1:{port}
              secret: nvsdk-test-{Guid.NewGuid():N}
              headers:
                {InstanceHeader}: [{instance}]
            health:
              storagedriver:
                enabled: false
            {auth}
            """;
    }
}

/// <summary>The registry's side of token auth: where tokens come from and whose signatures it accepts.</summary>
public sealed record RegistryTokenAuth(string Realm, string Service, string Issuer, string RootCertBundle);
