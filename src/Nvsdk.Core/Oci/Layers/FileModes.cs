namespace Nvsdk.Core.Oci.Layers;

/// <summary>What a flattened tree keeps of each member's mode and modification time.</summary>
public enum FileModes
{
    /// <summary>
    /// Store trees, like every unpacked archive: 0755 or 0644, no setuid/setgid/sticky, mtimes at the epoch, so a
    /// shared, content-addressed entry is the same bytes and attributes whoever unpacked it.
    /// </summary>
    Normalized,

    /// <summary>
    /// `image export`: permission bits and the sticky bit as the layer records them (a 1777 /tmp stays 1777, or
    /// non-root processes cannot write there), and mtimes too (Python's .pyc cache and make compare them). The
    /// setuid and setgid bits are taken off and reported: the tree belongs to whoever exported it, so a kept
    /// setuid bit would run the image's programs as that user (root, often).
    /// </summary>
    Kept,

    /// <summary>As <see cref="Kept"/>, with setuid and setgid kept too (`image export --keep-setid`).</summary>
    KeptWithSetId,
}
