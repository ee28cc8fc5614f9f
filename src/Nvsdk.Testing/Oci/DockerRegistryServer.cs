using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;

namespace Nvsdk.Testing.Oci;

/// <summary>
/// A real OCI distribution registry on a free loopback port: Debian's docker-registry 2.8
/// (`docker-registry serve CONFIG`, or NVSDK_DOCKER_REGISTRY naming the executable), storing blobs and
/// manifests in a temp folder, deletes enabled. Anonymous, or with htpasswd basic auth over plain HTTP
/// (<see cref="Credentials"/>), which answers 401 with <c>WWW-Authenticate: Basic realm=…</c>, not a token
/// challenge.
/// </summary>
/// <example>
/// <code>
/// using var registry = await DockerRegistryServer.StartAsync(withAuth: true);
/// await Skopeo.CopyToRegistryAsync(layout.Directory, "v1", registry, "nvsdk/cuda", "v1");
/// File.WriteAllText(registry.BlobPath(image.Layers[0].Blob.Digest), "corrupt");
/// </code>
/// </example>
public sealed class DockerRegistryServer : IDisposable
{
    public const string MissingReason = "docker-registry is not installed: apt-get install docker-registry (scripts/deps.sh), or set NVSDK_DOCKER_REGISTRY";

    private const int LogLinesKept = 200;

    private readonly Process process;
    private readonly TempDir root;
    private readonly ConcurrentQueue<string> log;

    private DockerRegistryServer(Process process, TempDir root, ConcurrentQueue<string> log, int port, bool withAuth)
    {
        this.process = process;
        this.root = root;
        this.log = log;
        Port = port;
        Credentials = withAuth ? DockerRegistryConfig.Credentials : null;
    }

    /// <summary>The docker-registry executable, or null (tests then skip with <see cref="MissingReason"/>).</summary>
    public static string? Executable =>
        Environment.GetEnvironmentVariable("NVSDK_DOCKER_REGISTRY") is { Length: > 0 } configured && File.Exists(configured)
            ? configured
            : ProcessRunner.Which("docker-registry");

    public int Port { get; }

    /// <summary>"127.0.0.1:PORT", the registry part of an image reference (docker://HOST/REPO:TAG).</summary>
    public string Host => $"127.0.0.1:{Port}";

    /// <summary>http://127.0.0.1:PORT/ ; the API lives under /v2/.</summary>
    public Uri BaseUri => new($"http://{Host}/");

    /// <summary>The user the registry accepts when started with auth; null for an anonymous registry.</summary>
    public RegistryCredentials? Credentials { get; }

    public string? Username => Credentials?.Username;

    public string? Password => Credentials?.Password;

    public string Realm => DockerRegistryConfig.Realm;

    /// <summary>The registry's storage root (filesystem driver's rootdirectory).</summary>
    public string StorageDir => root.Combine("storage");

    /// <summary>The registry's recent stderr (warnings and errors), for assertion messages.</summary>
    public string Log => string.Join('\n', log);

    public static async Task<DockerRegistryServer> StartAsync(bool withAuth = false, RegistryTokenAuth? token = null)
    {
        var executable = Executable ?? throw new InvalidOperationException(MissingReason);
        for (var attempt = 0; ; attempt++)
        {
            var root = new TempDir("nvsdk-registry-");
            var port = LoopbackProcess.FreePort();
            string? htpasswd = null;
            if (withAuth)
            {
                htpasswd = root.Combine("htpasswd");
                await File.WriteAllTextAsync(htpasswd, DockerRegistryConfig.HtpasswdLine + "\n");
            }

            var config = root.Combine("config.yml");
            var instance = Guid.NewGuid().ToString("N");
            await File.WriteAllTextAsync(config, DockerRegistryConfig.Yaml(root.Combine("storage"), port, htpasswd, instance, token));
            var log = new ConcurrentQueue<string>();
            var process = ProcessRunner.Start(executable, ["serve", config]);
            Drain(process, log);
            if (await WaitReadyAsync(port, process, instance))
            {
                return new DockerRegistryServer(process, root, log, port, withAuth);
            }

            LoopbackProcess.Stop(process);
            process.Dispose();
            root.Dispose();
            if (attempt >= 2)
            {
                throw new InvalidOperationException($"docker-registry did not start:\n{string.Join('\n', log)}");
            }
        }
    }

    /// <summary>
    /// Where the registry keeps the blob <paramref name="digest"/> ("sha256:…"):
    /// docker/registry/v2/blobs/sha256/&lt;first two hex&gt;/&lt;hex&gt;/data. Overwrite it to serve corrupt bytes.
    /// </summary>
    public string BlobPath(string digest)
    {
        const string prefix = "sha256:";
        if (!digest.StartsWith(prefix, StringComparison.Ordinal) || digest.Length != prefix.Length + 64)
        {
            throw new ArgumentException($"not a sha256 digest: {digest}", nameof(digest));
        }

        var hex = digest[prefix.Length..];
        return Path.Combine(StorageDir, "docker", "registry", "v2", "blobs", "sha256", hex[..2], hex, "data");
    }

    /// <summary>An HttpClient on <see cref="BaseUri"/>, sending basic auth when the registry wants it.</summary>
    public HttpClient CreateClient()
    {
        var http = new HttpClient { BaseAddress = BaseUri };
        if (Credentials is not null)
        {
            http.DefaultRequestHeaders.Authorization = Credentials.BasicHeader;
        }

        return http;
    }

    public void Dispose()
    {
        LoopbackProcess.Stop(process);
        process.Dispose();
        root.Dispose();
    }

    /// <summary>
    /// Reads stdout and stderr as they come: the registry logs every refused credential, and an unread pipe
    /// would fill and stall it mid-test. Keeps the last lines for error messages.
    /// </summary>
    private static void Drain(Process process, ConcurrentQueue<string> log)
    {
        void Keep(object sender, DataReceivedEventArgs e)
        {
            if (e.Data is null)
            {
                return;
            }

            log.Enqueue(e.Data);
            while (log.Count > LogLinesKept && log.TryDequeue(out _))
            {
            }
        }

        process.OutputDataReceived += Keep;
        process.ErrorDataReceived += Keep;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>
    /// Ready once GET /v2/ answers 200 (anonymous) or 401 (auth) with this start's instance header; polls for
    /// up to 15 s while the process lives.
    /// </summary>
    private static async Task<bool> WaitReadyAsync(int port, Process process, string instance)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var probe = new Uri($"http://127.0.0.1:{port}/v2/");
        for (var i = 0; i < 300 && !process.HasExited; i++)
        {
            try
            {
                using var response = await http.GetAsync(probe);
                if (response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Unauthorized
                    && response.Headers.TryGetValues(DockerRegistryConfig.InstanceHeader, out var ids) && ids.Contains(instance))
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(50);
        }

        return false;
    }
}
