// Nearest-neighbour Resize of 4-D tensors for the kernel backends: the input
// index of every output coordinate per axis, taken from ops/resize_taps.h
// (every coordinate_transformation_mode and nearest_mode, as backends/ref
// computes them), so that the result is ref's to the element. The data is
// only moved, so 8-bit (int8 models) and f32 data alike.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "core/backend_helpers.h"
#include "ops/op_helpers.h"
#include "ops/resize_taps.h"
#include "qs8_params.h"  // inputOrAbsent, elementCountOf

namespace zy {

inline bool resizeNearestSupported(const zy_op_view_t* op, bool (*dtype_ok)(zy_dtype_t), std::string* why) {
  const Attributes a = attributesFromView(op);
  const zy_tensor_view_t& x = op->inputs[0];
  if (!dtype_ok(x.dtype) || x.rank != 4 || op->num_outputs != 1 || op->outputs[0].dtype != x.dtype ||
      a.getString("mode", "nearest") != "nearest" || a.getString("coordinate_transformation_mode", "half_pixel") == "tf_crop_and_resize") {
    *why = "Resize of 4-D data in nearest mode only (no tf_crop_and_resize) here";
    return false;
  }
  const zy_tensor_view_t &scales = inputOrAbsent(op, 2), &sizes = inputOrAbsent(op, 3);
  const bool by_sizes = sizes.dtype != ZY_DTYPE_UNDEFINED && elementCountOf(sizes) > 0;
  if (by_sizes ? !sizes.is_constant || sizes.dtype != ZY_DTYPE_I64 : (scales.dtype != ZY_DTYPE_F32 || !scales.is_constant)) {
    *why = "Resize needs constant scales or sizes here";
    return false;
  }
  return true;
}

// The input index of each output coordinate, per axis (N, C, H, W).
struct NearestResizePlan {
  Status status;
  std::vector<int64_t> index[4];

  explicit NearestResizePlan(const zy_op_view_t* op) {
    const Attributes a = attributesFromView(op);
    const zy_tensor_view_t &x = op->inputs[0], &y = op->outputs[0], &sc = inputOrAbsent(op, 2), &sz = inputOrAbsent(op, 3);
    std::vector<float> scales;
    std::vector<int64_t> sizes;
    if (sz.dtype != ZY_DTYPE_UNDEFINED && elementCountOf(sz) > 0) {
      const int64_t* p = static_cast<const int64_t*>(sz.data);
      sizes.assign(p, p + elementCountOf(sz));
    } else {
      const float* p = static_cast<const float*>(sc.data);
      scales.assign(p, p + elementCountOf(sc));
    }
    Shape in(x.dims, x.dims + x.rank), out;
    for (int64_t d : in)
      if (d < 0) { status = invalidArgument("Resize: the input's shape is not known yet"); return; }
    std::vector<float> eff;
    status = computeResizeShape(a, in, scales, sizes, &out, &eff);
    for (int d = 0; d < 4 && status.ok(); ++d) {
      std::vector<AxisTaps> taps;
      status = axisTaps(a, in[d], out[d], eff[d], 0.f, 1.f, &taps);
      for (const AxisTaps& t : taps) index[d].push_back(t.index.empty() ? 0 : t.index[0]);
    }
    if (status.ok() && out != Shape(y.dims, y.dims + y.rank)) status = invalidArgument("Resize: the output shape does not match");
  }

  // Output rows [begin, end) of the N * C * OH rows, elements of `elem` bytes.
  void run(const zy_tensor_view_t& x, uint8_t* y, size_t elem, int64_t begin, int64_t end) const {
    const int64_t C = x.dims[1], H = x.dims[2], W = x.dims[3];
    const int64_t OC = static_cast<int64_t>(index[1].size()), OH = static_cast<int64_t>(index[2].size());
    const int64_t OW = static_cast<int64_t>(index[3].size());
    const uint8_t* xp = static_cast<const uint8_t*>(x.data);
    for (int64_t r = begin; r < end; ++r) {
      const int64_t n = r / (OC * OH), ch = r / OH % OC, h = r % OH;
      const uint8_t* row = xp + ((index[0][n] * C + index[1][ch]) * H + index[2][h]) * W * static_cast<int64_t>(elem);
      uint8_t* out = y + r * OW * static_cast<int64_t>(elem);
      if (elem == 1)
        for (int64_t w = 0; w < OW; ++w) out[w] = row[index[3][w]];
      else if (elem == 4)
        for (int64_t w = 0; w < OW; ++w) std::memcpy(out + 4 * w, row + 4 * index[3][w], 4);
      else
        for (int64_t w = 0; w < OW; ++w) std::memcpy(out + elem * w, row + elem * index[3][w], elem);
    }
  }

  int64_t rows() const { return static_cast<int64_t>(index[0].size() * index[1].size() * index[2].size()); }
};

}  // namespace zy
