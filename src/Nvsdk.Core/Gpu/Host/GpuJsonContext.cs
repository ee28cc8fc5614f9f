using System.Text.Json.Serialization;
using Nvsdk.Core.Gpu.Doctor;

namespace Nvsdk.Core.Gpu.Host;

/// <summary>Source-generated JSON for snapshots and doctor reports (AOT-safe).</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(HostSnapshot))]
[JsonSerializable(typeof(DoctorReport))]
public sealed partial class GpuJsonContext : JsonSerializerContext;
