using System.Text;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Primitives;
using Nvsdk.Core.Update;
using Nvsdk.Testing;

namespace Nvsdk.Core.Tests.Update;

/// <summary>The real NVIDIA manifests (copies in tests/fixtures/redist, see SOURCES.md there).</summary>
public class RedistribManifestTests
{
    private static (string Product, string Release, IReadOnlyList<RedistribPackage> Packages) Load(string file)
    {
        var path = Path.Combine(RepoPaths.Root, "tests", "fixtures", "redist", file);
        return RedistribManifest.Parse(file, File.ReadAllBytes(path));
    }

    [Fact]
    public void Parse_Cuda1311_ReadsNvccForBothSystems()
    {
        var (product, release, packages) = Load("cuda_redistrib_13.1.1.json");
        Assert.Equal(("cuda", "13.1.1"), (product, release));
        var nvcc = packages.Where(p => p.Name == "cuda_nvcc").ToList();
        Assert.Equal([SystemId.X86_64Linux, SystemId.Aarch64Linux], nvcc.Select(p => p.System));
        var x86 = nvcc[0];
        Assert.Equal("13.1.115", x86.Version);
        Assert.Equal("cuda_nvcc-linux-x86_64-13.1.115-archive.tar.xz", x86.FileName);
        Assert.Equal(Sha256Digest.Parse("858a74e6caa36fc9b4fa1ec5e8d38f568ab8046ef93dca9ba8b3f01dee09f30d"), x86.Sha256);
        Assert.Equal(29853656, x86.Size);
        Assert.DoesNotContain(packages, p => p.RelativePath.Contains("windows", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("cudnn_redistrib_9.20.0.json", "cudnn", "9.20.0.48")]
    [InlineData("cutensor_redistrib_2.3.0.json", "libcutensor", "2.3.0.6")]
    public void Parse_CudaVariantNesting_GivesOneArtifactPerMajorAndSystem(string file, string name, string version)
    {
        var packages = Load(file).Packages.Where(p => p.Name == name).ToList();
        Assert.All(packages, p => Assert.Equal(version, p.Version));
        Assert.Equal(4, packages.Count); // cuda12 and cuda13 × x86_64 and sbsa
        var cuda13 = packages.Where(p => p.CudaMajor == 13).ToList();
        Assert.Equal(2, cuda13.Count);
        Assert.All(cuda13, p => Assert.EndsWith("_cuda13-archive.tar.xz", p.FileName, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_Cudnn920_Cuda13X86_HasTheManifestDigest()
    {
        var cudnn = Load("cudnn_redistrib_9.20.0.json").Packages.Single(p => p.Name == "cudnn" && p.CudaMajor == 13 && p.System == SystemId.X86_64Linux);
        Assert.Equal("73f091ee57668dc18e8b1b61811c0ddff2ec0b762efe613e9f27f9ebfd6c20c0", cudnn.Sha256.Hex);
        Assert.Equal(673041224, cudnn.Size);
    }

    [Theory]
    [InlineData("{ not json", "invalid JSON")]
    [InlineData("{\"release_label\": \"1\"}", "release_product")]
    [InlineData("{\"release_product\": \"cuda\", \"release_label\": \"1\", \"x\": {\"version\": \"1\", \"linux-x86_64\": {\"relative_path\": \"x/a.tar.xz\", \"sha256\": \"abc\", \"size\": \"1\"}}}", "x.linux-x86_64.sha256")]
    [InlineData("{\"release_product\": \"cuda\", \"release_label\": \"1\", \"x\": {\"version\": \"1\", \"linux-sbsa\": {\"relative_path\": \"x/a.tar.xz\", \"sha256\": \"" + "0000000000000000000000000000000000000000000000000000000000000000" + "\", \"size\": \"big\"}}}", "x.linux-sbsa.size")]
    [InlineData("null", "(root)")]
    [InlineData("[]", "(root)")]
    [InlineData("{\"release_product\": \"cuda\", \"release_label\": \"1\", \"x\": {\"version\": \"1\", \"linux-x86_64\": \"a string\"}}", "x.linux-x86_64")]
    [InlineData("{\"release_product\": \"cuda\", \"release_label\": \"1\", \"x\": {\"version\": \"1\", \"linux-x86_64\": {\"cuda13\": []}}}", "x.linux-x86_64.cuda13")]
    [InlineData("{\"release_product\": \"cuda\", \"release_label\": \"1\", \"x\": {\"version\": 7}}", "x.version")]
    public void Parse_Malformed_NamesTheField(string json, string mention)
    {
        var e = Assert.Throws<NvsdkException>(() => RedistribManifest.Parse("m.json", Encoding.UTF8.GetBytes(json)));
        Assert.Equal(ErrorCode.InvalidInput, e.Code);
        Assert.Contains(mention, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("../../evil/x.tar.xz")]
    [InlineData("https://evil.example/x.tar.xz")]
    [InlineData("//evil.example/x.tar.xz")]
    [InlineData("/abs/x.tar.xz")]
    [InlineData("x/./y.tar.xz")]
    [InlineData("x/%2e%2e/y.tar.xz")]
    public void Parse_RelativePathLeavingItsFolder_Refused(string path)
    {
        var json = "{\"release_product\": \"cuda\", \"release_label\": \"1\", \"x\": {\"version\": \"1\", \"linux-x86_64\": {\"relative_path\": \"" + path
            + "\", \"sha256\": \"" + new string('0', 64) + "\", \"size\": \"1\"}}}";
        var e = Assert.Throws<NvsdkException>(() => RedistribManifest.Parse("m.json", Encoding.UTF8.GetBytes(json)));
        Assert.Contains("x.linux-x86_64.relative_path", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_BrokenPackageNotWanted_OthersStillRead()
    {
        var json = "{\"release_product\": \"cudnn\", \"release_label\": \"1\", \"broken\": {\"version\": []}, \"x\": {\"version\": \"1\", \"linux-x86_64\": {\"relative_path\": \"x/a.tar.xz\", \"sha256\": \""
            + new string('0', 64) + "\", \"size\": \"1\"}}}";
        var packages = RedistribManifest.Parse("m.json", Encoding.UTF8.GetBytes(json), name => name == "x").Packages;
        Assert.Equal("x", Assert.Single(packages).Name);
    }

    [Fact]
    public void Resolve_PathInFolder_StaysOnTheManifestsHost()
    {
        var folder = new Uri("https://developer.download.nvidia.com/compute/cudnn/redist/");
        Assert.Equal("https://developer.download.nvidia.com/compute/cudnn/redist/cudnn/linux-x86_64/a.tar.xz", ManifestPath.Resolve(folder, "cudnn/linux-x86_64/a.tar.xz", "m.json").ToString());
        Assert.Throws<NvsdkException>(() => ManifestPath.Resolve(folder, "https://evil.example/x", "m.json"));
    }
}
