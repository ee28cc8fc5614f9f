using System.Text;
using System.Text.Json.Nodes;
using Nvsdk.Core.Errors;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.LockFile;

public sealed class LockFileParserTests
{
    private const string LockPath = "/test/nvsdk.lock.json";
    private const string C0 = "$.components[0]";
    private const string A0 = "$.components[0].artifacts[0]";
    private const string S0 = "$.components[0].artifacts[0].sources[0]";

    [Fact]
    public void Parse_ShippedLock_HasNoDiagnosticsAndCudaAsRedistribPackagesThenTheSixOthers()
    {
        var path = LockJson.ShippedLockPath;

        var (lockFile, diagnostics) = LockFileParser.Parse(path, File.ReadAllBytes(path));

        Assert.Empty(diagnostics);
        Assert.NotNull(lockFile);
        Assert.Equal(33, lockFile.Components.Count);
        Assert.Equal(["cuda_nvcc", "cuda_crt", "libnvvm", "cuda_cudart"], lockFile.Components.Take(4).Select(c => c.Id.Name));
        Assert.Equal(["cudnn", "nccl", "tensorrt", "cutensor", "cutlass", "tritonserver"], lockFile.Components.TakeLast(6).Select(c => c.Id.Name));
        Assert.Equal(("13.1.1", "590.48.01"), (lockFile.CudaVersion, lockFile.DriverVersion));
        Assert.Equal(SystemId.All, lockFile.Systems);
        Assert.Equal(13, lockFile.CudaMajor);
    }

    [Fact]
    public void Parse_RunfileLockVariant_HasNoDiagnosticsAndSevenComponents()
    {
        var path = Nvsdk.Testing.RepoPaths.RunfileLock;

        var (lockFile, diagnostics) = LockFileParser.Parse(path, File.ReadAllBytes(path));

        Assert.Empty(diagnostics);
        Assert.NotNull(lockFile);
        Assert.Equal(
            ["cuda", "cudnn", "nccl", "tensorrt", "cutensor", "cutlass", "tritonserver"],
            lockFile.Components.Select(c => c.Id.Name));
        Assert.Equal(SystemId.All, lockFile.Systems);
        Assert.Equal(13, lockFile.CudaMajor);
    }

    [Fact]
    public void Parse_ValidLock_BuildsTheModel()
    {
        var (lockFile, diagnostics) = Parse(LockJson.Valid());

        Assert.Empty(diagnostics);
        Assert.NotNull(lockFile);
        Assert.Equal(LockPath, lockFile.Path);
        Assert.Equal(1, lockFile.LockVersion);
        Assert.Equal("13.1.0", lockFile.CudaVersion);
        Assert.Equal(13, lockFile.CudaMajor);

        var component = Assert.Single(lockFile.Components);
        Assert.Equal(ComponentId.Parse("cudnn"), component.Id);
        Assert.Equal("9.17.0.29", component.Version);
        Assert.Equal(13, component.CudaMajor);
        Assert.Equal(["cudnn"], component.Provides);
        Assert.Equal(C0, component.JsonPath);
        Assert.Same(component, lockFile.Find(ComponentId.Parse("cudnn")));
        Assert.Null(lockFile.Find(ComponentId.Parse("cuda")));

        var x86 = Assert.Single(component.ArtifactsFor(SystemId.X86_64Linux));
        Assert.Equal(LockJson.CudnnX86File, x86.FileName);
        Assert.Equal("9.17.0.29", x86.Version);
        Assert.Equal(ArtifactFormat.TarXz, x86.Format);
        Assert.Equal(Sha256Digest.Parse(LockJson.DigestOf(LockJson.CudnnX86File)), x86.Sha256);
        Assert.True(x86.IsPinned);
        Assert.Null(x86.UnpinnedReason);
        Assert.Equal(1234, x86.Size);
        Assert.Equal(A0, x86.JsonPath);
        Assert.Equal([SourceRole.Mirror, SourceRole.Upstream], x86.Sources.Select(s => s.Role));
        Assert.Equal(new Uri(LockJson.MirrorUrl(LockJson.CudnnX86File)), x86.Sources[0].Url);

        var arm = Assert.Single(component.ArtifactsFor(SystemId.Aarch64Linux));
        Assert.Equal(LockJson.CudnnArmFile, arm.FileName);
        Assert.Equal("$.components[0].artifacts[1]", arm.JsonPath);
    }

    [Fact]
    public void Parse_ArtifactVersion_OverridesComponentVersion()
    {
        var root = LockJson.Valid();
        LockJson.ArtifactAt(root, 0, 0)["version"] = "9.17.1";

        var (lockFile, diagnostics) = Parse(root);

        Assert.Empty(diagnostics);
        Assert.Equal("9.17.1", lockFile!.Components[0].Artifacts[0].Version);
        Assert.Equal("9.17.0.29", lockFile.Components[0].Artifacts[1].Version);
    }

    [Fact]
    public void Parse_SizeNullAndCudaMajorAbsent_ParseAsNull()
    {
        var root = LockJson.Valid();
        LockJson.ComponentAt(root, 0).Remove("cudaMajor");
        LockJson.ArtifactAt(root, 0, 0)["size"] = null;

        var (lockFile, diagnostics) = Parse(root);

        Assert.Empty(diagnostics);
        Assert.Null(lockFile!.Components[0].CudaMajor);
        Assert.Null(lockFile.Components[0].Artifacts[0].Size);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("{\"lockVersion\": 1,}")]
    [InlineData("// a comment\n{}")]
    [InlineData("{} {}")]
    public void Parse_MalformedJson_ReportsOneJsonDiagnosticAtRoot(string text)
    {
        var (lockFile, diagnostics) = LockFileParser.Parse(LockPath, Encoding.UTF8.GetBytes(text));

        Assert.Null(lockFile);
        var d = Assert.Single(diagnostics);
        Assert.Equal("json", d.Code);
        Assert.Equal("$", d.JsonPath);
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("1")]
    [InlineData("null")]
    public void Parse_RootNotAnObject_ReportsTypeAtRoot(string text)
    {
        var (lockFile, diagnostics) = LockFileParser.Parse(LockPath, Encoding.UTF8.GetBytes(text));

        Assert.Null(lockFile);
        AssertSingleError(diagnostics, "type", "$");
    }

    [Theory]
    [InlineData("root", "lockVersion", "$.lockVersion")]
    [InlineData("root", "sdk", "$.sdk")]
    [InlineData("root", "systems", "$.systems")]
    [InlineData("root", "components", "$.components")]
    [InlineData("sdk", "cuda", "$.sdk.cuda")]
    [InlineData("component", "name", C0 + ".name")]
    [InlineData("component", "version", C0 + ".version")]
    [InlineData("component", "license", C0 + ".license")]
    [InlineData("component", "artifacts", C0 + ".artifacts")]
    [InlineData("artifact", "file", A0 + ".file")]
    [InlineData("artifact", "systems", A0 + ".systems")]
    [InlineData("artifact", "format", A0 + ".format")]
    [InlineData("artifact", "sha256", A0 + ".sha256")]
    [InlineData("artifact", "sources", A0 + ".sources")]
    [InlineData("source", "url", S0 + ".url")]
    [InlineData("source", "role", S0 + ".role")]
    public void Parse_RequiredKeyMissing_ReportsMissingAtItsPath(string container, string key, string path)
    {
        var root = LockJson.Valid();
        Assert.True(Container(root, container).Remove(key));

        var (lockFile, diagnostics) = Parse(root);

        Assert.Null(lockFile);
        AssertSingleError(diagnostics, "missing", path);
    }

    [Theory]
    [InlineData("component", "cudaMajor")]
    [InlineData("component", "provides")]
    [InlineData("artifact", "size")]
    public void Parse_OptionalKeyMissing_HasNoDiagnostics(string container, string key)
    {
        var root = LockJson.Valid();
        Assert.True(Container(root, container).Remove(key));

        var (lockFile, diagnostics) = Parse(root);

        Assert.Empty(diagnostics);
        Assert.NotNull(lockFile);
    }

    [Theory]
    [InlineData("root", "$.comment")]
    [InlineData("sdk", "$.sdk.comment")]
    [InlineData("component", C0 + ".comment")]
    [InlineData("artifact", A0 + ".comment")]
    [InlineData("source", S0 + ".comment")]
    public void Parse_UnknownKey_ReportsUnknownKeyAtItsPath(string container, string path)
    {
        var root = LockJson.Valid();
        Container(root, container)["comment"] = "not allowed";

        var (lockFile, diagnostics) = Parse(root);

        Assert.Null(lockFile);
        AssertSingleError(diagnostics, "unknown-key", path);
    }

    [Fact]
    public void Parse_KeyInWrongCase_ReportsUnknownKeyAndMissing()
    {
        var root = LockJson.Valid();
        root.Remove("lockVersion");
        root["LockVersion"] = 1;

        var (_, diagnostics) = Parse(root);

        Assert.Contains(diagnostics, d => d is { Code: "unknown-key", JsonPath: "$.LockVersion" });
        Assert.Contains(diagnostics, d => d is { Code: "missing", JsonPath: "$.lockVersion" });
    }

    [Fact]
    public void Parse_DuplicateKey_ReportsAnError()
    {
        var first = LockJson.DigestOf(LockJson.CudnnX86File);
        var second = LockJson.DigestOf("something else");
        var text = Encoding.UTF8.GetString(LockJson.Bytes(LockJson.Valid()))
            .Replace($"\"sha256\":\"{first}\"", $"\"sha256\":\"{first}\",\"sha256\":\"{second}\"", StringComparison.Ordinal);

        var (lockFile, diagnostics) = LockFileParser.Parse(LockPath, Encoding.UTF8.GetBytes(text));

        Assert.Null(lockFile);
        Assert.Contains(diagnostics, d => d is { Severity: DiagnosticSeverity.Error, JsonPath: A0 + ".sha256" });
    }

    [Theory]
    [InlineData("455f15075493c82a1a8850aae6120f3fa6f7e457cbef56c1cb2e0a618b5b509")] // 63 characters
    [InlineData("455f15075493c82a1a8850aae6120f3fa6f7e457cbef56c1cb2e0a618b5b509e0")] // 65 characters
    [InlineData("455F15075493C82A1A8850AAE6120F3FA6F7E457CBEF56C1CB2E0A618B5B509E")] // upper case
    [InlineData("455f15075493c82a1a8850aae6120f3fa6f7e457cbef56c1cb2e0a618b5b509E")] // one upper-case character
    [InlineData("sha256-RV8VB1STyCoaiFCuYSAPP6b35FfL71bByy4KBhi1sJ4=")] // SRI
    [InlineData("sha256:455f15075493c82a1a8850aae6120f3fa6f7e457cbef56c1cb2e0a618b5b509e")] // OCI prefix
    [InlineData("z55f15075493c82a1a8850aae6120f3fa6f7e457cbef56c1cb2e0a618b5b509e")] // not hex
    [InlineData("")]
    public void Parse_BadDigest_ReportsDigestAtSha256(string digest)
    {
        var root = LockJson.Valid();
        LockJson.ArtifactAt(root, 0, 0)["sha256"] = digest;

        var (lockFile, diagnostics) = Parse(root);

        Assert.Null(lockFile);
        AssertSingleError(diagnostics, "digest", A0 + ".sha256");
    }

    [Fact]
    public void Parse_DigestNotAString_ReportsTypeAtSha256()
    {
        var root = LockJson.Valid();
        LockJson.ArtifactAt(root, 0, 0)["sha256"] = 42;

        var (_, diagnostics) = Parse(root);

        AssertSingleError(diagnostics, "type", A0 + ".sha256");
    }

    [Theory]
    [InlineData("x86_64")]
    [InlineData("linux-sbsa")]
    [InlineData("linux-x86_64")]
    [InlineData("aarch64-darwin")]
    public void Parse_UnknownArtifactSystem_ReportsSystem(string system)
    {
        var root = LockJson.Valid();
        LockJson.ArtifactAt(root, 0, 0)["systems"] = new JsonArray(system);

        var (lockFile, diagnostics) = Parse(root);

        Assert.Null(lockFile);
        AssertSingleError(diagnostics, "system", A0 + ".systems[0]");
    }

    [Fact]
    public void Parse_UnknownRootSystem_ReportsSystemAtItsIndex()
    {
        var root = LockJson.Valid();
        root["systems"] = new JsonArray(LockJson.X86, "linux-sbsa");

        var (_, diagnostics) = Parse(root);

        AssertSingleError(diagnostics, "system", "$.systems[1]");
    }

    [Fact]
    public void Parse_EmptyArtifactSystems_ReportsCoverage()
    {
        var root = LockJson.Valid();
        LockJson.ArtifactAt(root, 0, 0)["systems"] = new JsonArray();

        var (_, diagnostics) = Parse(root);

        AssertSingleError(diagnostics, "coverage", A0 + ".systems");
    }

    [Theory]
    [InlineData("tar.bz2")]
    [InlineData("TAR.XZ")]
    [InlineData("tgz")]
    [InlineData("oci")]
    [InlineData("")]
    public void Parse_UnknownFormat_ReportsFormat(string format)
    {
        var root = LockJson.Valid();
        LockJson.ArtifactAt(root, 0, 0)["format"] = format;

        var (lockFile, diagnostics) = Parse(root);

        Assert.Null(lockFile);
        AssertSingleError(diagnostics, "format", A0 + ".format");
    }

    [Theory]
    [InlineData("tar.xz", ArtifactFormat.TarXz)]
    [InlineData("tar.gz", ArtifactFormat.TarGz)]
    [InlineData("wheel", ArtifactFormat.Wheel)]
    [InlineData("zip", ArtifactFormat.Zip)]
    [InlineData("makeself", ArtifactFormat.Makeself)]
    [InlineData("oci-image", ArtifactFormat.OciImage)]
    public void Parse_KnownFormat_MapsToEnum(string format, ArtifactFormat expected)
    {
        var root = LockJson.Valid();
        LockJson.ArtifactAt(root, 0, 0)["format"] = format;

        var (lockFile, diagnostics) = Parse(root);

        Assert.Empty(diagnostics);
        Assert.Equal(expected, lockFile!.Components[0].Artifacts[0].Format);
        Assert.Equal(format, expected.ToLockName());
    }

    [Fact]
    public void Parse_NullDigestWithoutUnpinned_ReportsUnpinnedAtSha256()
    {
        var root = LockJson.Valid();
        LockJson.ArtifactAt(root, 0, 0)["sha256"] = null;

        var (lockFile, diagnostics) = Parse(root);

        Assert.Null(lockFile);
        AssertSingleError(diagnostics, "unpinned", A0 + ".sha256");
    }

    [Fact]
    public void Parse_NullDigestWithUnpinnedReason_ParsesAsUnpinned()
    {
        var root = LockJson.Valid();
        var artifact = LockJson.ArtifactAt(root, 0, 0);
        artifact["sha256"] = null;
        artifact["unpinned"] = "upstream publishes no digest";

        var (lockFile, diagnostics) = Parse(root);

        Assert.Empty(diagnostics);
        var parsed = lockFile!.Components[0].Artifacts[0];
        Assert.False(parsed.IsPinned);
        Assert.Null(parsed.Sha256);
        Assert.Equal("upstream publishes no digest", parsed.UnpinnedReason);
    }

    [Fact]
    public void Parse_DigestAndUnpinnedReason_ReportsUnpinnedAtUnpinned()
    {
        var root = LockJson.Valid();
        LockJson.ArtifactAt(root, 0, 0)["unpinned"] = "but it is pinned";

        var (_, diagnostics) = Parse(root);

        AssertSingleError(diagnostics, "unpinned", A0 + ".unpinned");
    }

    [Fact]
    public void Parse_NullDigestWithBlankUnpinnedReason_ReportsEmptyAndUnpinned()
    {
        var root = LockJson.Valid();
        var artifact = LockJson.ArtifactAt(root, 0, 0);
        artifact["sha256"] = null;
        artifact["unpinned"] = "  ";

        var (_, diagnostics) = Parse(root);

        Assert.Contains(diagnostics, d => d is { Code: "empty", JsonPath: A0 + ".unpinned" });
        Assert.Contains(diagnostics, d => d is { Code: "unpinned", JsonPath: A0 + ".sha256" });
    }

    [Theory]
    [InlineData("ftp://mirror.example/nvidia/cudnn.tar.xz")]
    [InlineData("sftp://mirror.example/nvidia/cudnn.tar.xz")]
    [InlineData("mailto:someone@example.com")]
    [InlineData("cudnn-linux-x86_64-9.17.0.29_cuda13-archive.tar.xz")]
    [InlineData("https//missing-colon.example/cudnn.tar.xz")]
    public void Parse_BadUrl_ReportsUrl(string url)
    {
        var root = LockJson.Valid();
        LockJson.SourcesAt(root, 0, 0)[0]!["url"] = url;

        var (lockFile, diagnostics) = Parse(root);

        Assert.Null(lockFile);
        AssertSingleError(diagnostics, "url", S0 + ".url");
    }

    [Fact]
    public void Parse_BareAbsolutePath_ReportsUrl()
    {
        var root = LockJson.Valid();
        LockJson.SourcesAt(root, 0, 0)[0]!["url"] = "/srv/mirror/" + LockJson.CudnnX86File;

        var (lockFile, diagnostics) = Parse(root);

        Assert.Null(lockFile);
        AssertSingleError(diagnostics, "url", S0 + ".url");
    }

    [Theory]
    [InlineData("https://mirror.example/cudnn-linux-x86_64-9.17.0.29_cuda13-archive.tar.xz")]
    [InlineData("http://mirror.example/cudnn-linux-x86_64-9.17.0.29_cuda13-archive.tar.xz")]
    [InlineData("file:///srv/mirror/cudnn-linux-x86_64-9.17.0.29_cuda13-archive.tar.xz")]
    [InlineData("docker://nvcr.io/nvidia/tritonserver:25.12-trtllm-python-py3")]
    public void Parse_SupportedUrlScheme_HasNoDiagnostics(string url)
    {
        var root = LockJson.Valid();
        LockJson.SourcesAt(root, 0, 0)[0]!["url"] = url;

        var (lockFile, diagnostics) = Parse(root);

        Assert.Empty(diagnostics);
        Assert.Equal(new Uri(url), lockFile!.Components[0].Artifacts[0].Sources[0].Url);
    }

    [Theory]
    [InlineData("primary")]
    [InlineData("Mirror")]
    [InlineData("")]
    public void Parse_UnknownRole_ReportsRole(string role)
    {
        var root = LockJson.Valid();
        LockJson.SourcesAt(root, 0, 0)[0]!["role"] = role;

        var (_, diagnostics) = Parse(root);

        AssertSingleError(diagnostics, "role", S0 + ".role");
    }

    [Fact]
    public void Parse_EmptySources_ReportsSources()
    {
        var root = LockJson.Valid();
        LockJson.ArtifactAt(root, 0, 0)["sources"] = new JsonArray();

        var (_, diagnostics) = Parse(root);

        AssertSingleError(diagnostics, "sources", A0 + ".sources");
    }

    [Fact]
    public void Parse_EmptyArtifacts_ReportsCoverage()
    {
        var root = LockJson.Valid();
        LockJson.ComponentAt(root, 0)["artifacts"] = new JsonArray();

        var (_, diagnostics) = Parse(root);

        AssertSingleError(diagnostics, "coverage", C0 + ".artifacts");
    }

    [Theory]
    [InlineData("sub/cudnn.tar.xz")]
    [InlineData("../cudnn.tar.xz")]
    [InlineData(".")]
    [InlineData("..")]
    public void Parse_FileNotAPlainName_ReportsFile(string file)
    {
        var root = LockJson.Valid();
        LockJson.ArtifactAt(root, 0, 0)["file"] = file;

        var (lockFile, diagnostics) = Parse(root);

        Assert.Null(lockFile);
        AssertSingleError(diagnostics, "file", A0 + ".file");
    }

    [Theory]
    [InlineData("Cudnn")]
    [InlineData("1cudnn")]
    [InlineData("cu dnn")]
    public void Parse_BadComponentName_ReportsName(string name)
    {
        var root = LockJson.Valid();
        LockJson.ComponentAt(root, 0)["name"] = name;

        var (_, diagnostics) = Parse(root);

        AssertSingleError(diagnostics, "name", C0 + ".name");
    }

    [Theory]
    [InlineData("version", "$.components[0].version")]
    [InlineData("license", "$.components[0].license")]
    public void Parse_BlankComponentString_ReportsEmpty(string key, string path)
    {
        var root = LockJson.Valid();
        LockJson.ComponentAt(root, 0)[key] = " ";

        var (_, diagnostics) = Parse(root);

        AssertSingleError(diagnostics, "empty", path);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(0)]
    [InlineData(-1)]
    public void Parse_UnsupportedLockVersion_ReportsVersion(int version)
    {
        var root = LockJson.Valid();
        root["lockVersion"] = version;

        var (lockFile, diagnostics) = Parse(root);

        Assert.Null(lockFile);
        AssertSingleError(diagnostics, "version", "$.lockVersion");
    }

    [Theory]
    [InlineData("13")]
    [InlineData("v13.1.0")]
    [InlineData("13.1.0-rc1")]
    [InlineData("13..0")]
    [InlineData("13.1.0.0.0")]
    [InlineData("")]
    public void Parse_BadCudaVersion_ReportsVersionAtSdkCuda(string cuda)
    {
        var root = LockJson.Valid();
        root["sdk"]!["cuda"] = cuda;

        var (lockFile, diagnostics) = Parse(root);

        Assert.Null(lockFile);
        AssertSingleError(diagnostics, "version", "$.sdk.cuda");
    }

    [Fact]
    public void Parse_WrongValueTypes_ReportTypeAtEachPath()
    {
        var root = LockJson.Valid();
        root["lockVersion"] = "1";
        LockJson.ComponentAt(root, 0)["cudaMajor"] = 13.5;
        LockJson.ComponentAt(root, 0)["provides"] = "cudnn";
        LockJson.ArtifactAt(root, 0, 0)["size"] = "1234";
        LockJson.ArtifactAt(root, 0, 1)["file"] = 42;

        var (lockFile, diagnostics) = Parse(root);

        Assert.Null(lockFile);
        Assert.All(diagnostics, d => Assert.Equal(("type", DiagnosticSeverity.Error), (d.Code, d.Severity)));
        Assert.Equal(
            ["$.lockVersion", C0 + ".cudaMajor", C0 + ".provides", A0 + ".size", "$.components[0].artifacts[1].file"],
            diagnostics.Select(d => d.JsonPath));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void Parse_SizeNotPositive_ReportsSize(long size)
    {
        var root = LockJson.Valid();
        LockJson.ArtifactAt(root, 0, 0)["size"] = size;

        var (_, diagnostics) = Parse(root);

        AssertSingleError(diagnostics, "size", A0 + ".size");
    }

    [Fact]
    public void Parse_SeveralProblems_ReportsEveryOne()
    {
        var root = LockJson.Valid();
        root["lockVersion"] = 2;
        root["extra"] = true;
        LockJson.ComponentAt(root, 0).Remove("license");
        LockJson.ArtifactAt(root, 0, 0)["sha256"] = "sha256-RV8VB1STyCoaiFCuYSAPP6b35FfL71bByy4KBhi1sJ4=";
        LockJson.ArtifactAt(root, 0, 0)["format"] = "rar";
        LockJson.SourcesAt(root, 0, 0)[1]!["url"] = "ftp://upstream.example/" + LockJson.CudnnX86File;
        LockJson.ArtifactAt(root, 0, 1)["systems"] = new JsonArray("linux-sbsa");
        LockJson.ArtifactAt(root, 0, 1)["sha256"] = null;

        var (lockFile, diagnostics) = Parse(root);

        Assert.Null(lockFile);
        Assert.All(diagnostics, d => Assert.Equal(DiagnosticSeverity.Error, d.Severity));
        Assert.Equal(
            [
                ("digest", A0 + ".sha256"),
                ("format", A0 + ".format"),
                ("missing", C0 + ".license"),
                ("system", "$.components[0].artifacts[1].systems[0]"),
                ("unknown-key", "$.extra"),
                ("unpinned", "$.components[0].artifacts[1].sha256"),
                ("url", "$.components[0].artifacts[0].sources[1].url"),
                ("version", "$.lockVersion"),
            ],
            diagnostics.Select(d => (d.Code, d.JsonPath)).Order());
    }

    [Fact]
    public void Load_ValidFile_ReturnsLockWithItsPath()
    {
        using var dir = new TempDir();
        var path = dir.Combine("nvsdk.lock.json");
        File.WriteAllBytes(path, LockJson.Bytes(LockJson.Valid()));

        var lockFile = LockFileParser.Load(path);

        Assert.Equal(path, lockFile.Path);
        Assert.Single(lockFile.Components);
    }

    [Fact]
    public void Load_MissingFile_ThrowsLockFileExceptionNamingTheFile()
    {
        using var dir = new TempDir();
        var path = dir.Combine("absent.lock.json");

        var e = Assert.Throws<LockFileException>(() => LockFileParser.Load(path));

        Assert.Equal(path, e.File);
        Assert.Equal("$", e.JsonPath);
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.IsType<FileNotFoundException>(e.InnerException);
    }

    [Fact]
    public void Load_MissingDirectory_ThrowsLockFileException()
    {
        using var dir = new TempDir();
        var path = dir.Combine("no-such-dir", "nvsdk.lock.json");

        var e = Assert.Throws<LockFileException>(() => LockFileParser.Load(path));

        Assert.Equal(path, e.File);
        Assert.IsType<DirectoryNotFoundException>(e.InnerException);
    }

    [Fact]
    public void Load_MalformedJson_ThrowsLockFileExceptionAtRoot()
    {
        using var dir = new TempDir();
        var path = dir.Combine("nvsdk.lock.json");
        File.WriteAllText(path, "{ \"lockVersion\": ");

        var e = Assert.Throws<LockFileException>(() => LockFileParser.Load(path));

        Assert.Equal(path, e.File);
        Assert.Equal("$", e.JsonPath);
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
    }

    [Fact]
    public void Load_InvalidLock_ThrowsLockFileExceptionAtFirstErrorPath()
    {
        using var dir = new TempDir();
        var path = dir.Combine("nvsdk.lock.json");
        var root = LockJson.Valid();
        LockJson.ComponentAt(root, 0).Remove("version");
        File.WriteAllBytes(path, LockJson.Bytes(root));

        var e = Assert.Throws<LockFileException>(() => LockFileParser.Load(path));

        Assert.Equal(path, e.File);
        Assert.Equal(C0 + ".version", e.JsonPath);
    }

    private static (Nvsdk.Core.LockFile.LockFile? LockFile, IReadOnlyList<LockDiagnostic> Diagnostics) Parse(JsonObject root) =>
        LockFileParser.Parse(LockPath, LockJson.Bytes(root));

    private static JsonObject Container(JsonObject root, string which) => which switch
    {
        "root" => root,
        "sdk" => root["sdk"]!.AsObject(),
        "component" => LockJson.ComponentAt(root, 0),
        "artifact" => LockJson.ArtifactAt(root, 0, 0),
        "source" => LockJson.SourcesAt(root, 0, 0)[0]!.AsObject(),
        _ => throw new ArgumentOutOfRangeException(nameof(which), which, null),
    };

    private static void AssertSingleError(IReadOnlyList<LockDiagnostic> diagnostics, string code, string path)
    {
        var d = Assert.Single(diagnostics);
        Assert.Equal((code, path), (d.Code, d.JsonPath));
        Assert.Equal(DiagnosticSeverity.Error, d.Severity);
    }
}
