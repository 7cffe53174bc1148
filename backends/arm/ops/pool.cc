// fp32 pooling on ARM: 2-D MaxPool and AveragePool one plane at a time (the
// window's rows combined into one row with NEON, then each window's columns),
// GlobalAveragePool as a NEON sum per plane.
#include <algorithm>
#include <vector>

#include "arm_op.h"
#include "core/backend_helpers.h"
#include "ops/op_helpers.h"
#include "pool_window.h"
#include "qs8_pool_ops.h"  // maxPoolPlane, shared with int8 MaxPool
#include "simd/vec.h"

namespace zy {
namespace arm {
namespace {

typedef float F32x4 __attribute__((vector_size(16)));

bool pool2dSupported(const zy_op_view_t* op, std::string* why) {
  if (op->num_inputs != 1 || op->inputs[0].dtype != ZY_DTYPE_F32 || op->inputs[0].rank != 4) { *why = "only 2-D f32 pooling"; return false; }
  if (op->num_outputs != 1) { *why = "MaxPool's Indices output is not implemented for ARM"; return false; }
  for (int64_t d : attributesFromView(op).getInts("dilations"))
    if (d != 1) { *why = "dilated pooling is not implemented for ARM"; return false; }
  return true;
}

// Mean of each window of one plane; `row` holds W floats. The count is ref's:
// with count_include_pad the window clipped to the padded input, else the
// input positions it covers.
void avgPoolPlane(const float* x, float* y, int64_t H, int64_t W, const WindowGeometry& g, bool include_pad, float* row) {
  const int64_t OH = g.out[0], OW = g.out[1], KH = g.kernel[0], KW = g.kernel[1];
  for (int64_t oh = 0; oh < OH; ++oh) {
    const int64_t h0 = oh * g.strides[0] - g.pad_begin[0];
    const int64_t hs = std::max<int64_t>(h0, 0), he = std::min(h0 + KH, H);
    std::fill(row, row + W, 0.f);
    for (int64_t h = hs; h < he; ++h) {
      const float* r = x + h * W;
      int64_t w = 0;
      for (; w + 4 <= W; w += 4) simd::vstore(row + w, simd::vload<F32x4>(row + w) + simd::vload<F32x4>(r + w));
      for (; w < W; ++w) row[w] += r[w];
    }
    for (int64_t ow = 0; ow < OW; ++ow) {
      const int64_t w0 = ow * g.strides[1] - g.pad_begin[1];
      const int64_t ws = std::max<int64_t>(w0, 0), we = std::min(w0 + KW, W);
      float sum = 0.f;
      for (int64_t w = ws; w < we; ++w) sum += row[w];
      const int64_t count = include_pad ? (std::min(h0 + KH, H + g.pad_end[0]) - h0) * (std::min(w0 + KW, W + g.pad_end[1]) - w0)
                                        : std::max<int64_t>(0, he - hs) * std::max<int64_t>(0, we - ws);
      y[oh * OW + ow] = count > 0 ? sum / static_cast<float>(count) : 0.f;
    }
  }
}

class Pool2dOp : public ArmOp {
 public:
  Pool2dOp(const OpContext& ctx, const zy_op_view_t* op)
      : ctx_(ctx), attrs_(attributesFromView(op)), max_(std::string(op->type) == "MaxPool") {}

  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    const zy_tensor_view_t &x = op->inputs[0], &y = op->outputs[0];
    const int64_t NC = x.dims[0] * x.dims[1], H = x.dims[2], W = x.dims[3];
    WindowGeometry g;
    if (const zy_status_code_t s = pool2dWindow(attrs_, op, &g, err); s != ZY_OK) return s;
    const bool include_pad = attrs_.getInt("count_include_pad", 0) != 0;
    const float* xp = static_cast<const float*>(x.data);
    float* yp = static_cast<float*>(y.data);
    const int64_t out = g.out[0] * g.out[1];
    ctx_.parallel(static_cast<size_t>(NC), [&](size_t begin, size_t end) {
      std::vector<float> row(static_cast<size_t>(std::max(W, maxPoolRowElements(W, g))));
      for (size_t p = begin; p < end; ++p) {
        const float* xc = xp + static_cast<int64_t>(p) * H * W;
        float* yc = yp + static_cast<int64_t>(p) * out;
        if (max_) maxPoolPlane(xc, yc, H, W, g, row.data());
        else avgPoolPlane(xc, yc, H, W, g, include_pad, row.data());
      }
    });
    return ZY_OK;
  }

 private:
  OpContext ctx_;
  Attributes attrs_;
  bool max_;
};

bool globalAvgSupported(const zy_op_view_t* op, std::string* why) {
  if (op->num_inputs != 1 || op->inputs[0].dtype != ZY_DTYPE_F32 || op->inputs[0].rank < 3) {
    *why = "only f32 GlobalAveragePool of rank 3 or more";
    return false;
  }
  return true;
}

class GlobalAvgPoolOp : public ArmOp {
 public:
  explicit GlobalAvgPoolOp(const OpContext& ctx) : ctx_(ctx) {}
  zy_status_code_t run(const zy_op_view_t* op, std::string*) override {
    const zy_tensor_view_t& x = op->inputs[0];
    const int64_t planes = x.dims[0] * x.dims[1], hw = elementCountOf(x) / (planes > 0 ? planes : 1);
    const float* xp = static_cast<const float*>(x.data);
    float* yp = static_cast<float*>(op->outputs[0].data);
    ctx_.parallel(static_cast<size_t>(planes), [&](size_t b, size_t e) {
      for (size_t p = b; p < e; ++p) {
        const float* xc = xp + static_cast<int64_t>(p) * hw;
        F32x4 acc{};
        int64_t i = 0;
        for (; i + 4 <= hw; i += 4) acc += simd::vload<F32x4>(xc + i);
        float sum = simd::vsum(acc);
        for (; i < hw; ++i) sum += xc[i];
        yp[p] = hw > 0 ? sum / static_cast<float>(hw) : 0.f;
      }
    });
    return ZY_OK;
  }

 private:
  OpContext ctx_;
};

std::unique_ptr<ArmOp> preparePool2d(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<Pool2dOp>(ctx, op); }
std::unique_ptr<ArmOp> prepareGlobalAvg(const OpContext& ctx, const zy_op_view_t*) { return std::make_unique<GlobalAvgPoolOp>(ctx); }

}  // namespace

const OpKind kPoolOps[] = {{"MaxPool", pool2dSupported, preparePool2d},
                           {"AveragePool", pool2dSupported, preparePool2d},
                           {"GlobalAveragePool", globalAvgSupported, prepareGlobalAvg}};
const size_t kNumPoolOps = sizeof(kPoolOps) / sizeof(kPoolOps[0]);

}  // namespace arm
}  // namespace zy
