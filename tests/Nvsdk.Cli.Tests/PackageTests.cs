using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// The amd64 .deb, .rpm and tarball from scripts/package.sh, judged by their own tools: lintian, dpkg (installed
/// on this machine through apt, then removed), rpm -qip / rpmlint, tar; and packed twice to the same bytes.
/// </summary>
public sealed class PackageTests(PackageTests.Packed packed) : IClassFixture<PackageTests.Packed>
{
    private string Deb => packed.Combine($"nvsdk_{Packages.Version}_amd64.deb");

    private string Rpm => packed.Combine($"nvsdk-{Packages.Version}-1.x86_64.rpm");

    private string Tarball => packed.Combine($"nvsdk-{Packages.Version}-linux-x64.tar.gz");

    private async Task<bool> PackAsync() => await packed.Ready.Value;

    /// <summary>The amd64 packages, packed once for the class.</summary>
    public sealed class Packed : IDisposable
    {
        private readonly TempDir temp = new("nvsdk-pkg-");

        public Packed() => Ready = new Lazy<Task<bool>>(PackAsync);

        public Lazy<Task<bool>> Ready { get; }

        public string Combine(string name) => temp.Combine("a", name);

        public string Second => temp.Combine("b");

        public void Dispose() => temp.Dispose();

        private async Task<bool> PackAsync()
        {
            var binary = Packages.Binary("NVSDK_BIN");
            if (binary is null || Packages.Tool("rpmbuild", "rpm") is null)
            {
                return false;
            }

            await Packages.PackAsync("amd64", binary, temp.Combine("a"));
            return true;
        }
    }

    [SkippableFact]
    public async Task Packages_TwoRuns_GiveTheSameBytes()
    {
        Skip.IfNot(await PackAsync(), "no published binary or rpmbuild");
        await Packages.PackAsync("amd64", Packages.Binary("NVSDK_BIN")!, packed.Second);
        var first = Directory.GetFiles(Path.GetDirectoryName(Deb)!);
        Assert.Equal(3, first.Length);
        foreach (var file in first)
        {
            var again = await File.ReadAllBytesAsync(Path.Combine(packed.Second, Path.GetFileName(file)));
            Assert.True((await File.ReadAllBytesAsync(file)).SequenceEqual(again), $"{Path.GetFileName(file)} differs between two runs");
        }
    }

    [SkippableFact]
    public async Task Deb_PassesLintian_InstallsRunsCompletesAndRemovesCleanly()
    {
        Skip.IfNot(await PackAsync(), "no published binary or rpmbuild");
        var lintian = Packages.Tool("lintian", "lintian");
        Skip.If(lintian is null || Environment.UserName != "root", "lintian, and root for dpkg, are needed");

        var lint = await ProcessRunner.RunAsync(lintian!, ["--no-tag-display-limit", Deb], timeout: TimeSpan.FromMinutes(5));
        Assert.True(lint.ExitCode == 0 && !lint.Stdout.Contains("E: ", StringComparison.Ordinal), lint.ToString());

        var info = await Packages.RunOkAsync("dpkg-deb", "--field", Deb, "Package", "Architecture", "Depends");
        Assert.Contains("Architecture: amd64", info.Stdout, StringComparison.Ordinal);
        var files = (await Packages.RunOkAsync("dpkg-deb", "-c", Deb)).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l[(l.IndexOf("./", StringComparison.Ordinal) + 1)..]).Where(p => !p.EndsWith('/')).ToList();
        Assert.Contains("/usr/bin/nvsdk", files);
        Assert.Contains("/usr/share/man/man1/nvsdk.1.gz", files);
        Assert.Contains("/usr/share/bash-completion/completions/nvsdk", files);
        Assert.Contains("/usr/share/zsh/vendor-completions/_nvsdk", files);
        Assert.Contains("/usr/share/fish/vendor_completions.d/nvsdk.fish", files);
        Assert.Contains("/usr/share/doc/nvsdk/examples/server.toml", files);

        // apt-get installs it with dpkg -i after resolving Depends (so they are satisfiable), waiting for the lock.
        await Packages.RunOkAsync("apt-get", "-o", "DPkg::Lock::Timeout=600", "install", "-y", "--no-install-recommends", Deb);
        try
        {
            var version = await ProcessRunner.RunAsync("bash", ["-c", "cd / && nvsdk --version"]);
            Assert.True(version.ExitCode == 0, version.ToString());
            Assert.StartsWith(Packages.Version, version.Stdout, StringComparison.Ordinal);
            Assert.Equal("/usr/bin/nvsdk", (await ProcessRunner.RunAsync("bash", ["-c", "command -v nvsdk"])).Stdout.Trim());

            // bash-completion's on-demand loader finds the installed completion by the command's name (and returns
            // 124, "loaded, try again", as it does for every completion it loads).
            var complete = await ProcessRunner.RunAsync("bash", ["-c",
                "source /usr/share/bash-completion/bash_completion; _completion_loader nvsdk; complete -p nvsdk && COMP_WORDS=(nvsdk ho) COMP_CWORD=1 && _nvsdk && echo \"${COMPREPLY[*]}\""]);
            Assert.True(complete.ExitCode == 0, complete.ToString());
            Assert.Equal(["complete -F _nvsdk nvsdk", "host"], complete.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            var man = await ProcessRunner.RunAsync("man", ["-w", "nvsdk"]);
            Assert.Equal("/usr/share/man/man1/nvsdk.1.gz", man.Stdout.Trim());
        }
        finally
        {
            await Packages.RunOkAsync("apt-get", "-o", "DPkg::Lock::Timeout=600", "remove", "-y", "nvsdk");
        }

        var status = await ProcessRunner.RunAsync("dpkg-query", ["-W", "-f=${Status}", "nvsdk"]);
        Assert.True(status.ExitCode != 0 || status.Stdout.Contains("not-installed", StringComparison.Ordinal), status.ToString());
        Assert.All(files, f => Assert.False(File.Exists(f), $"{f} is left after dpkg -r"));
        Assert.False(Directory.Exists("/usr/share/doc/nvsdk"), "/usr/share/doc/nvsdk is left after dpkg -r");
    }

    [SkippableFact]
    public async Task Rpm_QueriesAsX86_64WithTheFilesAndDependencies_AndPassesRpmlint()
    {
        Skip.IfNot(await PackAsync(), "no published binary or rpmbuild");
        var query = await Packages.RunOkAsync("rpm", "-qip", Rpm);
        Assert.Contains("Architecture: x86_64", query.Stdout, StringComparison.Ordinal);
        Assert.Contains($"Version     : {Packages.Version}", query.Stdout, StringComparison.Ordinal);
        var files = (await Packages.RunOkAsync("rpm", "-qlp", Rpm)).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("/usr/bin/nvsdk", files);
        Assert.Contains("/usr/share/zsh/site-functions/_nvsdk", files);
        Assert.Contains("/usr/share/man/man1/nvsdk.1.gz", files);
        Assert.Contains("/usr/share/doc/nvsdk/examples/k8s-node.toml", files);
        var requires = (await Packages.RunOkAsync("rpm", "-qp", "--requires", Rpm)).Stdout;
        Assert.Contains("libc.so.6", requires, StringComparison.Ordinal); // found in the ELF by rpm's own generator
        Assert.Contains("libssl.so.3()(64bit)", requires, StringComparison.Ordinal); // dlopened: declared by the spec
        Assert.Contains("liblzma.so.5()(64bit)", requires, StringComparison.Ordinal);

        var rpmlint = Packages.Tool("rpmlint", "rpmlint");
        Skip.If(rpmlint is null, "rpmlint is not installed");
        var lint = await ProcessRunner.RunAsync(rpmlint!, ["-c", Path.Combine(RepoPaths.Root, "packaging", "rpmlint.toml"), Rpm], timeout: TimeSpan.FromMinutes(5));
        Assert.True(lint.Stdout.Contains(" 0 errors", StringComparison.Ordinal), lint.ToString());
    }

    [SkippableFact]
    public async Task Tarball_HoldsTheBinaryCompletionsAndManPage_UnderOneVersionedFolder()
    {
        Skip.IfNot(await PackAsync(), "no published binary or rpmbuild");
        var list = (await Packages.RunOkAsync("tar", "-tzvf", Tarball)).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var top = $"nvsdk-{Packages.Version}-linux-x64/";
        Assert.All(list, l => Assert.Contains($" {top}", l, StringComparison.Ordinal));
        Assert.All(list, l => Assert.Contains(" 0/0 ", l, StringComparison.Ordinal)); // root, by number
        Assert.Contains(list, l => l.EndsWith($"{top}bin/nvsdk", StringComparison.Ordinal) && l.StartsWith("-rwxr-xr-x", StringComparison.Ordinal));
        Assert.Contains(list, l => l.EndsWith($"{top}share/man/man1/nvsdk.1.gz", StringComparison.Ordinal));
    }
}
