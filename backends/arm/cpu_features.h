// ARM CPU features from the kernel's HWCAP words (getauxval), read once;
// the core's identity (MIDR_EL1) and cache sizes from sysfs.
#pragma once
#include <cstdint>

namespace zy {
namespace arm {

struct CpuFeatures {
  bool neon = false;     // ASIMD: every ARMv8-A core
  bool dotprod = false;  // SDOT/UDOT (ARMv8.2 dotprod: Cortex-A55/A75+, Kunpeng 920)
  bool fp16 = false;     // half-precision arithmetic (FMLA .8h)
  bool i8mm = false;     // SMMLA/USDOT (ARMv8.6 I8MM)
  uint32_t implementer = 0, part = 0;  // MIDR_EL1 fields (0: unknown, e.g. under qemu-user)
};

// ZY_ARM_ISA=neon hides dotprod, fp16 and i8mm (tests the ARMv8.0 paths on any core).
const CpuFeatures& cpuFeatures();

// Whether the core is Kunpeng 920's TaiShan v110 (MIDR implementer 0x48
// HiSilicon, part 0xd01). ZY_ARM_CPU=tsv110 says yes on any core with its
// extensions (dotprod, fp16): how tests run the Kunpeng backend under qemu.
bool isTaishanV110();

// Per-core data cache sizes in bytes.
struct CacheSizes {
  int64_t l1d = 32 * 1024, l2 = 256 * 1024;
};
// Read from /sys/devices/system/cpu/cpu0/cache (the defaults where it is missing).
CacheSizes cpuCacheSizes();
// Kunpeng 920: 64 KB L1D and 512 KB L2 per TaiShan v110 core.
constexpr CacheSizes kKunpeng920Caches{64 * 1024, 512 * 1024};

}  // namespace arm
}  // namespace zy
