#!/usr/bin/env python3
"""redist-lock.py MANIFEST BASE_LOCK OUT: BASE_LOCK with its `cuda` runfile component replaced by the CUDA toolkit's
redistrib packages from NVIDIA's MANIFEST (redistrib_<version>.json): real sha256 and sizes, linux-x86_64 for
x86_64-linux and linux-sbsa for aarch64-linux, without Nsight, the driver, fabric manager, IMEX and MFT; sdk.cuda
and sdk.driver (doctor's floor) from the manifest's release_label and nvidia_driver.version.
How nvsdk.lock.json was made from examples/nvsdk-cuda-13.1.0-runfile.lock.json and redistrib_13.1.1.json; once a
lock has this form, `nvsdk update` moves each package along NVIDIA's newer manifests itself."""
import json, sys
PACKAGES = ("cuda_nvcc cuda_crt libnvvm cuda_cudart cuda_nvrtc libnvjitlink libnvptxcompiler libnvfatbin cuda_cccl "
            "cuda_culibos libcublas libcufft libcurand libcusolver libcusparse libnpp libnvjpeg cuda_cupti cuda_nvtx "
            "cuda_nvml_dev cuda_profiler_api cuda_cuobjdump cuda_nvdisasm cuda_nvprune cuda_cuxxfilt cuda_sanitizer_api cuda_gdb").split()
SYSTEMS = {"linux-x86_64": "x86_64-linux", "linux-sbsa": "aarch64-linux"}
UPSTREAM = "https://developer.download.nvidia.com/compute/cuda/redist/"
manifest, base, out = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), sys.argv[3]
components = []
for name in PACKAGES:
    entry = manifest[name]
    artifacts = [{"file": entry[p]["relative_path"].rsplit("/", 1)[1], "systems": [s], "format": "tar.xz",
                  "sha256": entry[p]["sha256"], "size": int(entry[p]["size"]),
                  "sources": [{"url": UPSTREAM + entry[p]["relative_path"], "role": "upstream"}]}
                 for p, s in SYSTEMS.items() if p in entry]
    missing = [s for p, s in SYSTEMS.items() if p not in entry]
    if missing:
        sys.exit(f"{name} has no archive for {', '.join(missing)} in {sys.argv[1]}")
    license = entry.get("license", "CUDA Toolkit")
    license = "NVIDIA CUDA Toolkit EULA" if license == "CUDA Toolkit" else license  # the name the licence catalog knows
    components.append({"name": name, "version": entry["version"], "license": license,
                       "cudaMajor": int(manifest["release_label"].split(".")[0]), "provides": [name, "cuda"], "artifacts": artifacts})
rest = [c for c in base["components"] if c["name"] != "cuda"]
lock = dict(base, sdk={"cuda": manifest["release_label"], "driver": manifest["nvidia_driver"]["version"]}, components=components + rest)
json.dump(lock, open(out, "w"), indent=2); open(out, "a").write("\n")
print(f"{out}: {len(components)} redistrib packages for CUDA {manifest['release_label']} + {len(rest)} other components")
