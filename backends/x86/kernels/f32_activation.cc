#include "f32_activation.h"

#include <immintrin.h>

#include "cpu_features.h"
#include "f32_activation_avx512.h"

namespace zy {
namespace x86 {

namespace {

__attribute__((target("avx512f"))) void activationAvx512(float* p, int64_t n, const FusedActivation& act) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) _mm512_storeu_ps(p + i, activate512(_mm512_loadu_ps(p + i), act));
  for (; i < n; ++i) p[i] = act.apply(p[i]);
}

}  // namespace

void applyActivation(float* p, int64_t n, const FusedActivation& act) {
  if (act.kind == FusedActivation::None) return;
  if (cpuFeatures().avx512f) return activationAvx512(p, n, act);
  for (int64_t i = 0; i < n; ++i) p[i] = act.apply(p[i]);
}

}  // namespace x86
}  // namespace zy
