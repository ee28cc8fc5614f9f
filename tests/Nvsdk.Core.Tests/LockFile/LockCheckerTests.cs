using System.Text;
using System.Text.Json.Nodes;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Tests.LockFile;

public sealed class LockCheckerTests
{
    private const string LockPath = "/test/nvsdk.lock.json";
    private const string C0 = "$.components[0]";
    private const string A0 = "$.components[0].artifacts[0]";
    private const string A1 = "$.components[0].artifacts[1]";

    [Fact]
    public void Check_ShippedLockAllSystems_PassesWithKnownWarnings()
    {
        var path = LockJson.ShippedLockPath;

        var report = LockChecker.Check(path, File.ReadAllBytes(path), SystemId.All);

        Assert.Equal(0, report.ErrorCount);
        Assert.True(report.Passed);
        Assert.NotNull(report.LockFile);
        Assert.Equal(path, report.Path);
        Assert.Equal(SystemId.All, report.Systems);
        Assert.Equal(3, report.WarningCount);
        Assert.Equal(
            [
                ("cuda-major", "$.components[28].cudaMajor"),
                ("unpinned", "$.components[31].artifacts[0]"),
                ("unpinned", "$.components[32].artifacts[0]"),
            ],
            Warnings(report));
        Assert.Equal(["cutlass", "tritonserver"], report.UnpinnedArtifacts.Select(a => a.Component.Name));
    }

    [Fact]
    public void Check_RunfileLockVariantAllSystems_PassesWithTheRunfilesAndTheirDriver()
    {
        var path = Nvsdk.Testing.RepoPaths.RunfileLock;

        var report = LockChecker.Check(path, File.ReadAllBytes(path), SystemId.All);

        Assert.Equal(0, report.ErrorCount);
        Assert.Equal(("13.1.0", "590.44.01"), (report.LockFile!.CudaVersion, report.LockFile.DriverVersion));
        var cuda = report.LockFile.Components.Single(c => c.Id.Name == "cuda");
        Assert.All(cuda.Artifacts, a => Assert.Equal(ArtifactFormat.Makeself, a.Format));
        Assert.Equal("6b4fdf2694b3d7afbc526f26412b4cf4f050b202324455053307310f53b323a7", cuda.ArtifactsFor(SystemId.X86_64Linux).Single().Sha256!.Value.Hex);
    }

    [Fact]
    public void Check_ShippedLockIsRedistribAllSystems_PassesWithNvidiasDigestsForBothSystems()
    {
        var path = Nvsdk.Testing.RepoPaths.ShippedLock;

        var report = LockChecker.Check(path, File.ReadAllBytes(path), SystemId.All);

        Assert.Equal(0, report.ErrorCount);
        Assert.DoesNotContain(report.Diagnostics, d => d.Code == "coverage");
        var cublas = report.LockFile!.Components.Single(c => c.Id.Name == "libcublas");
        Assert.Equal("13.2.1.1", cublas.Version);
        var x86 = cublas.Artifacts.Single(a => a.Systems.Contains(SystemId.X86_64Linux));
        Assert.Equal("b1cde2e14d1547f575f61f9b90dc91e9b80991d114971d50d535dd8bd72b5466", x86.Sha256!.Value.Hex);
        Assert.Equal(798288312, x86.Size);
        Assert.Equal("libcublas-linux-sbsa-13.2.1.1-archive.tar.xz", cublas.Artifacts.Single(a => a.Systems.Contains(SystemId.Aarch64Linux)).FileName);
        Assert.Equal(27, report.LockFile.Components.Count(c => c.Id.Name.StartsWith("cuda_", StringComparison.Ordinal) || c.Id.Name.StartsWith("lib", StringComparison.Ordinal)));
        Assert.DoesNotContain(report.LockFile.Components, c => c.Id.Name is "cuda" or "nsight_compute" or "nsight_systems" or "nvidia_driver" or "fabricmanager" or "imex" or "mft");
        Assert.Equal(("13.1.1", "590.48.01"), (report.LockFile.CudaVersion, report.LockFile.DriverVersion)); // redistrib_13.1.1.json's release and nvidia_driver
    }

    [Theory]
    [InlineData("x86_64-linux")]
    [InlineData("aarch64-linux")]
    public void Check_ShippedLockOneSystem_Passes(string system)
    {
        var path = LockJson.ShippedLockPath;

        var report = LockChecker.Check(path, File.ReadAllBytes(path), [SystemId.Parse(system)]);

        Assert.Equal(0, report.ErrorCount);
    }

    [Fact]
    public void Check_ValidLock_PassesAndWarnsOfMissingExpectedComponents()
    {
        var report = Check(LockJson.Valid());

        Assert.True(report.Passed);
        Assert.Equal(LockChecker.ExpectedComponents.Count - 1, report.WarningCount);
        Assert.All(report.Diagnostics, d => Assert.Equal(("coverage", "$.components"), (d.Code, d.JsonPath)));
    }

    [Fact]
    public void Check_AllExpectedComponents_HasNoCoverageWarning()
    {
        var components = LockChecker.ExpectedComponents
            .Select(name => LockJson.Component(
                name,
                "1.0",
                LockJson.Artifact($"{name}-x86_64.tar.xz", "tar.xz", LockJson.X86),
                LockJson.Artifact($"{name}-sbsa.tar.xz", "tar.xz", LockJson.Arm)))
            .ToArray();

        var report = Check(LockJson.Root(components));

        Assert.Empty(report.Diagnostics);
    }

    [Fact]
    public void Check_InvalidJson_ReportsOnlyTheParseError()
    {
        var report = LockChecker.Check(LockPath, Encoding.UTF8.GetBytes("{"), SystemId.All);

        Assert.Null(report.LockFile);
        Assert.False(report.Passed);
        Assert.Equal([("json", "$")], Errors(report));
        Assert.Empty(report.UnpinnedArtifacts);
    }

    [Fact]
    public void Check_StructuralError_SkipsCrossEntryRules()
    {
        var root = LockJson.Valid();
        root["extra"] = 1;
        SwapRoles(root); // would be a mirror-order error if the lock parsed

        var report = Check(root);

        Assert.Null(report.LockFile);
        Assert.Equal([("unknown-key", "$.extra")], Errors(report));
    }

    [Fact]
    public void Check_ComponentWithoutAarch64ArtifactAllSystems_ReportsCoverage()
    {
        var root = LockJson.Valid();
        LockJson.ComponentAt(root, 0)["artifacts"]!.AsArray().RemoveAt(1);

        var report = Check(root);

        AssertSingleError(report, "coverage", C0);
    }

    [Fact]
    public void Check_ComponentWithoutAarch64ArtifactX86Only_Passes()
    {
        var root = LockJson.Valid();
        LockJson.ComponentAt(root, 0)["artifacts"]!.AsArray().RemoveAt(1);

        var report = Check(root, [SystemId.X86_64Linux]);

        Assert.Equal(0, report.ErrorCount);
    }

    [Fact]
    public void Check_LockSystemsLackAarch64AllSystems_ReportsCoverageAtSystems()
    {
        var root = LockJson.Valid();
        root["systems"] = new JsonArray(LockJson.X86);

        var report = Check(root);

        AssertSingleError(report, "coverage", "$.systems");
    }

    [Fact]
    public void Check_LockSystemsLackAarch64X86Only_Passes()
    {
        var root = LockJson.Valid();
        root["systems"] = new JsonArray(LockJson.X86);

        var report = Check(root, [SystemId.X86_64Linux]);

        Assert.Equal(0, report.ErrorCount);
    }

    [Fact]
    public void Check_NoSystems_SkipsCoverage()
    {
        var root = LockJson.Valid();
        root["systems"] = new JsonArray();
        LockJson.ComponentAt(root, 0)["artifacts"]!.AsArray().RemoveAt(1);

        var report = Check(root, []);

        Assert.Equal(0, report.ErrorCount);
    }

    [Fact]
    public void Check_DuplicateComponentName_ReportsDuplicate()
    {
        var root = LockJson.Root(
            LockJson.Component("cudnn", "9.17.0.29", LockJson.Artifact("a-x86.tar.xz", "tar.xz", LockJson.X86), LockJson.Artifact("a-arm.tar.xz", "tar.xz", LockJson.Arm)),
            LockJson.Component("cudnn", "9.18.0.1", LockJson.Artifact("b-x86.tar.xz", "tar.xz", LockJson.X86), LockJson.Artifact("b-arm.tar.xz", "tar.xz", LockJson.Arm)));

        var report = Check(root);

        AssertSingleError(report, "duplicate", "$.components[1]");
    }

    [Fact]
    public void Check_SameFileTwiceForOneSystem_ReportsDuplicate()
    {
        var root = LockJson.Valid();
        var second = LockJson.ArtifactAt(root, 0, 1);
        second["file"] = LockJson.CudnnX86File;
        second["systems"] = new JsonArray(LockJson.X86, LockJson.Arm);
        second["sources"] = new JsonArray(LockJson.Source("https://other.example/" + LockJson.CudnnX86File, "upstream"));

        var report = Check(root);

        AssertSingleError(report, "duplicate", A1);
    }

    [Fact]
    public void Check_SameFileForDifferentSystems_Passes()
    {
        var root = LockJson.Valid();
        var second = LockJson.ArtifactAt(root, 0, 1);
        second["file"] = LockJson.CudnnX86File;
        second["sources"] = new JsonArray(LockJson.Source("https://other.example/" + LockJson.CudnnX86File, "upstream"));

        var report = Check(root);

        Assert.Equal(0, report.ErrorCount);
    }

    [Fact]
    public void Check_SystemListedTwiceOnArtifact_ReportsDuplicate()
    {
        var root = LockJson.Valid();
        LockJson.ArtifactAt(root, 0, 0)["systems"] = new JsonArray(LockJson.X86, LockJson.X86);

        var report = Check(root);

        Assert.Contains(("duplicate", A0 + ".systems"), Errors(report));
        Assert.All(Errors(report), e => Assert.Equal("duplicate", e.Code));
    }

    [Fact]
    public void Check_SameDigestOnTwoArtifacts_ReportsDuplicate()
    {
        var root = LockJson.Valid();
        LockJson.ArtifactAt(root, 0, 1)["sha256"] = LockJson.DigestOf(LockJson.CudnnX86File);

        var report = Check(root);

        AssertSingleError(report, "duplicate", A1 + ".sha256");
    }

    [Fact]
    public void Check_SameDigestInTwoComponents_ReportsDuplicate()
    {
        var root = LockJson.Root(
            LockJson.Component("cudnn", "9.17.0.29", LockJson.Artifact("a-x86.tar.xz", "tar.xz", LockJson.X86), LockJson.Artifact("a-arm.tar.xz", "tar.xz", LockJson.Arm)),
            LockJson.Component("cutensor", "2.4.1.4", LockJson.Artifact("b-x86.tar.xz", "tar.xz", LockJson.X86), LockJson.Artifact("b-arm.tar.xz", "tar.xz", LockJson.Arm)));
        LockJson.ArtifactAt(root, 1, 0)["sha256"] = LockJson.DigestOf("a-arm.tar.xz");

        var report = Check(root);

        AssertSingleError(report, "duplicate", "$.components[1].artifacts[0].sha256");
    }

    [Theory]
    [InlineData("https://upstream.example/redist/")]
    [InlineData("https://UPSTREAM.example/redist/")]
    [InlineData("https://upstream.example:443/redist/")]
    public void Check_SameUrlTwice_ReportsDuplicate(string prefix)
    {
        var root = LockJson.Valid();
        var sources = LockJson.SourcesAt(root, 0, 0);
        sources[0]!["url"] = LockJson.UpstreamUrl(LockJson.CudnnX86File);
        sources[1]!["url"] = prefix + LockJson.CudnnX86File;

        var report = Check(root);

        AssertSingleError(report, "duplicate", A0 + ".sources[1].url");
    }

    [Fact]
    public void Check_SameUrlOnTwoArtifacts_ReportsDuplicate()
    {
        var root = LockJson.Valid();
        var second = LockJson.ArtifactAt(root, 0, 1);
        second["file"] = LockJson.CudnnX86File;
        second["sources"] = new JsonArray(LockJson.Source(LockJson.UpstreamUrl(LockJson.CudnnX86File), "upstream"));

        var report = Check(root);

        AssertSingleError(report, "duplicate", A1 + ".sources[0].url");
    }

    [Fact]
    public void Check_MirrorAfterUpstream_ReportsMirrorOrder()
    {
        var root = LockJson.Valid();
        SwapRoles(root);

        var report = Check(root);

        AssertSingleError(report, "mirror-order", A0 + ".sources[1]");
    }

    [Theory]
    [InlineData("upstream", "upstream")]
    [InlineData("mirror", "mirror")]
    [InlineData("mirror", "upstream")]
    public void Check_MirrorsBeforeUpstreams_Passes(string first, string second)
    {
        var root = LockJson.Valid();
        var sources = LockJson.SourcesAt(root, 0, 0);
        sources[0]!["role"] = first;
        sources[1]!["role"] = second;

        var report = Check(root);

        Assert.Equal(0, report.ErrorCount);
    }

    [Theory]
    [InlineData("tar.xz", "cudnn-9.17.tar.gz")]
    [InlineData("tar.xz", "cudnn-9.17.txz")]
    [InlineData("tar.gz", "cudnn-9.17.tar.xz")]
    [InlineData("wheel", "nccl-2.28.9.tar.gz")]
    [InlineData("zip", "nccl-2.28.9.whl")]
    [InlineData("makeself", "cuda_13.1.0_linux.sh")]
    [InlineData("tar.xz", "cudnn-9.17.TAR.XZ")]
    public void Check_FileEndingDoesNotMatchFormat_ReportsFormat(string format, string file)
    {
        var root = LockJson.Valid();
        ReplaceArtifact(root, file, format);

        var report = Check(root);

        AssertSingleError(report, "format", A0 + ".file");
    }

    [Theory]
    [InlineData("tar.xz", "cudnn-9.17.tar.xz")]
    [InlineData("tar.gz", "cudnn-9.17.tar.gz")]
    [InlineData("tar.gz", "cudnn-9.17.tgz")]
    [InlineData("wheel", "nccl-2.28.9-py3-none-manylinux_2_18_x86_64.whl")]
    [InlineData("zip", "cudnn-9.17.zip")]
    [InlineData("makeself", "cuda_13.1.0_590.44.01_linux.run")]
    public void Check_FileEndingMatchesFormat_Passes(string format, string file)
    {
        var root = LockJson.Valid();
        ReplaceArtifact(root, file, format);

        var report = Check(root);

        Assert.Equal(0, report.ErrorCount);
    }

    [Theory]
    [InlineData("https://copy.example/nvidia/" + LockJson.CudnnArmFile)] // the aarch64 URL on the x86_64 entry
    [InlineData("https://mirror.example/nvidia/")]
    [InlineData("https://mirror.example/nvidia")]
    [InlineData("https://mirror.example/nvidia/x" + LockJson.CudnnX86File)]
    [InlineData("https://mirror.example/nvidia/" + LockJson.CudnnX86File + ".sig")]
    [InlineData("https://mirror.example/nvidia/download?file=" + LockJson.CudnnX86File)]
    [InlineData("https://gitlab.com/NVIDIA/cudnn/archive/refs/tags/v9.17.tar.gz")]
    public void Check_UrlNotEndingInFileName_ReportsUrl(string url)
    {
        var root = LockJson.Valid();
        LockJson.SourcesAt(root, 0, 0)[0]!["url"] = url;

        var report = Check(root);

        AssertSingleError(report, "url", A0 + ".sources[0].url");
    }

    [Theory]
    [InlineData("https://mirror.example/nvidia/" + LockJson.CudnnX86File + "?token=abc")]
    [InlineData("file:///srv/mirror/" + LockJson.CudnnX86File)]
    [InlineData("https://github.com/NVIDIA/cudnn-frontend/archive/refs/tags/v1.0.tar.gz")]
    public void Check_UrlNamingFile_Passes(string url)
    {
        var root = LockJson.Valid();
        LockJson.SourcesAt(root, 0, 0)[0]!["url"] = url;

        var report = Check(root);

        Assert.Equal(0, report.ErrorCount);
        Assert.Equal(0, report.Diagnostics.Count(d => d.Code == "url"));
    }

    [Theory]
    [InlineData("https://nvcr.io/nvidia/tritonserver:25.12-trtllm-python-py3")]
    [InlineData("http://localhost/nvidia/tritonserver")]
    [InlineData("file:///srv/images/tritonserver.tar")]
    public void Check_OciImageWithArchiveUrl_ReportsUrl(string url)
    {
        var root = LockJson.Valid();
        ReplaceWithImage(root, url);

        var report = Check(root);

        AssertSingleError(report, "url", A0 + ".sources[0].url");
    }

    [Theory]
    [InlineData("docker://nvcr.io/Nvidia/tritonserver:25.12")]
    [InlineData("docker://nvcr.io/nvidia/tritonserver@sha256:0000000000000000000000000000000000000000000000000000000000000001")]
    public void Check_OciImageWithBadOrDisagreeingReference_ReportsUrl(string url)
    {
        var root = LockJson.Valid();
        ReplaceWithImage(root, url);

        var report = Check(root);

        AssertSingleError(report, "url", A0 + ".sources[0].url");
    }

    [Fact]
    public void Check_OciImageWithDockerReference_Passes()
    {
        var root = LockJson.Valid();
        ReplaceWithImage(root, "docker://nvcr.io/nvidia/tritonserver:25.12-trtllm-python-py3");

        var report = Check(root);

        Assert.Equal(0, report.ErrorCount);
    }

    [Fact]
    public void Check_ArchiveWithDockerReference_ReportsUrl()
    {
        var root = LockJson.Valid();
        LockJson.SourcesAt(root, 0, 0)[0]!["url"] = "docker://nvcr.io/nvidia/cudnn:9.17";

        var report = Check(root);

        AssertSingleError(report, "url", A0 + ".sources[0].url");
    }

    [Fact]
    public void Check_PlainHttpRemote_WarnsUrl()
    {
        var root = LockJson.Valid();
        LockJson.SourcesAt(root, 0, 0)[0]!["url"] = "http://mirror.example/nvidia/" + LockJson.CudnnX86File;

        var report = Check(root);

        Assert.Equal(0, report.ErrorCount);
        Assert.Contains(report.Diagnostics, d => d is { Severity: DiagnosticSeverity.Warning, Code: "url", JsonPath: A0 + ".sources[0].url" });
    }

    [Theory]
    [InlineData("http://localhost:8080/")]
    [InlineData("http://127.0.0.1/")]
    [InlineData("http://[::1]:9000/files/")]
    public void Check_PlainHttpLoopback_DoesNotWarn(string prefix)
    {
        var root = LockJson.Valid();
        LockJson.SourcesAt(root, 0, 0)[0]!["url"] = prefix + LockJson.CudnnX86File;

        var report = Check(root);

        Assert.Equal(0, report.ErrorCount);
        Assert.DoesNotContain(report.Diagnostics, d => d.Code == "url");
    }

    [Fact]
    public void Check_CudaMajorDiffersFromSdk_WarnsCudaMajor()
    {
        var root = LockJson.Valid();
        LockJson.ComponentAt(root, 0)["cudaMajor"] = 12;

        var report = Check(root);

        Assert.True(report.Passed);
        Assert.Contains(report.Diagnostics, d => d is { Severity: DiagnosticSeverity.Warning, Code: "cuda-major", JsonPath: C0 + ".cudaMajor" });
    }

    [Fact]
    public void Check_CudaMajorAbsent_DoesNotWarn()
    {
        var root = LockJson.Valid();
        LockJson.ComponentAt(root, 0).Remove("cudaMajor");

        var report = Check(root);

        Assert.DoesNotContain(report.Diagnostics, d => d.Code == "cuda-major");
    }

    [Fact]
    public void Check_UnpinnedArtifact_WarnsAndListsIt()
    {
        var root = LockJson.Valid();
        var artifact = LockJson.ArtifactAt(root, 0, 1);
        artifact["sha256"] = null;
        artifact["unpinned"] = "no digest published";

        var report = Check(root);

        Assert.True(report.Passed);
        Assert.Contains(report.Diagnostics, d => d is { Severity: DiagnosticSeverity.Warning, Code: "unpinned", JsonPath: A1 });
        var unpinned = Assert.Single(report.UnpinnedArtifacts);
        Assert.Equal(LockJson.CudnnArmFile, unpinned.FileName);
    }

    private static CheckReport Check(JsonObject root) => Check(root, SystemId.All);

    private static CheckReport Check(JsonObject root, IReadOnlyList<SystemId> systems) =>
        LockChecker.Check(LockPath, LockJson.Bytes(root), systems);

    private static List<(string Code, string JsonPath)> Errors(CheckReport report) =>
        [.. report.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => (d.Code, d.JsonPath))];

    private static List<(string Code, string JsonPath)> Warnings(CheckReport report) =>
        [.. report.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning).Select(d => (d.Code, d.JsonPath))];

    private static void AssertSingleError(CheckReport report, string code, string path)
    {
        Assert.NotNull(report.LockFile);
        Assert.Equal([(code, path)], Errors(report));
        Assert.False(report.Passed);
    }

    /// <summary>Lists the first artifact's upstream before its mirror.</summary>
    private static void SwapRoles(JsonObject root)
    {
        var sources = LockJson.SourcesAt(root, 0, 0);
        sources[0]!["role"] = "upstream";
        sources[1]!["role"] = "mirror";
    }

    /// <summary>Gives the first artifact a new file name and format, with a digest and URLs to match.</summary>
    private static void ReplaceArtifact(JsonObject root, string file, string format)
    {
        var artifact = LockJson.ArtifactAt(root, 0, 0);
        artifact["file"] = file;
        artifact["format"] = format;
        artifact["sha256"] = LockJson.DigestOf(file);
        artifact["sources"] = new JsonArray(
            LockJson.Source(LockJson.MirrorUrl(file), "mirror"),
            LockJson.Source(LockJson.UpstreamUrl(file), "upstream"));
    }

    /// <summary>Makes the first artifact an OCI image with one upstream source.</summary>
    private static void ReplaceWithImage(JsonObject root, string url)
    {
        var artifact = LockJson.ArtifactAt(root, 0, 0);
        artifact["file"] = "tritonserver-25.12-trtllm-python-py3";
        artifact["format"] = "oci-image";
        artifact["sources"] = new JsonArray(LockJson.Source(url, "upstream"));
    }
}
