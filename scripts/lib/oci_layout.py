"""Writes an OCI image layout (oci-layout, index.json, blobs/sha256/…): one tar+gzip layer per (folder, prefix)
pair, a config with the given run settings, a manifest, and index.json naming it by tag. Shared by
scripts/build-image.sh (nvsdk's own image) and bench/cache-vs-source.sh. Layers are reproducible: members
sorted, owners root, mtimes fixed (SOURCE_DATE_EPOCH or 1), gzip without a timestamp."""
import gzip, hashlib, io, json, os, tarfile, tempfile

EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "1"))


def _sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _normalise(info):
    info.uid = info.gid = 0
    info.uname = info.gname = "root"
    info.mtime = EPOCH
    return info


def _add_tree(tar, folder, prefix):
    """Adds folder's content under prefix, sorted, without following symlinks."""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        rel = os.path.relpath(dirpath, folder)
        base = prefix if rel == "." else os.path.join(prefix, rel)
        if base:
            tar.addfile(_normalise(tar.gettarinfo(dirpath, arcname=base)))
        for name in sorted(filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]):
            path = os.path.join(dirpath, name)
            info = _normalise(tar.gettarinfo(path, arcname=os.path.join(base, name)))
            if info.isreg():
                with open(path, "rb") as f:
                    tar.addfile(info, f)
            else:
                tar.addfile(info)


def write(out, tag, layers, config_extra=None, architecture="amd64", gzip_level=6, annotations=None):
    """layers: [(folder, prefix)], bottom first. Returns the manifest digest ("sha256:…")."""
    blobs = os.path.join(out, "blobs", "sha256")
    os.makedirs(blobs, exist_ok=True)
    descriptors, diff_ids = [], []
    for folder, prefix in layers:
        with tempfile.NamedTemporaryFile(dir=out, delete=False) as raw:
            with tarfile.open(fileobj=raw, mode="w", format=tarfile.GNU_FORMAT) as tar:
                _add_tree(tar, folder, prefix)
        diff_ids.append("sha256:" + _sha256_file(raw.name))
        gz = raw.name + ".gz"
        with open(raw.name, "rb") as src, open(gz, "wb") as dst:
            # filename="": otherwise gzip records the random temp file name in its header.
            with gzip.GzipFile(filename="", fileobj=dst, mode="wb", compresslevel=gzip_level, mtime=0) as z:
                for chunk in iter(lambda: src.read(1 << 20), b""):
                    z.write(chunk)
        os.remove(raw.name)
        digest = _sha256_file(gz)
        descriptors.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + digest, "size": os.path.getsize(gz)})
        os.replace(gz, os.path.join(blobs, digest))

    config = {"architecture": architecture, "os": "linux", "config": config_extra or {},
              "rootfs": {"type": "layers", "diff_ids": diff_ids},
              "history": [{"created_by": f"layer {i}: {prefix or '/'}"} for i, (_, prefix) in enumerate(layers)]}
    cdigest, csize = _put(blobs, json.dumps(config, sort_keys=True).encode())
    manifest = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + cdigest, "size": csize},
                "layers": descriptors}
    if annotations:
        manifest["annotations"] = annotations
    mdigest, msize = _put(blobs, json.dumps(manifest, sort_keys=True).encode())
    with open(os.path.join(out, "oci-layout"), "w") as f:
        f.write('{"imageLayoutVersion":"1.0.0"}')
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                   "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + mdigest,
                                  "size": msize, "annotations": {"org.opencontainers.image.ref.name": tag}}]}, f)
    return "sha256:" + mdigest, sum(d["size"] for d in descriptors)


def _put(blobs, data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return digest, len(data)


def write_index(out, tag, platforms, annotations=None):
    """A multi-platform image: platforms = [(architecture, layers, config_extra)]; each becomes a manifest (as
    write() makes it) and index.json names one OCI index of them by tag. Returns (index digest, total layer size)."""
    manifests, total = [], 0
    for architecture, layers, config_extra in platforms:
        digest, size = write(out, tag, layers, config_extra=config_extra, architecture=architecture, annotations=annotations)
        total += size
        data = open(os.path.join(out, "blobs", "sha256", digest.split(":", 1)[1]), "rb").read()
        manifests.append({"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": digest, "size": len(data),
                          "platform": {"architecture": architecture, "os": "linux"}})
    index = {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": manifests}
    if annotations:
        index["annotations"] = annotations
    idigest, isize = _put(os.path.join(out, "blobs", "sha256"), json.dumps(index, sort_keys=True).encode())
    with open(os.path.join(out, "index.json"), "w") as f:
        json.dump({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json",
                   "manifests": [{"mediaType": "application/vnd.oci.image.index.v1+json", "digest": "sha256:" + idigest,
                                  "size": isize, "annotations": {"org.opencontainers.image.ref.name": tag}}]}, f)
    return "sha256:" + idigest, total
