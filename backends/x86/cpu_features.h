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
};

// Read once; ZY_X86_ISA=avx2 in the environment hides AVX-512 and AMX.
const CpuFeatures& cpuFeatures();

}  // namespace x86
}  // namespace zy
