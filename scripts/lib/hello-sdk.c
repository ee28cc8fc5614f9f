/* Links against the installed SDK through pkg-config (cudart-13.1 cudnn nccl) and prints what each library reports:
 * scripts/demo.sh builds it with gcc, the aarch64 emulation test with aarch64-linux-gnu-gcc and runs it under qemu. */
#include <stdio.h>
#include <cuda_runtime_api.h>
#include <cudnn.h>
#include <nccl.h>
int main(void) {
  int runtime = 0, nccl = 0;
  cudaRuntimeGetVersion(&runtime);
  ncclGetVersion(&nccl);
  printf("linked against the nvsdk SDK: CUDA runtime %d.%d, cuDNN %zu, NCCL %d\n",
         runtime / 1000, (runtime % 1000) / 10, cudnnGetVersion(), nccl);
  return 0;
}
