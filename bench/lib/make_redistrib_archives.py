#!/usr/bin/env python3
"""make_redistrib_archives.py MANIFEST OUT SCALE: one single-block tar.xz per CUDA toolkit package of NVIDIA's
redistrib manifest (the shipped lock's set, linux-x86_64), each about SCALE x the real archive's compressed size,
in NVIDIA's layout (<pkg>-linux-x86_64-<ver>-archive/), built from this machine's shared libraries (so xz decodes
at a realistic rate; random bytes would decode at memcpy speed). File counts are not in the manifest: about one
file per 4 MiB compressed (3..200), and cuda_cccl as ~4,000 small headers, as the real one is.
Writes OUT/bench.lock.json (sources http://127.0.0.1:PORT/<file>) and OUT/SHA256SUMS."""
import hashlib, json, lzma, os, subprocess, sys, tarfile
from concurrent.futures import ThreadPoolExecutor
PACKAGES = ("cuda_nvcc cuda_crt libnvvm cuda_cudart cuda_nvrtc libnvjitlink libnvptxcompiler libnvfatbin cuda_cccl "
            "cuda_culibos libcublas libcufft libcurand libcusolver libcusparse libnpp libnvjpeg cuda_cupti cuda_nvtx "
            "cuda_nvml_dev cuda_profiler_api cuda_cuobjdump cuda_nvdisasm cuda_nvprune cuda_cuxxfilt cuda_sanitizer_api cuda_gdb").split()
manifest, out, scale = json.load(open(sys.argv[1])), sys.argv[2], float(sys.argv[3]); os.makedirs(out, exist_ok=True)
pool = sorted(os.path.join(d, f) for r in ["/usr/lib/x86_64-linux-gnu", "/usr/lib/gcc", "/usr/libexec", "/usr/share/dotnet", "/usr/local/cuda/lib64"]
              for d, _, fs in os.walk(r) for f in fs
              if os.path.isfile(os.path.join(d, f)) and not os.path.islink(os.path.join(d, f)) and os.path.getsize(os.path.join(d, f)) > 4096)
sample = b"".join(open(p, "rb").read(1 << 20) for p in pool[:: max(1, len(pool) // 64)])[: 32 << 20]  # across the pool
ratio = len(sample) / len(lzma.compress(sample, preset=1))  # raw bytes per compressed byte at xz -1
def build(job):
    k, name = job; entry = manifest[name]["linux-x86_64"]; version = manifest[name]["version"]
    target = max(4096, int(int(entry["size"]) * scale)); raw = int(target * ratio)
    files = 4000 if name == "cuda_cccl" else min(200, max(3, target // (4 << 20)))
    top = f"{name}-linux-x86_64-{version}-archive"; path = os.path.join(out, top + ".tar.xz")
    with open(path, "wb") as f:
        xz = subprocess.Popen(["xz", "-T1", "-1", "-c"], stdin=subprocess.PIPE, stdout=f)
        with tarfile.open(fileobj=xz.stdin, mode="w|", format=tarfile.PAX_FORMAT) as t:
            per, i = raw // files, k * 7919
            for n in range(files):
                data = bytearray()
                while len(data) < per:
                    data += open(pool[i % len(pool)], "rb").read(per - len(data)); i += 1
                info = tarfile.TarInfo(f"{top}/{'include' if name == 'cuda_cccl' else 'lib'}/{name}-{n:05d}.bin"); info.size = len(data)
                import io; t.addfile(info, io.BytesIO(bytes(data)))
        xz.stdin.close(); xz.wait()
    return name, version, path, files
res = list(ThreadPoolExecutor(os.cpu_count()).map(build, enumerate(PACKAGES)))
comps, sums = [], []
for name, version, path, files in res:
    d = hashlib.sha256(open(path, "rb").read()).hexdigest(); f = os.path.basename(path); sums.append(f"{d}  {f}")
    comps.append({"name": name, "version": version, "license": "test", "cudaMajor": 13, "provides": [name],
                  "artifacts": [{"file": f, "systems": ["x86_64-linux"], "format": "tar.xz", "sha256": d, "size": os.path.getsize(path),
                                 "sources": [{"url": f"http://127.0.0.1:PORT/{f}", "role": "mirror"}]}]})
    print(f"  {f:70s} {os.path.getsize(path) / 2**20:8.1f} MiB xz, {files} files")
json.dump({"lockVersion": 1, "sdk": {"cuda": "13.1.1"}, "systems": ["x86_64-linux"], "components": comps}, open(os.path.join(out, "bench.lock.json"), "w"), indent=1)
open(os.path.join(out, "SHA256SUMS"), "w").write("\n".join(sums) + "\n")
