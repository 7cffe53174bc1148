// What every int8 GEMM backend shares (x86 vpdpbusd, ARM sdot): weights packed
// in groups of 4 along K, the requantization of each output channel with the
// input's zero point folded into the bias, and the checks of constant
// quantization parameters. Portable C++; the kernels live in each backend.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/attributes.h"
#include "core/status.h"
#include "zy/backend.h"

namespace zy {

constexpr int kQs8Mr = 8;  // output channels per packed weight panel

// Weights as [M/8][K/4][8][4] bytes (rows past M and K past k are 0), with
// each row's sum for the zero-point correction.
struct Qs8PackedWeights {
  int64_t m = 0, k = 0, kgroups = 0;
  std::vector<int8_t> data;
  std::vector<int32_t> row_sums;
  // Kernels without a 4-way byte dot product take the weights as int16 pairs
  // (w0, w2) and (w1, w3) per channel and group: [M/8][K/4][8][2] int32,
  // filled by the backend that needs them (x86's AVX2 path).
  std::vector<int32_t> pairs16;
};
Qs8PackedWeights packQs8Weights(const int8_t* w, int64_t m, int64_t k);

// Per-output-channel requantization, folded to what a store needs.
struct Qs8Requant {
  std::vector<int32_t> bias;        // bias - x_zero_point (in the GEMM's encoding) * row_sum
  std::vector<int32_t> multiplier;  // Q31, per channel
  std::vector<int32_t> shift;       // right shift, per channel
  std::vector<float> scale;         // multiplier * 2^-shift, rounded to f32 (x86's certified float store)
  int32_t zero_point = 0, lo = -128, hi = 127;
};

inline bool isByteType(zy_dtype_t t) { return t == ZY_DTYPE_U8 || t == ZY_DTYPE_I8; }
int64_t elementCountOf(const zy_tensor_view_t& t);
const zy_tensor_view_t& inputOrAbsent(const zy_op_view_t* op, size_t i);
// A constant scalar (or absent: 0) 8-bit zero point, as int32.
bool constantZeroPoint(const zy_tensor_view_t& t, int32_t* out);
// Every value of an int8 zero-point tensor is 0 (or it is absent).
bool symmetricWeights(const zy_tensor_view_t& zero_point);

// The QLinearConv inputs every int8 backend needs (docs/int8.md): 8-bit
// activations and output, constant symmetric int8 weights, constant f32
// scales, constant scalar zero points, an int32 constant bias, and at most a
// fused Relu or Clip. Geometry (rank, groups, strides) is each backend's own check.
bool qconvParamsSupported(const zy_op_view_t* op, std::string* why);

// The requantization of an int8 convolution or GEMM (inputs 0-5: x, its scale
// and zero point, w, its scales and zero point; ys_index and ys_index + 1 the
// output's scale and zero point; bias_index an int32 bias, if any). The GEMM
// takes the input bytes XORed with `flip`: unsigned (gemm_u8: x86's
// vpdpbusd) or signed (ARM's sdot); `pad` is the zero point's byte in the
// input's own encoding, what convolution padding holds.
struct Qs8ConvParams {
  Status status;
  Qs8Requant rq;
  uint8_t pad = 0, flip = 0;

  Qs8ConvParams(const zy_op_view_t* op, const Attributes& a, const std::vector<int32_t>& row_sums, bool gemm_u8,
                size_t ys_index = 6, size_t bias_index = 8);
};

}  // namespace zy
