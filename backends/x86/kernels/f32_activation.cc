#include "f32_activation.h"

#include <immintrin.h>

#include "cpu_features.h"
#include "f32_activation_avx512.h"
#include "simd/f32_activation.h"
#include "vec.h"

namespace zy {
namespace x86 {

namespace {

__attribute__((target("avx512f"))) void activationAvx512(float* p, int64_t n, const FusedActivation& act) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(p + i, activate512(_mm512_loadu_ps(p + i), act));
  for (; i < n; ++i) p[i] = act.apply(p[i]);
}

// The AVX2 twin, on the portable vectors (simd/f32_activation.h).
__attribute__((target("avx2,fma"))) void activationAvx2(float* p, int64_t n, const FusedActivation& act) {
  activateRow<F32x8>(p, n, act);
}

}  // namespace

void applyActivation(float* p, int64_t n, const FusedActivation& act) {
  if (act.kind == FusedActivation::None) return;
  if (cpuFeatures().avx512f) activationAvx512(p, n, act);
  else activationAvx2(p, n, act);
}

}  // namespace x86
}  // namespace zy
