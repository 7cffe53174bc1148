// x86 CPU features, read once from cpuid/xgetbv (the OS must also save the
// wider registers: xgetbv says so).
#pragma once

namespace zy {
namespace x86 {

struct CpuFeatures {
  bool avx2 = false, fma = false;
  bool avx512f = false, avx512bw = false, avx512vl = false, avx512dq = false;
  bool avx512vnni = false, avx512vbmi = false, avx512bf16 = false, avx_vnni = false;
  bool amx_tile = false, amx_int8 = false, amx_bf16 = false;
  // AVX-VNNI's kernels in their EVEX encoding (AVX512-VNNI + VL): set only
  // by ZY_X86_ISA=avxvnni, to test them on AVX-512 cores.
  bool avx_vnni_evex = false;
};

// Read once. ZY_X86_ISA in the environment limits what the kernels see:
// avx2 hides AVX-512, AMX and AVX-VNNI; avxvnni hides AVX-512 and AMX and
// keeps AVX-VNNI (on an AVX-512 VNNI core, as its EVEX twin); avx512 hides AMX.
const CpuFeatures& cpuFeatures();

// Whether this process may use AMX tiles: the CPU has AMX-TILE and AMX-BF16
// and Linux granted the tile data state (arch_prctl ARCH_REQ_XCOMP_PERM,
// asked once, process-wide; Linux 5.16+). Where it is refused (an older
// kernel, a seccomp policy), the tile kernels stay off and bf16 runs on
// AVX512-BF16.
bool amxTilesPermitted();

}  // namespace x86
}  // namespace zy
