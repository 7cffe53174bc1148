// The x86 widths of the portable vectors (backends/common/simd/vec.h):
// F32x16 inside target("avx512f") functions, F32x8 inside target("avx2,fma").
#pragma once
#include <immintrin.h>

#include "simd/vec.h"

namespace zy {
namespace x86 {

using namespace simd;
typedef float F32x16 __attribute__((vector_size(64)));
typedef float F32x8 __attribute__((vector_size(32)));

}  // namespace x86
}  // namespace zy
