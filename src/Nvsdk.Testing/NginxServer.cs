using System.Diagnostics;
using System.Globalization;

namespace Nvsdk.Testing;

/// <summary>
/// A real Debian nginx on a free loopback port, serving one folder under several locations:
/// <c>/mirror/</c> and <c>/upstream/</c> (plain), <c>/index/</c> (with nginx's own folder listings, like
/// NVIDIA's redist index pages), <c>/slow/</c> (rate-limited, for kill and concurrency tests),
/// <c>/missing/</c> (404) and <c>/broken/</c> (500). Its access log records every request for counting.
/// </summary>
public sealed class NginxServer : IDisposable
{
    private readonly Process process;
    private readonly TempDir prefix;

    private NginxServer(Process process, TempDir prefix, int port)
    {
        this.process = process;
        this.prefix = prefix;
        Port = port;
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public string AccessLog => prefix.Combine("access.log");

    /// <summary>
    /// With <paramref name="slowRegistry"/> (host:port) nginx also proxies /v2/ to that registry at the slow rate: a
    /// registry that trickles, for stopping pulls mid-blob.
    /// </summary>
    public static async Task<NginxServer> StartAsync(string servedRoot, int slowBytesPerSecond = 256 * 1024, string? slowRegistry = null)
    {
        var nginx = ProcessRunner.Require("nginx", "nginx-light");
        for (var attempt = 0; ; attempt++)
        {
            var prefix = new TempDir("nvsdk-nginx-");
            var port = LoopbackProcess.FreePort();
            var conf = prefix.Combine("nginx.conf");
            await File.WriteAllTextAsync(conf, Config(prefix.Path, Path.GetFullPath(servedRoot), port, slowBytesPerSecond, slowRegistry));
            var process = ProcessRunner.Start(nginx, ["-p", prefix.Path, "-c", conf, "-e", prefix.Combine("error.log")]);
            if (await LoopbackProcess.WaitForPortAsync(port, process, 100))
            {
                return new NginxServer(process, prefix, port);
            }

            var error = File.Exists(prefix.Combine("error.log")) ? await File.ReadAllTextAsync(prefix.Combine("error.log")) : string.Empty;
            LoopbackProcess.Stop(process);
            prefix.Dispose();
            if (attempt >= 2)
            {
                throw new InvalidOperationException($"nginx did not start: {error}");
            }
        }
    }

    private static string Config(string prefix, string root, int port, int slowRate, string? slowRegistry)
    {
        // As root, nginx workers default to 'nobody', who cannot read a 0700 temp folder.
        var user = Environment.UserName == "root" ? "user root;" : string.Empty;
        var rate = slowRate.ToString(CultureInfo.InvariantCulture);
        var registry = slowRegistry is null
            ? string.Empty
            : $"location /v2/ {{ proxy_pass http://{slowRegistry}; proxy_set_header Host $http_host; proxy_limit_rate {rate}; limit_rate {rate}; }}";
        return $$"""
            {{user}}
            daemon off;
            worker_processes 2;
            pid {{prefix}}/nginx.pid;
            error_log {{prefix}}/error.log warn;
            events { worker_connections 512; }
            http {
                log_format counted '$request_method $uri $status $body_bytes_sent "$http_range"';
                access_log {{prefix}}/access.log counted;
                client_body_temp_path {{prefix}}/client_body;
                proxy_temp_path {{prefix}}/proxy;
                fastcgi_temp_path {{prefix}}/fastcgi;
                uwsgi_temp_path {{prefix}}/uwsgi;
                scgi_temp_path {{prefix}}/scgi;
                default_type application/octet-stream;
                sendfile on;
                server {
                    listen 127.0.0.1:{{port}};
                    location /mirror/ { alias {{root}}/; }
                    location /upstream/ { alias {{root}}/; }
                    location /slow/ { alias {{root}}/; limit_rate {{rate}}; autoindex on; }
                    location /index/ { alias {{root}}/; autoindex on; }
                    location /missing/ { return 404; }
                    location /broken/ { return 500; }
                    {{registry}}
                }
            }
            """;
    }

    /// <summary>Parsed access log lines: method, path, status, body bytes sent, Range header.</summary>
    public IReadOnlyList<AccessLogLine> ReadAccessLog()
    {
        if (!File.Exists(AccessLog))
        {
            return [];
        }

        using var stream = new FileStream(AccessLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        var lines = new List<AccessLogLine>();
        while (reader.ReadLine() is { } line)
        {
            var parts = line.Split(' ', 5);
            if (parts.Length == 5)
            {
                lines.Add(new AccessLogLine(parts[0], parts[1], int.Parse(parts[2], CultureInfo.InvariantCulture), long.Parse(parts[3], CultureInfo.InvariantCulture), parts[4].Trim('"')));
            }
        }

        return lines;
    }




    public void Dispose()
    {
        LoopbackProcess.Stop(process);
        process.Dispose();
        prefix.Dispose();
    }
}

public sealed record AccessLogLine(string Method, string Path, int Status, long BytesSent, string Range);
