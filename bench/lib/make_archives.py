"""Benchmark fixture: COUNT tar.xz archives of ~MIB MiB (uncompressed) each, in NVIDIA's redistrib layout
(one top folder, lib/ and include/), made of this machine's real shared libraries and .NET assemblies, plus
a lock pinning them (mirror URLs on 127.0.0.1:PORT) and a SHA256SUMS file.
Usage: make_archives.py OUT COUNT MIB [--single-block] [--one-file]
--single-block compresses as NVIDIA does (one xz block: decodes on one core); the default is multi-block.
--one-file puts those MiB in one library-like file (as libcublasLt is): its cache entry is one layer."""
import hashlib, json, multiprocessing, os, subprocess, sys, tarfile
out, count, mib = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
single = "--single-block" in sys.argv[4:]
one_file = "--one-file" in sys.argv[4:]
pool = []
for root in ["/usr/lib/x86_64-linux-gnu", "/usr/share/dotnet", "/usr/lib/gcc", "/usr/libexec"]:
    for d, _, files in os.walk(root):
        for f in files:
            p = os.path.join(d, f)
            if os.path.isfile(p) and not os.path.islink(p) and os.path.getsize(p) > 4096:
                pool.append(p)
pool.sort()
budget = mib << 20


def plan():
    """Which pool files go into which archive: decided up front, so the archives can be built at once."""
    plans, i = [], 0
    for n in range(1, count + 1):
        members, size = [], 0
        while size < budget:
            members.append(pool[i % len(pool)])
            size += os.path.getsize(pool[i % len(pool)])
            i += 1
        plans.append((n, members))
    return plans


def build(job):
    n, members = job
    top = f"bench{n}-linux-x86_64-1.0.{n}-archive"
    path = os.path.join(out, top + ".tar.xz")
    if one_file:
        big = os.path.join(out, f".bench{n}-big.so")
        with open(big, "wb") as b:
            for src in members:
                b.write(open(src, "rb").read())
        members = [big]
    with open(path, "wb") as f:
        xz = subprocess.Popen(["xz", "-T1", "-1", "-c"] if single else ["xz", "-T2", "-1", "--block-size=16MiB", "-c"], stdin=subprocess.PIPE, stdout=f)
        with tarfile.open(fileobj=xz.stdin, mode="w|", format=tarfile.PAX_FORMAT) as t:
            for k, src in enumerate(members, 1):
                sub = "lib" if k % 5 else "include"
                t.add(src, arcname=f"{top}/{sub}/{k:05d}-{os.path.basename(src)}")
        xz.stdin.close()
        assert xz.wait() == 0
    if one_file:
        os.remove(big)
    h = hashlib.sha256(open(path, "rb").read()).hexdigest()
    print(f"  {top}.tar.xz {os.path.getsize(path) >> 20} MiB compressed", flush=True)
    return {"name": f"bench{n}", "version": f"1.0.{n}", "license": "bench", "artifacts": [{
        "file": top + ".tar.xz", "systems": ["x86_64-linux"], "format": "tar.xz", "sha256": h, "size": os.path.getsize(path),
        "sources": [{"url": f"http://127.0.0.1:PORT/{top}.tar.xz", "role": "mirror"}]}]}


with multiprocessing.Pool(min(count, os.cpu_count() or 1)) as workers:
    components = workers.map(build, plan())
json.dump({"lockVersion": 1, "sdk": {"cuda": "13.1.0"}, "systems": ["x86_64-linux"], "components": components},
          open(os.path.join(out, "bench.lock.json"), "w"), indent=2)
with open(os.path.join(out, "SHA256SUMS"), "w") as s:
    for c in components:
        s.write(f"{c['artifacts'][0]['sha256']}  {c['artifacts'][0]['file']}\n")
