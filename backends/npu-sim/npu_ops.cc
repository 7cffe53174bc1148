#include "npu_ops.h"

#include <algorithm>
#include <cstring>

#include "axis_split.h"
#include "core/backend_helpers.h"
#include "ops/op_helpers.h"
#include "ops/requantize.h"
#include "qs8_elementwise_ops.h"
#include "qs8_gemm_ops.h"
#include "qs8_params.h"
#include "qs8_pool_ops.h"
#include "resize_nearest_ops.h"

namespace zy {
namespace npu {
namespace {

// The device runs one kernel at a time on its own thread.
struct SerialCtx {
  template <class F>
  void parallel(size_t n, F&& fn) const {
    if (n) fn(size_t{0}, n);
  }
};

double bytesOf(const zy_tensor_view_t& t) { return static_cast<double>(std::max<int64_t>(0, elementCountOf(t))); }
bool knownShape(const zy_tensor_view_t& t) { return std::all_of(t.dims, t.dims + t.rank, [](int64_t d) { return d >= 0; }); }

// ---- QLinearConv: x, xs, xz, w, ws, wz, ys, yz[, bias] ----

bool qconvSupported(const zy_op_view_t* op, std::string* why) {
  if (!qconvParamsSupported(op, why)) return false;
  const zy_tensor_view_t &x = op->inputs[0], &w = op->inputs[3];
  if (x.rank != 4 || w.rank != 4) { *why = "2-D convolutions only"; return false; }
  const int64_t group = attributesFromView(op).getInt("group", 1);
  if (group < 1 || w.dims[0] % group != 0 || x.dims[1] != w.dims[1] * group) { *why = "channels do not divide into the groups"; return false; }
  return true;
}

std::vector<int32_t> rowSums(const int8_t* w, int64_t rows, int64_t k) {
  std::vector<int32_t> s(static_cast<size_t>(rows), 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < k; ++i) s[static_cast<size_t>(r)] += w[r * k + i];
  return s;
}

// One output: the spec's requantization of an int32 accumulator.
inline uint8_t store(const Qs8Requant& rq, size_t m, int32_t acc) {
  const Requantizer r{rq.multiplier[m], rq.shift[m]};
  return static_cast<uint8_t>(std::min<int64_t>(rq.hi, std::max<int64_t>(rq.lo, rq.zero_point + r.apply(acc))));
}

// Each output pixel's receptive field gathered as signed bytes (x ^ flip),
// then one dot product per output channel of the group: the MAC array's
// rows are output channels, its columns pixels.
class QConvKernel : public NpuKernel {
 public:
  QConvKernel(const zy_op_view_t* op, const NpuConfig& c)
      : attrs_(attributesFromView(op)),
        M_(op->inputs[3].dims[0]),
        K_(op->inputs[3].dims[1] * op->inputs[3].dims[2] * op->inputs[3].dims[3]),
        kh_(op->inputs[3].dims[2]),
        kw_(op->inputs[3].dims[3]),
        group_(attrs_.getInt("group", 1)),
        params_(op, attrs_, rowSums(static_cast<const int8_t*>(op->inputs[3].data), M_, K_), /*gemm_u8=*/false) {
    const uint8_t* w = static_cast<const uint8_t*>(op->inputs[3].data);
    weights.assign(w, w + M_ * K_);
    const zy_tensor_view_t &x = op->inputs[0], &y = op->outputs[0];
    if (knownShape(x) && knownShape(y))
      cost = gemmCost(c, group_, M_ / group_, K_, y.dims[0] * y.dims[2] * y.dims[3], bytesOf(x), static_cast<double>(weights.size()), bytesOf(y));
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    if (!params_.status.ok()) { *err = params_.status.message(); return ZY_INVALID_ARGUMENT; }
    const zy_tensor_view_t &x = op->inputs[0], &y = op->outputs[0];
    const int64_t N = x.dims[0], C = x.dims[1], H = x.dims[2], W = x.dims[3];
    WindowGeometry g;
    Status s = computeWindow(attrs_, {H, W}, {kh_, kw_}, false, &g);
    if (!s.ok()) { *err = s.message(); return ZY_INVALID_ARGUMENT; }
    const int64_t OH = g.out[0], OW = g.out[1], Cg = C / group_, Mg = M_ / group_;
    if (y.dims[2] != OH || y.dims[3] != OW) { *err = "output shape does not match the convolution"; return ZY_INVALID_ARGUMENT; }
    const uint8_t* xp = static_cast<const uint8_t*>(x.data);
    const int8_t* wp = reinterpret_cast<const int8_t*>(device_weights);
    uint8_t* yp = static_cast<uint8_t*>(y.data);
    const int8_t pad = static_cast<int8_t>(params_.pad ^ params_.flip);
    std::vector<int8_t> patch(static_cast<size_t>(K_));
    for (int64_t n = 0; n < N; ++n)
      for (int64_t gi = 0; gi < group_; ++gi)
        for (int64_t oh = 0; oh < OH; ++oh)
          for (int64_t ow = 0; ow < OW; ++ow) {
            int8_t* q = patch.data();
            for (int64_t c = 0; c < Cg; ++c) {
              const uint8_t* plane = xp + ((n * C + gi * Cg + c) * H) * W;
              for (int64_t i = 0; i < kh_; ++i) {
                const int64_t ih = oh * g.strides[0] - g.pad_begin[0] + i * g.dilations[0];
                for (int64_t j = 0; j < kw_; ++j) {
                  const int64_t iw = ow * g.strides[1] - g.pad_begin[1] + j * g.dilations[1];
                  *q++ = ih >= 0 && ih < H && iw >= 0 && iw < W ? static_cast<int8_t>(plane[ih * W + iw] ^ params_.flip) : pad;
                }
              }
            }
            for (int64_t mg = 0; mg < Mg; ++mg) {
              const int64_t m = gi * Mg + mg;
              const int8_t* wr = wp + m * K_;
              int32_t acc = 0;
              for (int64_t k = 0; k < K_; ++k) acc += static_cast<int32_t>(wr[k]) * patch[static_cast<size_t>(k)];
              acc = static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(params_.rq.bias[static_cast<size_t>(m)]));
              yp[((n * M_ + m) * OH + oh) * OW + ow] = store(params_.rq, static_cast<size_t>(m), acc);
            }
          }
    return ZY_OK;
  }

 private:
  Attributes attrs_;
  int64_t M_, K_, kh_, kw_, group_;
  Qs8ConvParams params_;
};

// ---- QGemm / QLinearMatMul: rows of A against B's columns (weights as N rows of K) ----

class QGemmKernel : public NpuKernel {
 public:
  QGemmKernel(const zy_op_view_t* op, const NpuConfig& c, bool matmul)
      : packed_(rowsOfB(op, !matmul && attributesFromView(op).getInt("transB", 0) != 0, &N_, &K_)),
        params_(op, attributesFromView(op), rowSums(packed_.data(), N_, K_), /*gemm_u8=*/false, matmul ? 6 : 7, matmul ? 100 : 6) {
    weights.assign(reinterpret_cast<const uint8_t*>(packed_.data()), reinterpret_cast<const uint8_t*>(packed_.data()) + packed_.size());
    std::vector<int8_t>().swap(packed_);
    const zy_tensor_view_t &a = op->inputs[0], &y = op->outputs[0];
    if (knownShape(a) && knownShape(y)) cost = gemmCost(c, 1, N_, K_, elementCountOf(a) / std::max<int64_t>(1, K_), bytesOf(a),
                                                        static_cast<double>(weights.size()), bytesOf(y));
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    if (!params_.status.ok()) { *err = params_.status.message(); return ZY_INVALID_ARGUMENT; }
    const zy_tensor_view_t &a = op->inputs[0], &y = op->outputs[0];
    const int64_t rows = elementCountOf(a) / std::max<int64_t>(1, K_);
    const uint8_t* ap = static_cast<const uint8_t*>(a.data);
    const int8_t* wp = reinterpret_cast<const int8_t*>(device_weights);
    uint8_t* yp = static_cast<uint8_t*>(y.data);
    for (int64_t r = 0; r < rows; ++r)
      for (int64_t n = 0; n < N_; ++n) {
        int32_t acc = 0;
        for (int64_t k = 0; k < K_; ++k) acc += static_cast<int32_t>(wp[n * K_ + k]) * static_cast<int8_t>(ap[r * K_ + k] ^ params_.flip);
        acc = static_cast<int32_t>(static_cast<uint32_t>(acc) + static_cast<uint32_t>(params_.rq.bias[static_cast<size_t>(n)]));
        yp[r * N_ + n] = store(params_.rq, static_cast<size_t>(n), acc);
      }
    return ZY_OK;
  }

 private:
  static std::vector<int8_t> rowsOfB(const zy_op_view_t* op, bool trans_b, int64_t* n, int64_t* k) {
    const zy_tensor_view_t& B = op->inputs[3];
    const int8_t* b = static_cast<const int8_t*>(B.data);
    *n = trans_b ? B.dims[0] : B.dims[1];
    *k = trans_b ? B.dims[1] : B.dims[0];
    if (trans_b) return std::vector<int8_t>(b, b + *n * *k);
    std::vector<int8_t> rows(static_cast<size_t>(*n * *k));
    for (int64_t kk = 0; kk < *k; ++kk)
      for (int64_t nn = 0; nn < *n; ++nn) rows[static_cast<size_t>(nn * *k + kk)] = b[kk * *n + nn];
    return rows;
  }

  int64_t N_ = 0, K_ = 0;
  std::vector<int8_t> packed_;  // only while constructing
  Qs8ConvParams params_;
};

// ---- QLinearConcat: ys, yz, then (x, xs, xz) per input (qs8::concatSupported) ----

class QConcatKernel : public NpuKernel {
 public:
  QConcatKernel(const zy_op_view_t* op, const NpuConfig& c) : axis_(attributesFromView(op).getInt("axis", 0)) {
    float ys = 1.f;
    qs8::perTensor(op, 0, &ys, &zy_);
    for (size_t k = 2; k + 2 < op->num_inputs; k += 3) {
      float xs = 1.f;
      int32_t zx = 0;
      qs8::perTensor(op, k + 1, &xs, &zx);
      Requantizer r;
      if (status_.ok()) status_ = Requantizer::fromReal(static_cast<double>(xs) / ys, &r);
      parts_.push_back({r, zx});
    }
    if (knownShape(op->outputs[0])) cost = vectorCost(c, bytesOf(op->outputs[0]), 1, bytesOf(op->outputs[0]), bytesOf(op->outputs[0]));
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    if (!status_.ok()) { *err = status_.message(); return ZY_INVALID_ARGUMENT; }
    const zy_tensor_view_t& y = op->outputs[0];
    const int64_t axis = axis_ < 0 ? axis_ + y.rank : axis_;
    if (axis < 0 || axis >= y.rank) { *err = "axis is out of range"; return ZY_INVALID_ARGUMENT; }
    const AxisSplit split = splitAtAxis(y, axis);
    const int64_t outer = split.outer, inner = split.inner, y_row = split.along * inner;
    const QuantRange range = dtypeRange(y.dtype == ZY_DTYPE_U8 ? DType::U8 : DType::I8);
    const bool u8 = y.dtype == ZY_DTYPE_U8;
    uint8_t* yp = static_cast<uint8_t*>(y.data);
    int64_t base = 0;
    for (size_t p = 0; p < parts_.size(); ++p) {
      const zy_tensor_view_t& x = op->inputs[2 + 3 * p];
      const uint8_t* xp = static_cast<const uint8_t*>(x.data);
      const int64_t row = x.dims[axis] * inner;
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < row; ++i) {
          const int32_t v = qs8::load(xp, o * row + i, u8) - parts_[p].zx;
          yp[o * y_row + base + i] = static_cast<uint8_t>(clampTo(zy_ + parts_[p].rq.apply(v), range));
        }
      base += row;
    }
    return ZY_OK;
  }

 private:
  struct Part {
    Requantizer rq;
    int32_t zx;
  };
  int64_t axis_;
  int32_t zy_ = 0;
  Status status_;
  std::vector<Part> parts_;
};

// ---- Resize, nearest, on 8-bit data: a gather with ref's sampling (ops/resize_taps.h) ----

bool resizeSupported(const zy_op_view_t* op, std::string* why) {
  return resizeNearestSupported(op, [](zy_dtype_t t) { return isByteType(t); }, why);
}

class ResizeKernel : public NpuKernel {
 public:
  ResizeKernel(const zy_op_view_t* op, const NpuConfig& c) : plan_(op) {
    cost = vectorCost(c, bytesOf(op->outputs[0]), 1, bytesOf(op->inputs[0]), bytesOf(op->outputs[0]));
  }

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    if (!plan_.status.ok()) { *err = plan_.status.message(); return ZY_INVALID_ARGUMENT; }
    plan_.run(op->inputs[0], static_cast<uint8_t*>(op->outputs[0].data), 1, 0, plan_.rows());
    return ZY_OK;
  }

 private:
  NearestResizePlan plan_;
};

// ---- Flatten, Reshape: 8-bit data keeps its bytes, only the shape changes ----

bool reshapeSupported(const zy_op_view_t* op, std::string* why) {
  if (!isByteType(op->inputs[0].dtype) || op->num_outputs != 1 || op->outputs[0].byte_size != op->inputs[0].byte_size) {
    *why = "Flatten and Reshape of 8-bit data only";
    return false;
  }
  return true;
}

class ReshapeKernel : public NpuKernel {
 public:
  // A view on a real NPU: no cycles, no traffic.
  explicit ReshapeKernel(const NpuConfig& c) { cost = vectorCost(c, 0, 0, 0, 0); }
  zy_status_code_t run(const zy_op_view_t* op, std::string*) override {
    std::memmove(op->outputs[0].data, op->inputs[0].data, op->outputs[0].byte_size);  // the DMA engine's copy on the device
    return ZY_OK;
  }
};

// ---- the shared int8 ops of backends/common, on device memory ----

void maxPoolPlanePortable(const void* x, void* y, bool u8, int64_t H, int64_t W, const WindowGeometry& g, void* row) {
  if (u8) maxPoolPlane(static_cast<const uint8_t*>(x), static_cast<uint8_t*>(y), H, W, g, static_cast<uint8_t*>(row));
  else maxPoolPlane(static_cast<const int8_t*>(x), static_cast<int8_t*>(y), H, W, g, static_cast<int8_t*>(row));
}

// A shared op whose cost is `ops_per_element` vector operations per element
// of input `per_input` (-1: per output element).
template <class Op, class... Args>
std::unique_ptr<NpuKernel> shared(const zy_op_view_t* op, const NpuConfig& c, double ops_per_element, int per_input, Args... args) {
  auto k = std::make_unique<Op>(SerialCtx{}, op, args...);
  double in = 0;
  for (size_t i = 0; i < op->num_inputs; ++i)
    if (!op->inputs[i].is_constant && isByteType(op->inputs[i].dtype)) in += bytesOf(op->inputs[i]);
  if (knownShape(op->inputs[0]) && knownShape(op->outputs[0])) {
    const double elements = per_input < 0 ? bytesOf(op->outputs[0]) : bytesOf(op->inputs[static_cast<size_t>(per_input)]);
    k->cost = vectorCost(c, elements, ops_per_element, in, bytesOf(op->outputs[0]));
  }
  return k;
}

double windowSize(const zy_op_view_t* op) {
  double n = 1;
  for (int64_t k : attributesFromView(op).getInts("kernel_shape")) n *= static_cast<double>(k);
  return n;
}

struct Kind {
  const char* type;
  bool (*supported)(const zy_op_view_t*, std::string*);
};

const Kind kKinds[] = {{"QLinearConv", qconvSupported},
                       {"QGemm", qgemmShapeSupported},
                       {"QLinearMatMul", qmatmulShapeSupported},
                       {"MaxPool", qs8MaxPoolSupported},
                       {"QLinearGlobalAveragePool", qlinearGapSupported},
                       {"QLinearAdd", qs8::binarySupported<false>},
                       {"QLinearMul", qs8::binarySupported<true>},
                       {"QLinearConcat", qs8::concatSupported},
                       {"QLinearLookup", qs8::lookupSupported},
                       {"Resize", resizeSupported},
                       {"Flatten", reshapeSupported},
                       {"Reshape", reshapeSupported}};

}  // namespace

bool npuSupports(const zy_op_view_t* op, std::string* why) {
  for (const Kind& k : kKinds)
    if (std::strcmp(op->type, k.type) == 0) {
      for (size_t i = 0; i < op->num_outputs; ++i)
        if (!knownShape(op->outputs[i])) { *why = "dynamic shapes: the NPU needs shapes fixed at compile time"; return false; }
      return k.supported(op, why);
    }
  *why = std::string(op->type) + " is not an NPU op (the NPU takes int8 convolutions, fully connected layers, pooling, Add, Mul, "
                                 "Concat, lookups, nearest Resize, Flatten and Reshape)";
  return false;
}

std::unique_ptr<NpuKernel> makeNpuKernel(const zy_op_view_t* op, const NpuConfig& c) {
  const std::string type = op->type;
  if (type == "QLinearConv") return std::make_unique<QConvKernel>(op, c);
  if (type == "QGemm") return std::make_unique<QGemmKernel>(op, c, false);
  if (type == "QLinearMatMul") return std::make_unique<QGemmKernel>(op, c, true);
  if (type == "QLinearConcat") return std::make_unique<QConcatKernel>(op, c);
  if (type == "Resize") return std::make_unique<ResizeKernel>(op, c);
  if (type == "Flatten" || type == "Reshape") return std::make_unique<ReshapeKernel>(c);
  if (type == "MaxPool") return shared<Qs8MaxPoolOp<NpuKernel, SerialCtx>>(op, c, windowSize(op), -1, maxPoolPlanePortable);
  if (type == "QLinearGlobalAveragePool") return shared<QLinearGapOp<NpuKernel, SerialCtx>>(op, c, 1, 0);
  if (type == "QLinearAdd") return shared<qs8::BinaryOp8<NpuKernel, SerialCtx, false>>(op, c, 2, -1);
  if (type == "QLinearMul") return shared<qs8::BinaryOp8<NpuKernel, SerialCtx, true>>(op, c, 2, -1);
  if (type == "QLinearLookup") return shared<qs8::LookupOp<NpuKernel, SerialCtx>>(op, c, 1, -1);
  return nullptr;
}

}  // namespace npu
}  // namespace zy
