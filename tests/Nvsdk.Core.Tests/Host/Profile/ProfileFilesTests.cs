using Nvsdk.Core.Gpu.Cuda;
using Nvsdk.Core.Host.Profile;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Host.Profile;

public class ProfileFilesTests
{
    private const string Root = "/var/lib/nvsdk/generations/current";

    private const string EnvironmentGenerator = "/usr/lib/systemd/user-environment-generators/30-systemd-environment-d-generator";

    // A root no unquoted word survives: white space, a quote, glob characters, a dollar.
    private const string HostileRoot = "/tmp/my sdk/it's [a]*?$HOME/generations/current";

    [Fact]
    public void ProfileScript_StoreRoot_IsExactText()
    {
        Assert.Equal(
            """
            # managed by nvsdk: hand edits show up as drift and are replaced by the next apply
            # The CUDA SDK from nvsdk's current generation (an update or rollback moves the link, not this file).
            CUDA_PATH='/var/lib/nvsdk/generations/current'
            CUDA_HOME='/var/lib/nvsdk/generations/current'
            export CUDA_PATH CUDA_HOME
            case ":${PATH-}:" in
              *:'/var/lib/nvsdk/generations/current/bin':*) ;;
              *) PATH='/var/lib/nvsdk/generations/current/bin'${PATH:+:$PATH} ;;
            esac
            export PATH

            """,
            ProfileFiles.ProfileScript(Root));
    }

    [Fact]
    public void ProfileScript_TrailingSlash_SameAsWithout()
    {
        Assert.Equal(ProfileFiles.ProfileScript(Root), ProfileFiles.ProfileScript(Root + "/"));
    }

    [Fact]
    public void EnvironmentD_StoreRoot_IsExactText()
    {
        Assert.Equal(
            """
            # managed by nvsdk: hand edits show up as drift and are replaced by the next apply
            # The CUDA SDK from nvsdk's current generation, for the systemd user manager's services.
            CUDA_PATH=/var/lib/nvsdk/generations/current
            CUDA_HOME=/var/lib/nvsdk/generations/current
            PATH=/var/lib/nvsdk/generations/current/bin:${PATH}

            """,
            ProfileFiles.EnvironmentD(Root));
    }

    [Theory]
    [InlineData("")]
    [InlineData("generations/current")]
    [InlineData("/opt/a:b/current")]
    [InlineData("/opt/a\nb/current")]
    public void ProfileScript_UnusableRoot_ThrowsArgumentException(string root)
    {
        Assert.Throws<ArgumentException>(() => ProfileFiles.ProfileScript(root));
    }

    [Theory]
    [InlineData("")]
    [InlineData("generations/current")]
    [InlineData("/opt/a:b/current")]
    [InlineData("/opt/my sdk/current")]
    [InlineData("/opt/$USER/current")]
    [InlineData("/opt/\"q\"/current")]
    [InlineData("/opt/it's/current")]
    [InlineData("/opt/a\\b/current")]
    public void EnvironmentD_UnusableRoot_ThrowsArgumentException(string root)
    {
        Assert.Throws<ArgumentException>(() => ProfileFiles.EnvironmentD(root));
    }

    [SkippableTheory]
    [InlineData("sh")]
    [InlineData("dash")]
    [InlineData("bash")]
    public async Task ProfileScript_SyntaxCheck_Passes(string shell)
    {
        var program = Shell(shell);
        using var temp = new TempDir();
        var script = Write(temp, ProfileFiles.ProfileScript(HostileRoot));

        var result = await ProcessRunner.RunAsync(program, ["-n", script]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(string.Empty, result.Stderr);
    }

    [SkippableTheory]
    [InlineData("sh", Root, "/usr/local/bin:/usr/bin:/bin", Root + "/bin:/usr/local/bin:/usr/bin:/bin")]
    [InlineData("dash", Root, "/usr/local/bin:/usr/bin:/bin", Root + "/bin:/usr/local/bin:/usr/bin:/bin")]
    [InlineData("bash", Root, "/usr/local/bin:/usr/bin:/bin", Root + "/bin:/usr/local/bin:/usr/bin:/bin")]
    [InlineData("dash", HostileRoot, "/usr/bin:/bin", HostileRoot + "/bin:/usr/bin:/bin")]
    [InlineData("bash", HostileRoot, "/usr/bin:/bin", HostileRoot + "/bin:/usr/bin:/bin")]
    // Already on PATH (a parent shell sourced it): left where it is.
    [InlineData("dash", Root, "/usr/bin:" + Root + "/bin:/bin", "/usr/bin:" + Root + "/bin:/bin")]
    [InlineData("dash", Root, Root + "/bin", Root + "/bin")]
    // A prefix of our bin, or our bin with a suffix, is another folder.
    [InlineData("dash", Root, Root + "/bin2:" + Root, Root + "/bin:" + Root + "/bin2:" + Root)]
    // An empty PATH gets no trailing ':' (which would mean the current directory).
    [InlineData("dash", Root, "", Root + "/bin")]
    [InlineData("bash", Root, "", Root + "/bin")]
    public async Task ProfileScript_SourcedTwice_BinOnPathOnceAndCudaSet(string shell, string root, string pathBefore, string pathAfter)
    {
        var program = Shell(shell);
        using var temp = new TempDir();
        var script = Write(temp, ProfileFiles.ProfileScript(root));

        // set -eu: a profile script must not trip a strict parent shell. The shell prints what a child sees.
        var result = await ProcessRunner.RunAsync(
            "/usr/bin/env",
            ["-i", "PATH=" + pathBefore, program, "-euc", ". \"$1\"; . \"$1\"; /usr/bin/env", "sh", script]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(string.Empty, result.Stderr);
        var env = ParseEnv(result.Stdout);
        Assert.Equal(pathAfter, env["PATH"]);
        Assert.Equal(root, env["CUDA_PATH"]);
        Assert.Equal(root, env["CUDA_HOME"]);
    }

    /// <summary>
    /// systemd's own environment.d reader on the file (the generator the user manager runs at start), pointed at
    /// a temporary config home. It also reads the host's /etc/environment.d and /etc/environment, so only our
    /// variables are checked.
    /// </summary>
    [SkippableFact]
    public async Task EnvironmentD_SystemdGenerator_PrependsBinAndSetsCuda()
    {
        CiTools.SkipIfNot(File.Exists(EnvironmentGenerator), $"{EnvironmentGenerator} is not installed (apt-get install systemd)");
        using var temp = new TempDir();
        Directory.CreateDirectory(temp.Combine("environment.d"));
        File.WriteAllText(temp.Combine("environment.d", "60-nvsdk.conf"), ProfileFiles.EnvironmentD(Root));

        var result = await ProcessRunner.RunAsync(
            "/usr/bin/env",
            ["-i", "PATH=/usr/bin:/bin", "XDG_CONFIG_HOME=" + temp.Path, EnvironmentGenerator]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var env = ParseEnv(result.Stdout);
        Assert.Equal(Root, env["CUDA_PATH"]);
        Assert.Equal(Root, env["CUDA_HOME"]);
        Assert.StartsWith(Root + "/bin:", env["PATH"], StringComparison.Ordinal);
        Assert.EndsWith(":/usr/bin:/bin", env["PATH"], StringComparison.Ordinal);
    }

    /// <summary>dash sources the script with two GPU architectures and exports both spellings of them.</summary>
    [SkippableFact]
    public async Task ProfileScript_WithArchitectures_ExportsCudaArchsAndTorchList()
    {
        var program = Shell("dash");
        using var temp = new TempDir();
        var targets = new TargetArchitectures([new ComputeCapability(8, 0), new ComputeCapability(9, 0)], "test");
        var script = Write(temp, ProfileFiles.ProfileScript(Root, targets));

        var result = await ProcessRunner.RunAsync("/usr/bin/env", ["-i", "PATH=/usr/bin:/bin", program, "-euc", ". \"$1\"; /usr/bin/env", "sh", script]);

        Assert.True(result.ExitCode == 0, result.ToString());
        var env = ParseEnv(result.Stdout);
        Assert.Equal("80;90", env["CUDAARCHS"]);
        Assert.Equal("8.0;9.0", env["TORCH_CUDA_ARCH_LIST"]);
    }

    [Fact]
    public void ProfileScript_NoArchitectures_ExportsNone()
    {
        Assert.DoesNotContain("CUDAARCHS", ProfileFiles.ProfileScript(Root), StringComparison.Ordinal);
        Assert.DoesNotContain("CUDAARCHS", ProfileFiles.EnvironmentD(Root), StringComparison.Ordinal);
    }

    private static string Shell(string name)
    {
        var program = ProcessRunner.Which(name);
        CiTools.SkipIf(program is null, $"{name} is not installed");
        return program;
    }

    private static string Write(TempDir temp, string text)
    {
        var path = temp.Combine("nvsdk.sh");
        File.WriteAllText(path, text);
        return path;
    }

    private static Dictionary<string, string> ParseEnv(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split('=', 2))
            .Where(kv => kv.Length == 2)
            .ToDictionary(kv => kv[0], kv => kv[1], StringComparer.Ordinal);
}
