using System.Text.Json.Nodes;
using Nvsdk.Testing;

namespace Nvsdk.Cli.Tests;

/// <summary>
/// The licence gate of `install` and `fetch` (nothing is requested from the mirror before the licences are
/// accepted; each way of accepting works and is recorded), the licence texts every generation carries, and its
/// SBOM checked against CycloneDX's own schema and against the lock's digests.
/// </summary>
public sealed class LicenseAndSbomTests(FixtureServer fixtures) : IClassFixture<FixtureServer>, IDisposable
{
    private static readonly string[] Proprietary = ["NVIDIA-CUDA-EULA", "NVIDIA-TensorRT-SLA", "NVIDIA-cuDNN-SLA", "NVIDIA-cuTENSOR-SLA"];

    private static readonly Dictionary<string, string?> NotAccepted = new() { ["NVSDK_ACCEPT_LICENSES"] = null };

    private readonly TempDir temp = new();

    private string Root => temp.Combine("root");

    private string Current => Path.Combine(Root, "generations", "current");

    public void Dispose() => temp.Dispose();

    /// <summary>A lock whose every source is under a location used by no other test: any request shows in the log.</summary>
    private (string Lock, string Marker) UniqueLock()
    {
        var marker = $"gate-{Guid.NewGuid():N}";
        var path = FixtureLock.Write(temp.Combine("lock.json"), fixtures.Artifacts, a => [($"{fixtures.Nginx.BaseUrl}/{marker}/{a.FileName}", "mirror"), ($"{fixtures.Nginx.BaseUrl}/{marker}/upstream/{a.FileName}", "upstream")]);
        return (path, marker);
    }

    private string Lock() => fixtures.WriteLock(temp.Combine("lock.json"), "mirror", "upstream");

    [Theory]
    [InlineData("install")]
    [InlineData("fetch")]
    public async Task NoAcceptance_Exit2NamingEachLicence_NothingRequested(string verb)
    {
        var (lockFile, marker) = UniqueLock();

        var result = await Nvsdk.RunWithAsync(NotAccepted, verb, "--lock", lockFile, "--root", Root);

        Assert.True(result.ExitCode == 2, result.ToString());
        foreach (var id in Proprietary)
        {
            Assert.Contains(id, result.Stderr, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("cutlass", result.Stderr, StringComparison.Ordinal); // an open licence needs no acceptance
        Assert.Contains("--accept-licenses", result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(fixtures.Nginx.ReadAccessLog(), l => l.Path.Contains(marker, StringComparison.Ordinal));
        Assert.False(Directory.Exists(Path.Combine(Root, "store")), "nothing may be written before the licences are accepted");
    }

    [Fact]
    public async Task OpenLicencesOnly_NeedNoAcceptance()
    {
        var result = await Nvsdk.RunWithAsync(NotAccepted, "fetch", "--lock", Lock(), "--root", Root, "cutlass", "nccl");
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public static TheoryData<string> Ways => ["licenses accept", "--accept-licenses", "NVSDK_ACCEPT_LICENSES", "host.toml acceptLicenses"];

    [Theory]
    [MemberData(nameof(Ways))]
    public async Task EachWayOfAccepting_Installs_AndTheGenerationNamesTheAcceptance(string way)
    {
        var lockFile = Lock();
        var environment = new Dictionary<string, string?>(NotAccepted);
        var extra = new List<string>();
        switch (way)
        {
            case "licenses accept":
                var accept = await Nvsdk.RunWithAsync(NotAccepted, "licenses", "accept", "--all", "--lock", lockFile, "--root", Root);
                Assert.True(accept.ExitCode == 0, accept.ToString());
                break;
            case "--accept-licenses":
                extra.Add("--accept-licenses");
                break;
            case "NVSDK_ACCEPT_LICENSES":
                environment["NVSDK_ACCEPT_LICENSES"] = "1";
                break;
            default:
                var toml = temp.Combine("host.toml");
                await File.WriteAllTextAsync(toml, $"acceptLicenses = [{string.Join(", ", Proprietary.Select(p => $"\"{p}\""))}]\n");
                environment["NVSDK_HOST_CONFIG"] = toml;
                break;
        }

        var install = await Nvsdk.RunWithAsync(environment, ["install", "--lock", lockFile, "--root", Root, .. extra]);

        Assert.True(install.ExitCode == 0, install.ToString());
        var record = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Root, "generations", "sdk-1.json")))!;
        var licenses = record["licenses"]!.AsArray();
        var expectedVia = way == "licenses accept" ? "nvsdk licenses accept" : way;
        foreach (var id in Proprietary)
        {
            var license = licenses.Single(l => (string?)l!["id"] == id)!;
            var acceptance = license["acceptance"]!;
            Assert.Equal(expectedVia, (string?)acceptance["via"]);
            Assert.Equal(64, ((string?)acceptance["textSha256"])!.Length);
            Assert.False(string.IsNullOrEmpty((string?)acceptance["user"]));
        }

        Assert.Null(licenses.Single(l => (string?)l!["id"] == "BSD-3-Clause")!["acceptance"]);
        if (way == "licenses accept")
        {
            var recorded = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Root, "licenses.json")))!["accepted"]!.AsArray();
            Assert.Equal(Proprietary.Order(StringComparer.Ordinal), recorded.Select(a => (string)a!["id"]!).Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task LicensesAccept_UnknownId_Exit2NamingTheKnownOnes()
    {
        var result = await Nvsdk.RunAsync("licenses", "accept", "NVIDIA-CUDA-EUA", "--lock", Lock(), "--root", Root);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("NVIDIA-CUDA-EULA", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Root, "licenses.json")));
    }

    [Fact]
    public async Task Licenses_Json_ListsEveryLicenceWithComponentsTextAndUrl()
    {
        var result = await Nvsdk.RunAsync("licenses", "--lock", Lock(), "--root", Root, "--json");
        Assert.True(result.ExitCode == 0, result.ToString());
        var licenses = JsonNode.Parse(result.Stdout)!["licenses"]!.AsArray();
        Assert.Equal(Proprietary.Append("BSD-3-Clause").Order(StringComparer.Ordinal), licenses.Select(l => (string)l!["id"]!).Order(StringComparer.Ordinal));
        var bsd = licenses.Single(l => (string?)l!["id"] == "BSD-3-Clause")!;
        Assert.Equal(["cutlass 4.3.3", "nccl 2.28.9"], bsd["components"]!.AsArray().Select(c => (string)c!));
        Assert.Equal(["cutlass: LICENSE.txt", "nccl: *.dist-info/LICENSE.txt (the wheel's metadata)"], bsd["textInArchive"]!.AsArray().Select(c => (string)c!));
        Assert.All(licenses, l => Assert.All(l!["urls"]!.AsArray(), u => Assert.StartsWith("https://", (string?)u, StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Install_EveryComponentsLicenceTextLandsInTheGeneration()
    {
        var install = await Nvsdk.RunAsync("install", "--lock", Lock(), "--root", Root);
        Assert.True(install.ExitCode == 0, install.ToString());
        var texts = Directory.GetFiles(Path.Combine(Current, "share", "licenses")).Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal).ToArray();
        // Each CUDA redistrib package carries its own LICENSE, kept under its component's name.
        Assert.Equal(["LICENSE-cuda_cudart.txt", "LICENSE-cuda_nvcc.txt", "LICENSE-cuda_nvrtc.txt", "LICENSE-cudnn.txt", "LICENSE-cutensor.txt", "LICENSE-cutlass.txt", "LICENSE-libnvvm.txt", "LICENSE-nccl.txt", "LICENSE-tensorrt.txt"], texts);
        Assert.Contains("TensorRT", await File.ReadAllTextAsync(Path.Combine(Current, "share", "licenses", "LICENSE-tensorrt.txt")), StringComparison.Ordinal);
        Assert.Contains("NCCL", await File.ReadAllTextAsync(Path.Combine(Current, "share", "licenses", "LICENSE-nccl.txt")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sbom_ValidatesAgainstCycloneDxSchema_AndCarriesTheLocksDigests()
    {
        var lockFile = Lock();
        var install = await Nvsdk.RunAsync("install", "--lock", lockFile, "--root", Root);
        Assert.True(install.ExitCode == 0, install.ToString());
        var sbom = await Nvsdk.RunAsync("sbom", "--root", Root);
        Assert.True(sbom.ExitCode == 0, sbom.ToString());

        Assert.Empty(CycloneDxSchema.Errors(sbom.Stdout));
        Assert.Equal(await File.ReadAllTextAsync(Path.Combine(Current, "sbom.cdx.json")) + "\n", sbom.Stdout);
        var bom = JsonNode.Parse(sbom.Stdout)!;
        var pinned = JsonNode.Parse(await File.ReadAllTextAsync(lockFile))!["components"]!.AsArray()
            .SelectMany(c => c!["artifacts"]!.AsArray().Where(a => a!["systems"]!.AsArray().Any(s => (string?)s == "x86_64-linux")).Select(a => ((string)c!["name"]!, (string)a!["file"]!, (string)a!["sha256"]!)))
            .Order()
            .ToList();
        var listed = bom["components"]!.AsArray()
            .Select(c => ((string)c!["name"]!, Property(c, "nvsdk:artifact"), (string)c["hashes"]![0]!["content"]!))
            .Order()
            .ToList();
        Assert.Equal(pinned, listed);
        Assert.All(bom["components"]!.AsArray(), c => Assert.Equal(64, Property(c!, "nvsdk:tree-sha256").Length));
        Assert.Equal("nvsdk", (string?)bom["metadata"]!["tools"]!["components"]![0]!["name"]);
    }

    [Fact]
    public void Schema_BrokenBom_IsRejected()
    {
        var broken = """{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{"type":"library","name":"x","hashes":[{"alg":"SHA-256","content":"not hex"}]}]}""";
        Assert.NotEmpty(CycloneDxSchema.Errors(broken));
    }

    [Fact]
    public async Task Sbom_Spdx_DescribesTheSdkWithEveryPackageChecksummed()
    {
        var install = await Nvsdk.RunAsync("install", "--lock", Lock(), "--root", Root);
        Assert.True(install.ExitCode == 0, install.ToString());
        var spdx = await Nvsdk.RunAsync("sbom", "--root", Root, "--format", "spdx");
        Assert.True(spdx.ExitCode == 0, spdx.ToString());
        var doc = JsonNode.Parse(spdx.Stdout)!;
        Assert.Equal("SPDX-2.3", (string?)doc["spdxVersion"]);
        var packages = doc["packages"]!.AsArray();
        Assert.All(packages.Skip(1), p => Assert.Equal("SHA256", (string?)p!["checksums"]![0]!["algorithm"]));
        Assert.Contains(packages, p => (string?)p!["licenseDeclared"] == "LicenseRef-NVIDIA-CUDA-EULA");
        Assert.Contains(doc["hasExtractedLicensingInfos"]!.AsArray(), l => (string?)l!["licenseId"] == "LicenseRef-NVIDIA-CUDA-EULA");
        Assert.Equal(packages.Count - 1, doc["relationships"]!.AsArray().Count(r => (string?)r!["relationshipType"] == "CONTAINS"));
    }

    [Fact]
    public async Task Sbom_NothingInstalled_Exit2()
    {
        var result = await Nvsdk.RunAsync("sbom", "--root", Root);
        Assert.Equal(2, result.ExitCode);
    }

    private static string Property(JsonNode component, string name) =>
        (string)component["properties"]!.AsArray().Single(p => (string?)p!["name"] == name)!["value"]!;
}
