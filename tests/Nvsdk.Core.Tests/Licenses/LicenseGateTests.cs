using Nvsdk.Core.Licenses;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Tests.Licenses;

/// <summary>The licence gate over the shipped lock's licence names: what needs accepting, and what counts as accepted.</summary>
public class LicenseGateTests
{
    private static Component Component(string name, string license) =>
        new(ComponentId.Parse(name), "1.0", license, 13, [], [], "$");

    private static readonly IReadOnlyList<LicenseRequirement> Shipped = LicenseRequirement.Of(
    [
        Component("cuda", "NVIDIA CUDA Toolkit EULA"),
        Component("cudnn", "NVIDIA cuDNN Software License Agreement"),
        Component("nccl", "NVIDIA NCCL License (BSD-3-Clause)"),
        Component("cutlass", "BSD-3-Clause"),
    ]);

    [Fact]
    public void Of_SharedOpenLicence_IsOneRequirementNamingBothComponents()
    {
        var bsd = Shipped.Single(r => r.License.Id == "BSD-3-Clause");
        Assert.False(bsd.License.Proprietary);
        Assert.Equal(["cutlass 1.0", "nccl 1.0"], bsd.Components);
    }

    [Fact]
    public void Check_NothingAccepted_ThrowsNamingEveryProprietaryLicenceOnly()
    {
        var e = Assert.Throws<LicenseNotAcceptedException>(() => LicenseGate.Check(Shipped, [], new LicenseConsent()));
        Assert.Equal(["NVIDIA-CUDA-EULA", "NVIDIA-cuDNN-SLA"], e.Missing.Select(m => m.License.Id));
        Assert.Equal(Core.Errors.ErrorCode.InvalidInput, e.Code);
        Assert.NotNull(e.Hint);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("all")]
    [InlineData("NVIDIA-CUDA-EULA,nvidia-cudnn-sla")]
    public void Check_EnvironmentConsent_AcceptsWhatItNames(string value)
    {
        var grants = LicenseGate.Check(Shipped, [], new LicenseConsent(Environment: value));
        Assert.All(grants.Where(g => g.Requirement.License.Proprietary), g => Assert.Equal(LicenseAcceptance.ViaEnvironment, g.Acceptance!.Via));
        Assert.Null(grants.Single(g => g.Requirement.License.Id == "BSD-3-Clause").Acceptance);
    }

    [Fact]
    public void Check_EnvironmentNamingOneOfTwo_StillRefusesTheOther()
    {
        var e = Assert.Throws<LicenseNotAcceptedException>(() => LicenseGate.Check(Shipped, [], new LicenseConsent(Environment: "NVIDIA-CUDA-EULA")));
        Assert.Equal("NVIDIA-cuDNN-SLA", Assert.Single(e.Missing).License.Id);
    }

    [Fact]
    public void Check_RecordedAcceptance_WinsAndIsKeptAsRecorded()
    {
        var recorded = Shipped.Where(r => r.License.Proprietary).Select(r => LicenseAcceptance.Now(r.License, LicenseAcceptance.ViaCommand)).ToList();
        var grants = LicenseGate.Check(Shipped, recorded, new LicenseConsent(Flag: true));
        Assert.Equal(recorded, grants.Where(g => g.Acceptance is not null).Select(g => g.Acceptance!));
    }

    [Fact]
    public void Check_RecordedForAnotherText_DoesNotCount()
    {
        var cuda = Shipped.Single(r => r.License.Id == "NVIDIA-CUDA-EULA").License;
        var stale = LicenseAcceptance.Now(cuda, LicenseAcceptance.ViaCommand) with { TextSha256 = new string('0', 64) };
        var e = Assert.Throws<LicenseNotAcceptedException>(() => LicenseGate.Check(Shipped, [stale], new LicenseConsent(HostConfig: ["NVIDIA-cuDNN-SLA"])));
        Assert.Equal("NVIDIA-CUDA-EULA", Assert.Single(e.Missing).License.Id);
    }

    [Theory]
    [InlineData("NVIDIA Driver License", "NVIDIA-Driver-License", true)]
    [InlineData("MIT", "MIT", false)]
    [InlineData("fixture", "fixture", true)]
    public void Catalog_UnknownLicence_IsProprietaryUnlessOpenSpdx(string text, string id, bool proprietary)
    {
        var license = LicenseCatalog.Of(Component("x", text));
        Assert.Equal(id, license.Id);
        Assert.Equal(proprietary, license.Proprietary);
    }
}
