using System.Text.Json.Serialization;
using Nvsdk.Core.Licenses;

namespace Nvsdk.Cli.Output;

/// <summary>`nvsdk licenses --json`: every licence of the lock, where its text is, and whether it is accepted.</summary>
internal sealed record JsonLicenses(string Root, IReadOnlyList<JsonLicense> Licenses);

internal sealed record JsonLicense(string Id, string Name, bool Proprietary, IReadOnlyList<string> Components, IReadOnlyList<string> TextInArchive, IReadOnlyList<string> Urls, LicenseAcceptance? Accepted);

/// <summary>`nvsdk licenses accept --json`: what was recorded.</summary>
internal sealed record JsonLicensesAccepted(string Record, IReadOnlyList<LicenseAcceptance> Accepted);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(JsonLicenses))]
[JsonSerializable(typeof(JsonLicensesAccepted))]
internal sealed partial class LicenseJsonContext : JsonSerializerContext;
