#!/usr/bin/env bash
# The real end-to-end proof, on a GPU host with a CUDA toolkit at /usr/local/cuda (no network needed):
#  1. pack that toolkit into NVIDIA redistrib-layout archives (cuda_nvcc with nvvm, cuda_cudart, cuda_nvrtc,
#     cuda_cccl, libcublas: `<pkg>-linux-x86_64-<ver>-archive/{bin,include,lib,nvvm}` as tar.xz),
#  2. write a lock for them and serve them on loopback (python3's http.server),
#  3. `nvsdk install` them into a fresh root,
#  4. build a CUDA program with the generation's nvcc, and another with CMake find_package(CUDAToolkit)
#     (CUDA language + CUDA::cublas), and run both on the GPU,
#  5. check what the generation says about itself: `nvsdk env` exports CUDAARCHS=90 for the H100/H200, a CMake
#     project that sets no architecture builds sm_90 code from it, doctor names the architecture, and the
#     generation's licences and SBOM (sbom.cdx.json) are there.
# Usage: scripts/gpu-e2e.sh [path/to/nvsdk]   (default out/nvsdk; build it with scripts/build.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
nvsdk_bin=$(realpath "${1:-out/nvsdk}")
cuda=$(realpath /usr/local/cuda)
work=$(mktemp -d /tmp/nvsdk-gpu-e2e.XXXXXX)
server=""
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null; chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
step() { printf '\n== %s\n' "$*"; }
nvsdk() { "$nvsdk_bin" "$@"; }

step "host"
nvidia-smi --query-gpu=name,driver_version,compute_cap,persistence_mode --format=csv,noheader
echo "toolkit: $cuda ($("$cuda/bin/nvcc" --version | tail -2 | head -1))"

step "pack $cuda into redistrib archives"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
time python3 - "$cuda" "$work/mirror" "$port" <<'PY'
import hashlib, json, os, re, subprocess, sys, tarfile
cuda, out, port = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(out)
# Not every install has version.json; nvcc always knows ("Cuda compilation tools, release 13.0, V13.0.88").
version = re.search(r"V(\d+\.\d+\.\d+)", subprocess.check_output([os.path.join(cuda, "bin", "nvcc"), "--version"], text=True)).group(1)
tgt = "targets/x86_64-linux"
inc, lib = f"{tgt}/include", f"{tgt}/lib"
def names(d):
    return sorted(os.listdir(os.path.join(cuda, d)))
def pick(d, pred):
    return [(f"{d}/{n}", f"{ {inc: 'include', lib: 'lib'}.get(d, d) }/{n}") for n in names(d) if pred(n)]
cublas = lambda n: n.startswith(("libcublas", "libnvblas", "cublas", "nvblas"))
nvrtc = lambda n: n.startswith(("libnvrtc", "nvrtc"))
packages = {
    "cuda_nvcc": [("bin", "bin"), ("nvvm", "nvvm")],
    "cuda_cccl": [(f"{inc}/cccl", "include/cccl")],
    "libcublas": pick(inc, cublas) + pick(lib, cublas) + [(f"{lib}/stubs/{n}", f"lib/stubs/{n}") for n in names(f"{lib}/stubs") if cublas(n)],
    "cuda_nvrtc": pick(inc, nvrtc) + pick(lib, nvrtc),
    "cuda_cudart": pick(inc, lambda n: n != "cccl" and not cublas(n) and not nvrtc(n))
        + pick(lib, lambda n: n.startswith(("libcudart", "libcudadevrt", "libculibos")))
        + [(f"{lib}/stubs/libcuda.so", "lib/stubs/libcuda.so")],
}
components = []
for pkg, members in packages.items():
    top = f"{pkg}-linux-x86_64-{version}-archive"
    path = os.path.join(out, top + ".tar.xz")
    with open(path, "wb") as f:
        xz = subprocess.Popen(["xz", "-T0", "-1", "-c"], stdin=subprocess.PIPE, stdout=f)
        with tarfile.open(fileobj=xz.stdin, mode="w|", format=tarfile.PAX_FORMAT) as t:
            for src, dst in members:
                t.add(os.path.join(cuda, src), arcname=f"{top}/{dst}")
            # NVIDIA's redistrib archives carry LICENSE at the top; take the toolkit's EULA where this host has
            # one, else say plainly where the EULA is (some CUDA images ship without EULA.txt).
            found = [p for p in (os.path.join(cuda, "EULA.txt"), os.path.join(cuda, "doc", "EULA.txt")) if os.path.exists(p)]
            if found:
                t.add(found[0], arcname=f"{top}/LICENSE")
            else:
                import io
                text = b"NVIDIA CUDA Toolkit End User License Agreement: https://docs.nvidia.com/cuda/eula/index.html\n(the toolkit on this host ships no EULA.txt)\n"
                info = tarfile.TarInfo(f"{top}/LICENSE"); info.size = len(text); info.mode = 0o644
                t.addfile(info, io.BytesIO(text))
        xz.stdin.close()
        assert xz.wait() == 0
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    size = os.path.getsize(path)
    print(f"  {top}.tar.xz  {size / 2**20:8.1f} MiB  {h.hexdigest()}")
    components.append({"name": pkg, "version": version, "license": "NVIDIA CUDA Toolkit EULA", "cudaMajor": int(version.split(".")[0]),
        "artifacts": [{"file": top + ".tar.xz", "systems": ["x86_64-linux"], "format": "tar.xz", "sha256": h.hexdigest(), "size": size,
                       "sources": [{"url": f"http://127.0.0.1:{port}/{top}.tar.xz", "role": "mirror"}]}]})
lock = {"lockVersion": 1, "sdk": {"cuda": version}, "systems": ["x86_64-linux"], "components": components}
json.dump(lock, open(os.path.join(out, "gpu.lock.json"), "w"), indent=2)
PY
(cd "$work/mirror" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
for _ in $(seq 50); do python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$port/')" 2>/dev/null && break; sleep 0.1; done
export NVSDK_ROOT="$work/root" NVSDK_LOCK="$work/mirror/gpu.lock.json"

step "nvsdk install without accepting the CUDA EULA: refused (exit 2) before any download"
nvsdk licenses
rc=0; nvsdk install || rc=$?
[ "$rc" = 2 ] || { echo "expected exit 2 from the licence gate, got $rc" >&2; exit 1; }
[ ! -d "$NVSDK_ROOT/store" ] || { echo "the licence gate let something into the store" >&2; exit 1; }
nvsdk licenses accept --all

step "nvsdk check && nvsdk install (from the loopback mirror)"
nvsdk check
time nvsdk install
step "nvsdk install again (no-op)"
time nvsdk install
nvsdk store verify
gen=$(realpath "$NVSDK_ROOT/generations/current")
echo "generation: $gen"
nvsdk env | head -3
step "nvcc from the generation"
nvsdk shell -- sh -c 'command -v nvcc; nvcc --version | tail -2'
nvsdk shell -- pkg-config --cflags --libs cudart-"$(python3 -c "import json;v=json.load(open('$gen/version.json'))['cuda'];print('.'.join(v.split('.')[:2]))")"

mkdir -p "$work/src"
cat > "$work/src/saxpy.cu" <<'CU'
#include <cstdio>
#include <cuda_runtime.h>
__global__ void saxpy(int n, float a, const float *x, float *y) {
  int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i < n) y[i] = a * x[i] + y[i];
}
int main() {
  const int n = 1 << 24;
  float *x, *y;
  cudaMallocManaged(&x, n * sizeof(float));
  cudaMallocManaged(&y, n * sizeof(float));
  for (int i = 0; i < n; i++) { x[i] = 1.0f; y[i] = 2.0f; }
  saxpy<<<(n + 255) / 256, 256>>>(n, 2.0f, x, y);
  cudaError_t err = cudaDeviceSynchronize();
  float maxError = 0.0f;
  for (int i = 0; i < n; i++) maxError = fmaxf(maxError, fabsf(y[i] - 4.0f));
  cudaDeviceProp p; cudaGetDeviceProperties(&p, 0);
  int rt = 0, drv = 0; cudaRuntimeGetVersion(&rt); cudaDriverGetVersion(&drv);
  printf("saxpy on %s (sm_%d%d): %d elements, max error %g, %s; runtime %d, driver API %d\n",
         p.name, p.major, p.minor, n, maxError, cudaGetErrorString(err), rt, drv);
  return err == cudaSuccess && maxError == 0.0f ? 0 : 1;
}
CU
cat > "$work/src/gemm.cu" <<'CU'
#include <cstdio>
#include <vector>
#include <cublas_v2.h>
#include <cuda_runtime.h>
int main() {
  const int n = 512;
  std::vector<float> a(n * n, 1.0f), b(n * n, 2.0f), c(n * n, 0.0f);
  float *da, *db, *dc;
  cudaMalloc(&da, n * n * 4); cudaMalloc(&db, n * n * 4); cudaMalloc(&dc, n * n * 4);
  cudaMemcpy(da, a.data(), n * n * 4, cudaMemcpyHostToDevice);
  cudaMemcpy(db, b.data(), n * n * 4, cudaMemcpyHostToDevice);
  cublasHandle_t h; cublasCreate(&h);
  const float one = 1.0f, zero = 0.0f;
  cublasStatus_t s = cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, da, n, db, n, &zero, dc, n);
  cudaMemcpy(c.data(), dc, n * n * 4, cudaMemcpyDeviceToHost);
  int v = 0; cublasGetVersion(h, &v);
  printf("cuBLAS %d sgemm %dx%d: c[0]=%g (expect %g), status %d\n", v, n, n, c[0], 2.0f * n, (int)s);
  return s == CUBLAS_STATUS_SUCCESS && c[0] == 2.0f * n ? 0 : 1;
}
CU
cat > "$work/src/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.18)
project(nvsdk_gpu_e2e LANGUAGES CXX CUDA)
find_package(CUDAToolkit REQUIRED)
message(STATUS "CUDAToolkit ${CUDAToolkit_VERSION} at ${CUDAToolkit_TARGET_DIR}, nvcc ${CUDAToolkit_NVCC_EXECUTABLE}, CMAKE_CUDA_COMPILER ${CMAKE_CUDA_COMPILER}")
add_executable(gemm gemm.cu)
target_link_libraries(gemm PRIVATE CUDA::cublas CUDA::cudart)
set_target_properties(gemm PROPERTIES CUDA_ARCHITECTURES native)
CM

step "build with the generation's nvcc, run on the GPU"
nvsdk shell -- nvcc -arch=native -o "$work/saxpy" "$work/src/saxpy.cu"
nvsdk shell -- "$work/saxpy"

step "build with CMake find_package(CUDAToolkit) against the generation, run on the GPU"
nvsdk shell -- cmake -S "$work/src" -B "$work/build" -DCUDAToolkit_ROOT="$NVSDK_ROOT/generations/current" \
  -DCMAKE_CUDA_COMPILER="$NVSDK_ROOT/generations/current/bin/nvcc" 2>&1 | grep -E "CUDAToolkit|CUDA compiler identification|Error" || true
nvsdk shell -- cmake --build "$work/build" -j 2>&1 | tail -1
nvsdk shell -- sh -c "ldd '$work/build/gemm' | grep -E 'cublas|cudart'"
nvsdk shell -- "$work/build/gemm"

step "done: the installed SDK's nvcc and CMake both built programs that ran on the GPU"

step "GPU architectures: nvsdk env exports CUDAARCHS for this host's GPUs"
nvsdk status | grep -E "GPU [0-9]|architecture"
nvsdk doctor | grep -E "gpu\.[0-9]+\.arch" || true
nvsdk env | grep -E "CUDAARCHS|TORCH_CUDA_ARCH_LIST"
archs=$(nvsdk env --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["set"].get("CUDAARCHS", ""))')
want=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | tr -d . | sort -un | paste -sd';')
echo "CUDAARCHS=$archs (nvidia-smi says $want)"
[ "$archs" = "$want" ] || { echo "CUDAARCHS is '$archs', expected '$want'" >&2; exit 1; }
grep -h CUDAARCHS "$gen/nvsdk-env.sh" "$gen/share/modulefiles/lua/nvidia-sdk/"*.lua

step "a CMake project that sets no CUDA architecture builds for sm_$archs from the environment alone"
mkdir -p "$work/noarch"
cp "$work/src/saxpy.cu" "$work/noarch/"
cat > "$work/noarch/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.20)
project(noarch LANGUAGES CUDA)
message(STATUS "CMAKE_CUDA_ARCHITECTURES=${CMAKE_CUDA_ARCHITECTURES}")
add_executable(noarch saxpy.cu)
CM
(
  eval "$(nvsdk env)"
  cmake -S "$work/noarch" -B "$work/noarch-build" -DCMAKE_CUDA_COMPILER="$CUDA_HOME/bin/nvcc" 2>&1 | grep -E "CMAKE_CUDA_ARCHITECTURES|Error" || true
  cmake --build "$work/noarch-build" 2>&1 | tail -1
)
grep -E "^CMAKE_CUDA_ARCHITECTURES" "$work/noarch-build/CMakeCache.txt"
"$cuda/bin/cuobjdump" --list-elf "$work/noarch-build/noarch" | tee "$work/elf.txt"
grep -q "sm_$archs" "$work/elf.txt" || { echo "no sm_$archs code in the binary" >&2; exit 1; }
"$work/noarch-build/noarch"

step "licences and SBOM of the generation"
ls -l "$gen/share/licenses/"
python3 - "$gen/sbom.cdx.json" <<'PY'
import json, sys
bom = json.load(open(sys.argv[1]))
print(f"{bom['bomFormat']} {bom['specVersion']} {bom['serialNumber']}, tool {bom['metadata']['tools']['components'][0]['name']} {bom['metadata']['tools']['components'][0]['version']}")
for c in bom["components"]:
    props = {p["name"]: p["value"] for p in c.get("properties", [])}
    lic = c["licenses"][0]["license"]
    print(f"  {c['name']} {c['version']}  sha256 {c['hashes'][0]['content'][:16]}…  tree {props['nvsdk:tree-sha256'][:16]}…  licence {lic.get('id') or lic.get('name')}")
PY
nvsdk sbom --format spdx | python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["spdxVersion"], len(d["packages"]), "packages")'

step "done: CUDAARCHS=$archs from nvsdk env, and CMake built sm_$archs code from it with no architecture set"
