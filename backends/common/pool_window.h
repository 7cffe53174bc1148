// The window of a 2-D MaxPool / AveragePool op, shared by the kernel
// backends' pooling ops (fp32 and int8).
#pragma once
#include <string>

#include "core/attributes.h"
#include "ops/op_helpers.h"
#include "zy/backend.h"

namespace zy {

// The window over input [N, C, H, W] from kernel_shape, strides, pads,
// dilations and ceil_mode, checked against the output's spatial size.
// ZY_OK, or the error code with the reason in *err.
inline zy_status_code_t pool2dWindow(const Attributes& a, const zy_op_view_t* op, WindowGeometry* g, std::string* err) {
  const zy_tensor_view_t &x = op->inputs[0], &y = op->outputs[0];
  const Status s = computeWindow(a, {x.dims[2], x.dims[3]}, a.getInts("kernel_shape"), a.getInt("ceil_mode", 0) != 0, g);
  if (!s.ok()) { *err = s.message(); return s.code(); }
  if (y.dims[2] != g->out[0] || y.dims[3] != g->out[1]) { *err = "output shape does not match the pooling window"; return ZY_INVALID_ARGUMENT; }
  return ZY_OK;
}

}  // namespace zy
