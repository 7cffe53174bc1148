#include "cpu_features.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string>

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
  std::ifstream midr("/sys/devices/system/cpu/cpu0/regs/identification/midr_el1");
  std::string hex;
  if (midr >> hex) {
    const unsigned long long v = std::strtoull(hex.c_str(), nullptr, 16);
    f.implementer = static_cast<uint32_t>((v >> 24) & 0xff);
    f.part = static_cast<uint32_t>((v >> 4) & 0xfff);
  }
  const char* isa = std::getenv("ZY_ARM_ISA");
  if (isa && std::strcmp(isa, "neon") == 0) f.dotprod = f.fp16 = f.i8mm = false;
  return f;
}

}  // namespace

const CpuFeatures& cpuFeatures() {
  static const CpuFeatures f = detect();
  return f;
}

bool isTaishanV110() {
  const CpuFeatures& f = cpuFeatures();
  const char* force = std::getenv("ZY_ARM_CPU");
  if (force && std::strcmp(force, "tsv110") == 0) return f.dotprod && f.fp16;
  return f.implementer == 0x48 && f.part == 0xd01;
}

CacheSizes cpuCacheSizes() {
  CacheSizes c;
  for (int i = 0; i < 8; ++i) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(i) + "/";
    std::ifstream level(dir + "level"), type(dir + "type"), size(dir + "size");
    int lv = 0;
    std::string ty, sz;
    if (!(level >> lv) || !(type >> ty) || !(size >> sz)) break;
    int64_t bytes = std::strtoll(sz.c_str(), nullptr, 10);  // "64K", "1024K", "8M"
    if (!sz.empty() && (sz.back() == 'K' || sz.back() == 'k')) bytes *= 1024;
    if (!sz.empty() && (sz.back() == 'M' || sz.back() == 'm')) bytes *= 1024 * 1024;
    if (bytes <= 0) continue;
    if (lv == 1 && ty == "Data") c.l1d = bytes;
    if (lv == 2 && ty == "Unified") c.l2 = bytes;
  }
  return c;
}

}  // namespace arm
}  // namespace zy
