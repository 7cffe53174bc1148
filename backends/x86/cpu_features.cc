#include "cpu_features.h"

#include <cpuid.h>
#if defined(__linux__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace zy {
namespace x86 {

namespace {

uint64_t xgetbv0() {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<uint64_t>(hi) << 32) | lo;
}

CpuFeatures detect() {
  CpuFeatures f;
  unsigned a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
  const bool osxsave = c & (1u << 27), fma = c & (1u << 12);
  if (!osxsave) return f;
  const uint64_t xcr0 = xgetbv0();
  const bool ymm = (xcr0 & 0x6) == 0x6, zmm = (xcr0 & 0xe6) == 0xe6, tiles = (xcr0 & 0x60000) == 0x60000;
  __cpuid_count(7, 0, a, b, c, d);
  f.avx2 = ymm && (b & (1u << 5));
  f.fma = ymm && fma;
  f.avx512f = zmm && (b & (1u << 16));
  f.avx512dq = zmm && (b & (1u << 17));
  f.avx512bw = zmm && (b & (1u << 30));
  f.avx512vl = zmm && (b & (1u << 31));
  f.avx512vnni = zmm && (c & (1u << 11));
  f.avx512vbmi = zmm && (c & (1u << 1));
  f.amx_bf16 = tiles && (d & (1u << 22));
  f.amx_tile = tiles && (d & (1u << 24));
  f.amx_int8 = tiles && (d & (1u << 25));
  __cpuid_count(7, 1, a, b, c, d);
  f.avx_vnni = ymm && (a & (1u << 4));
  f.avx512bf16 = zmm && (a & (1u << 5));
  return f;
}

}  // namespace

// ZY_X86_ISA=avx2 or avxvnni hides AVX-512 and AMX, so that the AVX2 and
// AVX-VNNI kernels can be tested (and compared) on a machine that has both;
// avx512 hides AMX alone.
CpuFeatures limitedByEnvironment(CpuFeatures f) {
  const char* isa = std::getenv("ZY_X86_ISA");
  const bool avx2 = isa && std::strcmp(isa, "avx2") == 0, avxvnni = isa && std::strcmp(isa, "avxvnni") == 0;
  if (avxvnni && !f.avx_vnni) f.avx_vnni_evex = f.avx512vl && f.avx512vnni;
  if (avx2) f.avx_vnni = false;
  if (avx2 || avxvnni) f.avx512f = f.avx512bw = f.avx512vl = f.avx512dq = f.avx512vnni = f.avx512vbmi = f.avx512bf16 = false;
  if (avx2 || avxvnni || (isa && std::strcmp(isa, "avx512") == 0)) f.amx_tile = f.amx_int8 = f.amx_bf16 = false;
  return f;
}

const CpuFeatures& cpuFeatures() {
  static const CpuFeatures f = limitedByEnvironment(detect());
  return f;
}

bool amxTilesPermitted() {
  static const bool permitted = [] {
    const CpuFeatures& f = cpuFeatures();
    if (!f.amx_tile || !f.amx_bf16) return false;
#if defined(__linux__) && defined(SYS_arch_prctl)
    constexpr long kArchReqXcompPerm = 0x1023, kXfeatureTileData = 18;
    return syscall(SYS_arch_prctl, kArchReqXcompPerm, kXfeatureTileData) == 0;
#else
    return false;
#endif
  }();
  return permitted;
}

}  // namespace x86
}  // namespace zy
