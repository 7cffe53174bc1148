#include "cpu_features.h"

#include <cstdlib>
#include <cstring>

#if defined(__aarch64__) && defined(__linux__)
#include <sys/auxv.h>
#endif

namespace zy {
namespace arm {
namespace {

CpuFeatures detect() {
  CpuFeatures f;
#if defined(__aarch64__) && defined(__linux__)
  // Bit numbers from the arm64 kernel ABI (asm/hwcap.h).
  const unsigned long hw = getauxval(AT_HWCAP), hw2 = getauxval(AT_HWCAP2);
  f.neon = hw & (1ul << 1);              // HWCAP_ASIMD
  f.fp16 = (hw & (1ul << 9)) && (hw & (1ul << 10));  // HWCAP_FPHP, HWCAP_ASIMDHP
  f.dotprod = hw & (1ul << 20);          // HWCAP_ASIMDDP
  f.i8mm = hw2 & (1ul << 13);            // HWCAP2_I8MM
#endif
  const char* isa = std::getenv("ZY_ARM_ISA");
  if (isa && std::strcmp(isa, "neon") == 0) f.dotprod = f.fp16 = f.i8mm = false;
  return f;
}

}  // namespace

const CpuFeatures& cpuFeatures() {
  static const CpuFeatures f = detect();
  return f;
}

}  // namespace arm
}  // namespace zy
