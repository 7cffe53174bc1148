// A tensor seen as [outer][along][inner] around one axis: the blocks that
// Concat and QLinearConcat move (each input's along * inner elements per
// outer index), shared by the backends that run them.
#pragma once
#include <cstdint>

#include "zy/backend.h"

namespace zy {

struct AxisSplit {
  int64_t outer = 1, along = 1, inner = 1;
};

// axis must be in [0, t.rank).
inline AxisSplit splitAtAxis(const zy_tensor_view_t& t, int64_t axis) {
  AxisSplit s;
  for (int64_t d = 0; d < axis; ++d) s.outer *= t.dims[d];
  s.along = t.dims[axis];
  for (int64_t d = axis + 1; d < t.rank; ++d) s.inner *= t.dims[d];
  return s;
}

}  // namespace zy
