using System.Diagnostics;

namespace Nvsdk.Testing;

/// <summary>
/// A real S3-compatible server on a free loopback port: the npm package s3rver (`npm install -g s3rver@3.7.1`,
/// or NVSDK_S3RVER naming its executable). It keeps objects and their x-amz-meta-* metadata in a folder,
/// serves path-style URLs, and answers anonymous GETs, so an installer can read what a sync wrote.
/// It accepts the key pair S3RVER/S3RVER; it parses SigV4 headers but does not check the signature.
/// </summary>
public sealed class S3rverServer : IDisposable
{
    public const string AccessKeyId = "S3RVER";
    public const string SecretAccessKey = "S3RVER";

    private readonly Process process;
    private readonly TempDir data;

    private S3rverServer(Process process, TempDir data, int port, string bucket)
    {
        this.process = process;
        this.data = data;
        Port = port;
        Bucket = bucket;
    }

    public int Port { get; }

    public string Bucket { get; }

    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>The s3rver executable, or null (tests then skip, saying how to install it).</summary>
    public static string? Executable =>
        Environment.GetEnvironmentVariable("NVSDK_S3RVER") is { Length: > 0 } configured && File.Exists(configured)
            ? configured
            : ProcessRunner.Which("s3rver");

    public const string MissingReason = "s3rver is not installed: npm install -g s3rver@3.7.1 (scripts/deps.sh), or set NVSDK_S3RVER";

    public static async Task<S3rverServer> StartAsync(string bucket = "nvsdk-mirror")
    {
        var executable = Executable ?? throw new InvalidOperationException(MissingReason);
        for (var attempt = 0; ; attempt++)
        {
            var data = new TempDir("nvsdk-s3rver-");
            var port = LoopbackProcess.FreePort();
            var process = ProcessRunner.Start(executable, ["-d", data.Path, "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--address", "127.0.0.1", "--silent", "--configure-bucket", bucket]);
            if (await LoopbackProcess.WaitForPortAsync(port, process, 200))
            {
                return new S3rverServer(process, data, port, bucket);
            }

            var error = process.HasExited ? await process.StandardError.ReadToEndAsync() : string.Empty;
            LoopbackProcess.Stop(process);
            data.Dispose();
            if (attempt >= 2)
            {
                throw new InvalidOperationException($"s3rver did not start: {error}");
            }
        }
    }

    public void Dispose()
    {
        LoopbackProcess.Stop(process);
        process.Dispose();
        data.Dispose();
    }
}
