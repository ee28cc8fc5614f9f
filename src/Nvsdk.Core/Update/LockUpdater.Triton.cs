using System.Text.RegularExpressions;
using Nvsdk.Core.Errors;
using Nvsdk.Core.LockFile;
using Nvsdk.Core.Oci;
using Nvsdk.Core.Oci.Registry;
using Nvsdk.Core.Primitives;

namespace Nvsdk.Core.Update;

/// <summary>
/// Triton from NGC: the registry's tag list gives the releases (YY.MM-&lt;flavour&gt;); the newest one with the
/// lock's flavour whose image was built for the lock's CUDA major (NGC images say CUDA_VERSION in their
/// config) is resolved per platform, and each platform's manifest digest is what the lock pins. The lock
/// keeps nvcr.io in its URLs even when the tags were read from a mirror registry (digests are the same).
/// </summary>
public static partial class LockUpdater
{
    private const int TritonCandidates = 6;

    private static async Task<UpdateProposal?> TritonAsync(UpdateSources sources, Component component, int major, CancellationToken ct)
    {
        var old = component.Artifacts[0];
        var upstream = old.Sources.FirstOrDefault(s => s.Url.Scheme == "docker")
            ?? throw new NvsdkException(ErrorCode.InvalidInput, $"{component.Id}: no docker:// source to update from");
        var locked = ImageReference.Parse(upstream.Url.OriginalString);
        var tagMatch = TritonTag().Match(locked.Tag ?? string.Empty);
        if (!tagMatch.Success)
        {
            throw new NvsdkException(ErrorCode.InvalidInput, $"{locked}: the tag is not YY.MM-<flavour>, so newer releases cannot be told apart");
        }

        var flavour = tagMatch.Groups["flavour"].Value;
        var asked = sources.NgcRegistry is { } mirror && locked.Registry == "nvcr.io" ? locked with { Registry = mirror } : locked;
        using var client = new RegistryClient(sources.Registry);
        var tags = await client.ListTagsAsync(asked, ct).ConfigureAwait(false);
        var candidates = tags
            .Select(t => TritonTag().Match(t))
            .Where(m => m.Success && m.Groups["flavour"].Value == flavour)
            .Select(m => (Tag: m.Value, Version: new Version(int.Parse(m.Groups["yy"].Value, System.Globalization.CultureInfo.InvariantCulture), int.Parse(m.Groups["mm"].Value, System.Globalization.CultureInfo.InvariantCulture))))
            .OrderByDescending(c => c.Version)
            .Take(TritonCandidates)
            .ToList();
        var pinned = component.Artifacts.All(a => a.IsPinned);
        var notes = new List<string>();
        foreach (var (tag, version) in candidates)
        {
            var versionText = $"{version.Major:00}.{version.Minor:00}";
            if (pinned && !IsNewer(versionText, component.Version))
            {
                return null;
            }

            var image = asked with { Tag = tag, Digest = null };
            var artifacts = new List<ProposedArtifact>();
            string? cuda = null;
            foreach (var system in SystemId.All)
            {
                var resolved = await client.ResolveAsync(image, OciPlatforms.For(system), ct).ConfigureAwait(false);
                if (system == SystemId.X86_64Linux)
                {
                    var config = await client.GetConfigAsync(image, resolved.Parsed, ct).ConfigureAwait(false);
                    cuda = config.Config?.Env?.FirstOrDefault(e => e.StartsWith("CUDA_VERSION=", StringComparison.Ordinal))?["CUDA_VERSION=".Length..];
                }

                var lockedRef = locked with { Tag = tag, Digest = resolved.Manifest.Digest };
                artifacts.Add(new ProposedArtifact(
                    system,
                    $"tritonserver-{tag}-{OciPlatforms.For(system).Architecture}",
                    new Uri("docker://" + lockedRef),
                    resolved.Manifest.Digest,
                    resolved.TotalSize,
                    OldSize(component, system)));
            }

            if (cuda is not null && !cuda.StartsWith($"{major}.", StringComparison.Ordinal))
            {
                notes.Add($"{tag} is built on CUDA {cuda}");
                continue;
            }

            return new UpdateProposal(component.Id.Name, component.Version + (pinned ? string.Empty : " (unpinned)"), versionText, $"{asked.Registry}/{asked.Repository} tags", artifacts);
        }

        throw new NvsdkException(
            ErrorCode.InvalidInput,
            candidates.Count == 0
                ? $"{asked.Registry}/{asked.Repository}: no tag YY.MM{flavour}"
                : $"{asked.Registry}/{asked.Repository}: no recent {flavour[1..]} release for CUDA {major} ({string.Join("; ", notes)})");
    }

    [GeneratedRegex(@"^(?<yy>\d{2})\.(?<mm>\d{2})(?<flavour>-[a-z0-9.-]+)$")]
    private static partial Regex TritonTag();
}
