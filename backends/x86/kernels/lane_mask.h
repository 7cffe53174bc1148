// Masks of byte lanes in a 64-byte vector (AVX-512BW __mmask64): lanes
// [lo, hi) and the first n. Shared by the 8-bit kernels' edge handling.
#pragma once
#include <algorithm>
#include <cstdint>

namespace zy {
namespace x86 {

// Lanes [lo, hi), clipped to [0, 64); empty when lo >= hi.
inline uint64_t laneRange64(int64_t lo, int64_t hi) {
  lo = std::max<int64_t>(lo, 0);
  hi = std::min<int64_t>(hi, 64);
  if (lo >= hi) return 0;
  return (hi == 64 ? ~uint64_t{0} : (uint64_t{1} << hi) - 1) & ~((uint64_t{1} << lo) - 1);
}

inline uint64_t firstLanes64(int64_t n) { return laneRange64(0, n); }

}  // namespace x86
}  // namespace zy
