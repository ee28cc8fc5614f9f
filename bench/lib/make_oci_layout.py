"""Benchmark fixture: an OCI image layout (oci-layout, index.json, blobs/) with one tar+gzip layer per
folder given, as `docker build` would push it. Usage: make_oci_layout.py OUT TAG DIR...
gzip -1 keeps building fast; pull speed is what the benchmark measures."""
import hashlib, json, os, subprocess, sys, tarfile, tempfile

out, tag, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
blobs = os.path.join(out, "blobs", "sha256")
os.makedirs(blobs, exist_ok=True)

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()

def put_blob(path):
    digest = sha256_file(path)
    os.replace(path, os.path.join(blobs, digest))
    return digest

def put_bytes(data):
    digest = hashlib.sha256(data).hexdigest()
    with open(os.path.join(blobs, digest), "wb") as f:
        f.write(data)
    return digest, len(data)

layers, diff_ids = [], []
for n, d in enumerate(dirs):
    with tempfile.NamedTemporaryFile(dir=out, delete=False) as raw:
        with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as t:
            t.add(d, arcname=f"opt/layer{n}")
    diff_ids.append("sha256:" + sha256_file(raw.name))
    gz = raw.name + ".gz"
    with open(gz, "wb") as f:
        subprocess.run(["gzip", "-1", "-c", raw.name], stdout=f, check=True)
    os.remove(raw.name)
    size = os.path.getsize(gz)
    layers.append({"mediaType": "application/vnd.oci.image.layer.v1.tar+gzip", "digest": "sha256:" + put_blob(gz), "size": size})

config = json.dumps({"architecture": "amd64", "os": "linux", "config": {"Env": ["CUDA_VERSION=13.1.0"]},
                     "rootfs": {"type": "layers", "diff_ids": diff_ids}}).encode()
cdigest, csize = put_bytes(config)
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": {"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + cdigest, "size": csize},
                       "layers": layers}).encode()
mdigest, msize = put_bytes(manifest)
with open(os.path.join(out, "oci-layout"), "w") as f:
    f.write('{"imageLayoutVersion":"1.0.0"}')
with open(os.path.join(out, "index.json"), "w") as f:
    json.dump({"schemaVersion": 2, "manifests": [{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + mdigest,
               "size": msize, "annotations": {"org.opencontainers.image.ref.name": tag}}]}, f)
print(f"sha256:{mdigest} {sum(l['size'] for l in layers) >> 20} MiB in {len(layers)} layers")
