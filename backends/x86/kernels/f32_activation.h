// Fused activations over a row of floats, vectorized (AVX-512 where the CPU
// has it, AVX2 otherwise), including the exp-based ones (Sigmoid, SiLU).
#pragma once
#include <cstdint>

#include "ops/fused_activation.h"

namespace zy {
namespace x86 {

void applyActivation(float* p, int64_t n, const FusedActivation& act);

}  // namespace x86
}  // namespace zy
