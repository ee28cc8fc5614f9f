using System.Formats.Tar;
using Nvsdk.Core.Errors;
using Nvsdk.Core.Unpack;

namespace Nvsdk.Core.Oci.Layers;

/// <summary>One tar member of one layer: a whiteout to record, or a member that is hidden or written.</summary>
internal sealed partial class FlattenSession
{
    private async Task ApplyAsync(int layer, long ordinal, TarEntry entry, CancellationToken cancellationToken)
    {
        if (entry.EntryType is TarEntryType.GlobalExtendedAttributes)
        {
            return;
        }

        if (++members > limits.MaxEntries)
        {
            throw writer.Refuse(entry.Name, $"more than {limits.MaxEntries} entries (archive bomb?)");
        }

        var path = ArchivePath.Normalize(entry.Name, out var problem) ?? throw writer.Refuse(entry.Name, problem!);
        if (path.Length == 0)
        {
            return; // the root folder itself
        }

        var name = path[(path.LastIndexOf('/') + 1)..];
        if (Whiteout.IsMarker(name))
        {
            ApplyWhiteout(layer, entry.Name, path, name);
            return;
        }

        if (Whiteout.UnderMarker(path))
        {
            return; // inside a folder named like a marker: no such folder can exist, so neither can this
        }

        var hidden = IsHidden(layer, entry.EntryType, path);
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                links.OnMember(Source(entry, path, layer, ordinal, hidden));
                if (!hidden)
                {
                    occlusion.Claim(path, ClaimKind.Directory, layer, writer.Archive, entry.Name);
                    writer.AddDirectory(entry.Name, path);
                    attributes.Record(path, entry);
                }

                break;
            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                await ApplyFileAsync(layer, ordinal, entry, path, hidden, cancellationToken).ConfigureAwait(false);
                break;
            case TarEntryType.SymbolicLink:
                links.OnMember(Source(entry, path, layer, ordinal, hidden));
                if (!hidden)
                {
                    occlusion.Claim(path, ClaimKind.Other, layer, writer.Archive, entry.Name);
                    writer.Symlink(entry.Name, path, SymlinkTargets.Rebase(path, entry.LinkName));
                }

                break;
            case TarEntryType.HardLink:
                ApplyHardLink(layer, entry, path, hidden);
                break;
            case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                // Creating these needs privileges and an SDK has no use for them: listed, not written.
                links.OnMember(Source(entry, path, layer, ordinal, hidden));
                if (!hidden)
                {
                    occlusion.Claim(path, ClaimKind.Other, layer, writer.Archive, entry.Name);
                    writer.EnsureParents(entry.Name, path);
                    skipped.Add(new SkippedLayerEntry(path, entry.EntryType, layers[layer].Digest));
                }

                break;
            default:
                if (!hidden)
                {
                    throw writer.Refuse(entry.Name, $"unsupported tar entry type {entry.EntryType}");
                }

                break;
        }
    }

    /// <summary>
    /// Whether a higher layer hides this member, or already holds its path (then this one is hidden too: a
    /// higher folder absorbs a lower one, anything else replaces it). A lower non-folder replaced by a higher
    /// folder takes with it whatever it hid, so that folder turns opaque for the layers further down.
    /// </summary>
    private bool IsHidden(int layer, TarEntryType type, string path)
    {
        if (occlusion.IsHidden(path, layer))
        {
            return true;
        }

        if (!occlusion.TryGetClaimAbove(path, layer, out var claim))
        {
            return false;
        }

        if (type != TarEntryType.Directory && claim.IsDirectory)
        {
            // A higher layer wrote below this name without saying what it is, and here it is a symlink: a tar
            // extractor would write through the link (perhaps out of the tree), overlayfs would not. Ambiguous at
            // best, an attack at worst: refused, naming the member that would go through the link.
            if (type == TarEntryType.SymbolicLink && claim.Kind == ClaimKind.ImpliedDirectory)
            {
                throw new UnsafeArchiveException(claim.Archive, claim.Entry, $"it would be written through the symlink '{path}' of layer {layers[layer].OciDigest}");
            }

            occlusion.MakeOpaque(path, layer);
        }

        return true;
    }

    private void ApplyWhiteout(int layer, string entry, string path, string name)
    {
        var folder = ArchivePath.Parent(path);
        if (Whiteout.IsOpaque(name))
        {
            occlusion.MakeOpaque(folder, layer);
        }
        else if (!Whiteout.IsReserved(name))
        {
            var victim = Whiteout.Victim(name) ?? throw writer.Refuse(entry, "a whiteout of its own folder or of its parent");
            occlusion.WhiteOut(folder.Length == 0 ? victim : $"{folder}/{victim}", layer);
        }
    }

    private async Task ApplyFileAsync(int layer, long ordinal, TarEntry entry, string path, bool hidden, CancellationToken cancellationToken)
    {
        // Hidden files cost no disk but are still decompressed: their declared sizes count against the budget.
        declaredBytes += entry.Length;
        if (declaredBytes > limits.MaxTotalBytes)
        {
            throw writer.Refuse(entry.Name, $"the layers hold more than {limits.MaxTotalBytes} bytes (archive bomb?)");
        }

        var group = links.OnMember(Source(entry, path, layer, ordinal, hidden));
        if (!hidden)
        {
            occlusion.Claim(path, ClaimKind.Other, layer, writer.Archive, entry.Name);
            await writer.FileAsync(entry.Name, path, entry.Mode, entry.Length, entry.DataStream ?? Stream.Null, cancellationToken).ConfigureAwait(false);
            attributes.Record(path, entry);
        }
        else if (HardLinkGroups.NeedsBytes(group))
        {
            await MaterializeAsync(group, entry, cancellationToken).ConfigureAwait(false);
        }
    }

    private void ApplyHardLink(int layer, TarEntry entry, string path, bool hidden)
    {
        // Link names are relative to the image root; one that is absolute or climbs out names nothing in it.
        var target = ArchivePath.Normalize(entry.LinkName, out _) is { Length: > 0 } normalized
            ? normalized
            : throw writer.Refuse(entry.Name, $"hard link to '{entry.LinkName}', outside the image");
        LinkRequest? request = null;
        if (!hidden)
        {
            occlusion.Claim(path, ClaimKind.Other, layer, writer.Archive, entry.Name);
            writer.EnsureParents(entry.Name, path);
            request = new LinkRequest(path, target, layer, writer.Archive, entry.Name);
        }

        links.OnHardLink(path, target, request);
    }

    private static LinkSource Source(TarEntry entry, string path, int layer, long ordinal, bool hidden) =>
        new(entry.EntryType, path, layer, ordinal, entry.Mode, Written: !hidden, entry.EntryType == TarEntryType.SymbolicLink ? entry.LinkName : null);
}
