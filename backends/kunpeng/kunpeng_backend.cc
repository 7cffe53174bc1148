// The Kunpeng backend: the ARM backend's kernels (SDOT int8, FMLA .8h fp16,
// NEON fp32) with GEMM blocking fixed for Kunpeng 920's TaiShan v110 cores
// (64 KB L1D, 512 KB L2 per core) instead of read from sysfs, which VMs and
// containers often leave out. It starts only on a TaiShan v110 (MIDR), so on
// other ARM cores the session's default order moves on to "arm". Thread
// placement along its clusters of 4 cores and NUMA nodes is the session's
// (thread_placement "compact", from sysfs).
#include <cstdio>

#include "arm_backend.h"
#include "cpu_features.h"
#include "zy/backend.h"

namespace zy {
namespace kunpeng {
namespace {

zy_status_code_t create(const zy_host_t* host, void** out, char* err, size_t len) {
  if (!arm::isTaishanV110()) {
    const arm::CpuFeatures& f = arm::cpuFeatures();
    std::snprintf(err, len, "not a Kunpeng 920 core (MIDR implementer 0x%x, part 0x%x; TaiShan v110 is 0x48, 0xd01)", f.implementer,
                  f.part);
    return ZY_UNSUPPORTED;
  }
  return arm::createArmBackend(host, arm::kKunpeng920Caches, out, err, len);
}

}  // namespace
}  // namespace kunpeng
}  // namespace zy

extern "C" const zy_backend_api_t* zy_backend_kunpeng_get_api(uint32_t abi_version) {
  static const zy_backend_api_t api = zy::arm::armBackendApi("kunpeng", zy::kunpeng::create);
  return abi_version == ZY_BACKEND_ABI_VERSION ? &api : nullptr;
}
