// Shape arithmetic shared by shape inference (compiler and loader) and the
// kernels of every backend, so that all of them agree on ONNX semantics.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/attributes.h"
#include "core/model.h"
#include "core/status.h"

namespace zy {

// What shape inference knows about a value: dtype, shape, and its contents
// when they are known (constants, folded values).
struct ValueInfo {
  DType dtype = DType::Undefined;
  Shape shape;
  const void* data = nullptr;
  bool present() const { return dtype != DType::Undefined; }
};

// Numpy-style multidirectional broadcasting.
Status broadcastShapes(const Shape& a, const Shape& b, Shape* out);
// Maps a possibly negative axis into [0, rank); error if out of range.
Status normalizeAxis(int64_t axis, int64_t rank, int64_t* out);
// Reads an integer tensor's values (i32 or i64) into out.
Status readInts(const ValueInfo& v, std::vector<int64_t>* out);
Status readFloats(const ValueInfo& v, std::vector<float>* out);

// Spatial geometry of Conv / pooling along each spatial axis.
struct WindowGeometry {
  std::vector<int64_t> kernel, strides, dilations, pad_begin, pad_end, out;
};
// in_spatial: the input's spatial dims; kernel: window size. Handles pads,
// auto_pad (SAME_UPPER, SAME_LOWER, VALID, NOTSET), dilations and ceil_mode.
Status computeWindow(const Attributes& attrs, const std::vector<int64_t>& in_spatial,
                     const std::vector<int64_t>& kernel, bool ceil_mode, WindowGeometry* g);

// ConvTranspose geometry: output size, pads (from output_shape/auto_pad).
Status computeConvTransposeWindow(const Attributes& attrs, const std::vector<int64_t>& in_spatial,
                                  const std::vector<int64_t>& kernel, WindowGeometry* g);

// Effective per-axis slice parameters of Slice-10+.
struct SliceParams {
  std::vector<int64_t> start, step, count;  // one per input axis
};
Status computeSlice(const Shape& in, const std::vector<int64_t>& starts,
                    const std::vector<int64_t>& ends, const std::vector<int64_t>& axes,
                    const std::vector<int64_t>& steps, SliceParams* p);

// Resize: output shape from scales or sizes (with axes / keep_aspect_ratio_policy).
Status computeResizeShape(const Attributes& attrs, const Shape& in, const std::vector<float>& scales,
                          const std::vector<int64_t>& sizes, Shape* out, std::vector<float>* eff_scales);

// Reduce: normalized, sorted axes; empty result = reduce nothing.
Status computeReduceAxes(const Attributes& attrs, int64_t rank, const std::vector<int64_t>& axes_in,
                         bool axes_given, std::vector<int64_t>* axes);

// Pad: begin/end per axis from the pads input and optional axes input.
Status computePads(const Shape& in, const std::vector<int64_t>& pads, const std::vector<int64_t>& axes,
                   bool axes_given, std::vector<int64_t>* begin, std::vector<int64_t>* end);

// Split: sizes of each output along `axis`.
Status computeSplit(const Attributes& attrs, const Shape& in, int64_t axis, size_t num_outputs,
                    const std::vector<int64_t>& split, bool split_given, std::vector<int64_t>* sizes);

// Products of the dimensions before and after `axis`.
void outerInner(const Shape& s, int64_t axis, int64_t* outer, int64_t* inner);

// Einsum: labels per input and for the output, each label's size, and the
// output shape. Handles implicit outputs ("ij,jk") and one ellipsis.
struct EinsumPlan {
  std::vector<std::vector<int>> input_labels;  // label ids per input axis
  std::vector<int> output_labels;
  std::vector<int64_t> label_size;             // by label id
  Shape out_shape;
};
Status planEinsum(const std::string& equation, const std::vector<Shape>& inputs, EinsumPlan* plan);

// Shape's start/end attributes (opset 15) as a clamped range [*start, *end).
void shapeRange(const Attributes& attrs, int64_t rank, int64_t* start, int64_t* end);

// Row-major strides of a shape.
std::vector<int64_t> stridesOf(const Shape& s);

}  // namespace zy
