// Lane masks for vector edges: lanes [lo, hi) and the first n, of a
// 64-byte vector of bytes (__mmask64) or of 16 lanes (__mmask16: floats,
// int32). Shared by the kernels' edge handling.
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

inline uint16_t laneRange16(int64_t lo, int64_t hi) { return static_cast<uint16_t>(laneRange64(lo, std::min<int64_t>(hi, 16))); }
inline uint16_t firstLanes16(int64_t n) { return laneRange16(0, n); }

}  // namespace x86
}  // namespace zy
