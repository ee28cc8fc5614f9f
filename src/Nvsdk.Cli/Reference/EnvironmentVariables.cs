namespace Nvsdk.Cli.Reference;

/// <summary>
/// The environment variables nvsdk reads, for the man page. A test reads every variable name the sources of
/// nvsdk and Nvsdk.Core look up and fails when one is missing here, so this list cannot fall behind the code.
/// </summary>
internal static class EnvironmentVariables
{
    public static readonly IReadOnlyList<(string Name, string Meaning)> All =
    [
        ("NVSDK_LOCK", "The lock file when --lock is not given (default ./nvsdk.lock.json)."),
        ("NVSDK_ROOT", "The store root when --root is not given (default /var/lib/nvsdk as root, else $XDG_DATA_HOME/nvsdk)."),
        ("XDG_DATA_HOME", "Where a non-root user's store lives (default ~/.local/share)."),
        ("HOME", "A non-root user's home, under which the default store lives when XDG_DATA_HOME is unset; a missing home is an error naming --root."),
        ("NVSDK_NO_CACHE", "1 or true: install ignores configured binary caches and builds from the sources."),
        ("NVSDK_CACHE_KEY", "The private key file `cache push` signs with when --key is not given."),
        ("NVSDK_REGISTRY_USERNAME", "With NVSDK_REGISTRY_PASSWORD: credentials for every registry, before any credential file."),
        ("NVSDK_REGISTRY_PASSWORD", "The password or token that goes with NVSDK_REGISTRY_USERNAME."),
        ("NGC_API_KEY", "An NGC API key, used as the password ($oauthtoken) for nvcr.io."),
        ("REGISTRY_AUTH_FILE", "A containers-auth.json file to read registry credentials from (as Podman and skopeo do)."),
        ("XDG_RUNTIME_DIR", "Where Podman's containers/auth.json is looked for."),
        ("DOCKER_CONFIG", "The folder of Docker's config.json (default ~/.docker); its auths, credHelpers and credsStore are honoured."),
        ("NVSDK_INSECURE_REGISTRIES", "Comma-separated registry hosts spoken to over plain HTTP (loopback test registries)."),
        ("NVSDK_NGC_REGISTRY", "The registry `update` asks for Triton's tags instead of nvcr.io."),
        ("NVSDK_NVIDIA_BASE", "The base URL `update` reads NVIDIA's redist manifests and listings from instead of developer.download.nvidia.com."),
        ("NVSDK_PYPI_BASE", "The base URL of the PyPI JSON API `update` asks for NCCL."),
        ("NVSDK_GITHUB_API_BASE", "The GitHub API base URL `update` asks for CUTLASS releases."),
        ("NVSDK_GITHUB_BASE", "The GitHub base URL CUTLASS release tarballs are downloaded from."),
        ("UPLOAD_TO_R2", "1, true or yes: `mirror sync` uploads to Cloudflare R2 (with R2_BUCKET and R2_ENDPOINT), as the seed's update script does."),
        ("R2_BUCKET", "The R2 bucket for UPLOAD_TO_R2."),
        ("R2_ENDPOINT", "The R2 endpoint URL for UPLOAD_TO_R2."),
        ("AWS_ACCESS_KEY_ID", "S3 (and R2) credentials for `mirror sync`."),
        ("AWS_SECRET_ACCESS_KEY", "The secret that goes with AWS_ACCESS_KEY_ID."),
        ("AWS_SESSION_TOKEN", "A session token for temporary S3 credentials."),
        ("AWS_ENDPOINT_URL_S3", "The S3 endpoint when --endpoint is not given (before AWS_ENDPOINT_URL)."),
        ("AWS_ENDPOINT_URL", "The S3 endpoint when neither --endpoint nor AWS_ENDPOINT_URL_S3 is given."),
        ("AWS_REGION", "The S3 signing region (then AWS_DEFAULT_REGION; default us-east-1, auto for R2)."),
        ("AWS_DEFAULT_REGION", "The S3 signing region when AWS_REGION is not set."),
        ("CUDA_HOME", "Recorded by `doctor`; where `smoke` looks for NVRTC after the current generation and CUDA_PATH."),
        ("CUDA_PATH", "Recorded by `doctor`; where `smoke` looks for NVRTC after the current generation."),
        ("SUDO_USER", "Recorded with a licence acceptance made through sudo (\"root (via sudo from alice)\"), so the record names the person."),
        ("NODE_NAME", "The node name the exporter labels its metrics with (the DaemonSet sets it); default the host name."),
        ("SHELL", "The shell `nvsdk shell` starts when no command is given (default /bin/sh)."),
        ("TERM", "Progress bars and colour only on a terminal whose TERM is set and not dumb."),
        ("SOURCE_DATE_EPOCH", "`nvsdk man` dates the page from it, so a packaged man page is reproducible."),
        ("NVSDK_TRACE_TIMINGS", "1 or true: `install` prints how long each of its phases took on stderr (for tuning; not part of its output)."),
        ("NVSDK_ZSTD_DECODER", "managed: decode zstd layers with the built-in decoder (ZstdSharp) instead of the system's libzstd.so.1 (for comparison; libzstd is used when it loads)."),
        ("NVSDK_EARLY_WRITEBACK", "0 or false: do not start each large file's disk writes as soon as it is unpacked; the final syncfs then writes everything (for tuning; the install is as durable either way)."),
        ("DOTNET_SYSTEM_IO_DISABLEFILELOCKING", "Must not be set: nvsdk refuses to run its store without file locks."),
    ];
}
