// Index helpers: multi-index decomposition and numpy-broadcast iteration.
#pragma once
#include <cstdint>
#include <vector>

#include "core/model.h"

namespace zy {
namespace ref {

// Decomposes a linear index into a multi-index over `dims` (row-major).
inline void unravel(int64_t i, const std::vector<int64_t>& dims, int64_t* out) {
  for (int64_t d = static_cast<int64_t>(dims.size()) - 1; d >= 0; --d) {
    out[d] = i % dims[d];
    i /= dims[d];
  }
}

// Strides of `in` viewed in the rank of `out`, 0 along broadcast dimensions.
inline std::vector<int64_t> broadcastStrides(const Shape& in, const Shape& out) {
  std::vector<int64_t> st(out.size(), 0);
  int64_t s = 1;
  for (int64_t i = static_cast<int64_t>(in.size()) - 1, o = static_cast<int64_t>(out.size()) - 1; i >= 0; --i, --o) {
    st[o] = in[i] == 1 ? 0 : s;
    s *= in[i];
  }
  return st;
}

// Calls f(out_index, offsets) for every output element, where offsets[k] is
// the element offset in input k.
template <typename F>
void broadcastLoop(const Shape& out, const std::vector<std::vector<int64_t>>& strides, F&& f) {
  const int64_t total = numElements(out);
  const size_t r = out.size(), n = strides.size();
  std::vector<int64_t> idx(r, 0), off(n, 0);
  for (int64_t o = 0; o < total; ++o) {
    f(o, off.data());
    for (int64_t d = static_cast<int64_t>(r) - 1; d >= 0; --d) {
      if (++idx[d] < out[d]) {
        for (size_t k = 0; k < n; ++k) off[k] += strides[k][d];
        break;
      }
      for (size_t k = 0; k < n; ++k) off[k] -= strides[k][d] * (out[d] - 1);
      idx[d] = 0;
    }
  }
}

}  // namespace ref
}  // namespace zy
