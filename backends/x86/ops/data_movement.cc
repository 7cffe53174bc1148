// Data movement on x86: Concat, Slice (unit steps) and Transpose (the last
// axis kept, as in ShuffleNet's channel shuffle) as contiguous block copies
// on the session's threads, for any fixed-size dtype. Each op reduces to
// "block b of `block` bytes goes from src(b) to dst(b)"; the blocks are
// split across threads. On ref these ops copy on one thread, and they made a
// quarter of ShuffleNetV2's time at 2 threads. Resize in nearest mode
// (f32 and 8-bit data) gathers each output row's elements with ref's sampling.
#include <algorithm>
#include <cstring>
#include <memory>
#include <vector>

#include "core/backend_helpers.h"
#include "axis_split.h"
#include "core/dtype.h"
#include "ops/op_helpers.h"
#include "resize_nearest_ops.h"
#include "x86_op.h"

namespace zy {
namespace x86 {
namespace {

size_t elementBytes(zy_dtype_t t) { return isValidDType(t) && t != ZY_DTYPE_UNDEFINED ? dtypeSize(static_cast<DType>(t)) : 0; }

// Blocks smaller than this many bytes stay on ref, whose strided copy handles them as well.
constexpr int64_t kMinBlockBytes = 64;

// The output and the first `data_inputs` inputs share one fixed-size dtype.
bool oneElementType(const zy_op_view_t* op, size_t data_inputs, std::string* why) {
  bool ok = elementBytes(op->outputs[0].dtype) > 0 && data_inputs <= op->num_inputs;
  for (size_t i = 0; i < data_inputs && ok; ++i) ok = op->inputs[i].dtype == op->outputs[0].dtype;
  if (!ok) *why = std::string(op->type) + " on x86 takes fixed-size elements of one dtype";
  return ok;
}

std::vector<int64_t> dimsOf(const zy_tensor_view_t& t) { return std::vector<int64_t>(t.dims, t.dims + t.rank); }

// Block b = (i_0, ..., i_{r-1}) in mixed radix over `count`: source element
// base + sum i_d * step[d], destination b * block elements.
struct BlockCopy {
  std::vector<int64_t> count, step;
  int64_t base = 0, block = 0;  // elements

  void run(const OpContext& ctx, const uint8_t* src, uint8_t* dst, size_t elem) const {
    int64_t blocks = 1;
    for (int64_t c : count) blocks *= c;
    const size_t bytes = static_cast<size_t>(block) * elem;
    ctx.parallel(static_cast<size_t>(blocks), [&](size_t b, size_t e) {
      for (size_t k = b; k < e; ++k) {
        int64_t rest = static_cast<int64_t>(k), off = base;
        for (size_t d = count.size(); d-- > 0;) {
          off += rest % count[d] * step[d];
          rest /= count[d];
        }
        std::memcpy(dst + k * bytes, src + static_cast<size_t>(off) * elem, bytes);
      }
    });
  }
};

// ---- Concat: per outer index, each input's contiguous block ----

bool concatAxis(const zy_op_view_t* op, int64_t* axis, std::string* why) {
  if (!normalizeAxis(attributesFromView(op).getInt("axis", 0), op->outputs[0].rank, axis).ok()) {
    *why = "Concat axis out of range";
    return false;
  }
  return true;
}

bool concatSupported(const zy_op_view_t* op, std::string* why) {
  int64_t axis;
  if (!oneElementType(op, op->num_inputs, why) || !concatAxis(op, &axis, why)) return false;
  const zy_tensor_view_t& y = op->outputs[0];
  int64_t inner = static_cast<int64_t>(elementBytes(y.dtype));
  for (int64_t d = axis + 1; d < y.rank; ++d) inner *= y.dims[d];
  for (size_t i = 0; i < op->num_inputs; ++i)
    if (op->inputs[i].rank != y.rank || (op->inputs[i].dims[axis] > 0 && op->inputs[i].dims[axis] * inner < kMinBlockBytes)) {
      *why = "Concat of small blocks stays on ref";
      return false;
    }
  return true;
}

class ConcatOp : public X86Op {
 public:
  explicit ConcatOp(const OpContext& ctx) : ctx_(ctx) {}
  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    int64_t axis;
    if (!concatAxis(op, &axis, err)) return ZY_INVALID_ARGUMENT;
    const zy_tensor_view_t& y = op->outputs[0];
    const size_t elem = elementBytes(y.dtype);
    const AxisSplit split = splitAtAxis(y, axis);
    const int64_t outer = split.outer, inner = split.inner, along = split.along;
    // Pieces: (input, outer index); piece sizes differ, which the dynamic chunks absorb.
    std::vector<int64_t> first(op->num_inputs + 1, 0);  // each input's offset along the axis
    for (size_t i = 0; i < op->num_inputs; ++i) first[i + 1] = first[i] + op->inputs[i].dims[axis];
    if (first.back() != along) { *err = "Concat inputs do not add up to the output"; return ZY_INVALID_ARGUMENT; }
    uint8_t* dst = static_cast<uint8_t*>(y.data);
    const int64_t pieces = outer * static_cast<int64_t>(op->num_inputs);
    ctx_.parallel(static_cast<size_t>(pieces), [&](size_t b, size_t e) {
      for (size_t p = b; p < e; ++p) {
        const int64_t o = static_cast<int64_t>(p) / static_cast<int64_t>(op->num_inputs);
        const size_t i = p % op->num_inputs;
        const int64_t n = op->inputs[i].dims[axis] * inner;
        uint8_t* to = dst + static_cast<size_t>((o * along + first[i]) * inner) * elem;
        const uint8_t* from = static_cast<const uint8_t*>(op->inputs[i].data) + static_cast<size_t>(o * n) * elem;
        if (to != from) std::memcpy(to, from, static_cast<size_t>(n) * elem);  // equal: planned in place
      }
    });
    return ZY_OK;
  }

 private:
  OpContext ctx_;
};

// ---- Slice with unit steps: blocks from the last sliced axis on ----

bool readInts(const zy_op_view_t* op, size_t i, std::vector<int64_t>* v) {
  v->clear();
  if (i >= op->num_inputs || op->inputs[i].dtype == ZY_DTYPE_UNDEFINED) return true;
  const zy_tensor_view_t& t = op->inputs[i];
  if (!t.is_constant || (t.dtype != ZY_DTYPE_I64 && t.dtype != ZY_DTYPE_I32)) return false;
  for (int64_t k = 0; k < elementCount(t); ++k)
    v->push_back(t.dtype == ZY_DTYPE_I64 ? static_cast<const int64_t*>(t.data)[k] : static_cast<const int32_t*>(t.data)[k]);
  return true;
}

bool slicePlan(const zy_op_view_t* op, BlockCopy* plan, std::string* why) {
  std::vector<int64_t> starts, ends, axes, steps;
  if (!readInts(op, 1, &starts) || !readInts(op, 2, &ends) || !readInts(op, 3, &axes) || !readInts(op, 4, &steps)) {
    *why = "Slice on x86 takes constant starts, ends, axes and steps";
    return false;
  }
  const zy_tensor_view_t& x = op->inputs[0];
  const std::vector<int64_t> dims = dimsOf(x);
  SliceParams p;
  if (!computeSlice(dims, starts, ends, axes, steps, &p).ok()) { *why = "invalid Slice"; return false; }
  for (int64_t s : p.step)
    if (s != 1) { *why = "Slice with steps other than 1 stays on ref"; return false; }
  const int64_t r = x.rank;
  int64_t last = -1;  // the last axis the slice narrows
  for (int64_t d = 0; d < r; ++d)
    if (p.count[d] != dims[d]) last = d;
  const std::vector<int64_t> strides = stridesOf(dims);
  plan->count.clear();
  plan->step.clear();
  plan->base = 0;
  for (int64_t d = 0; d < r; ++d) plan->base += p.start[d] * strides[d];
  plan->block = last < 0 ? elementCount(x) : p.count[last] * strides[last];
  for (int64_t d = 0; d < last; ++d) {
    plan->count.push_back(p.count[d]);
    plan->step.push_back(strides[d]);
  }
  if (plan->block * static_cast<int64_t>(elementBytes(x.dtype)) < kMinBlockBytes) { *why = "Slice of small blocks stays on ref"; return false; }
  return true;
}

bool sliceSupported(const zy_op_view_t* op, std::string* why) {
  BlockCopy plan;
  return oneElementType(op, 1, why) && slicePlan(op, &plan, why);
}

// ---- Transpose that keeps the trailing axes: blocks of them ----

bool transposePlan(const zy_op_view_t* op, BlockCopy* plan, std::string* why) {
  const zy_tensor_view_t& x = op->inputs[0];
  const int64_t r = x.rank;
  std::vector<int64_t> perm = attributesFromView(op).getInts("perm");
  if (perm.empty())
    for (int64_t d = r - 1; d >= 0; --d) perm.push_back(d);
  if (static_cast<int64_t>(perm.size()) != r) { *why = "Transpose perm does not match the rank"; return false; }
  for (auto& d : perm)
    if (!normalizeAxis(d, r, &d).ok()) { *why = "Transpose perm out of range"; return false; }
  int64_t kept = r;  // axes [kept, r) stay in place
  while (kept > 0 && perm[kept - 1] == kept - 1) --kept;
  const std::vector<int64_t> dims = dimsOf(x), strides = stridesOf(dims);
  plan->base = 0;
  plan->block = 1;
  for (int64_t d = kept; d < r; ++d) plan->block *= dims[d];
  plan->count.clear();
  plan->step.clear();
  for (int64_t d = 0; d < kept; ++d) {
    plan->count.push_back(dims[perm[d]]);
    plan->step.push_back(strides[perm[d]]);
  }
  if (kept == r || plan->block * static_cast<int64_t>(elementBytes(x.dtype)) < kMinBlockBytes) {
    *why = "Transpose that moves the last axis stays on ref";
    return false;
  }
  return true;
}

bool transposeSupported(const zy_op_view_t* op, std::string* why) {
  BlockCopy plan;
  return oneElementType(op, 1, why) && transposePlan(op, &plan, why);
}

// Slice and Transpose: the plan from the op, then the copy.
template <bool (*Plan)(const zy_op_view_t*, BlockCopy*, std::string*)>
class BlockCopyOp : public X86Op {
 public:
  explicit BlockCopyOp(const OpContext& ctx) : ctx_(ctx) {}
  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    BlockCopy plan;
    if (!Plan(op, &plan, err)) return ZY_INVALID_ARGUMENT;
    int64_t blocks = 1;
    for (int64_t c : plan.count) blocks *= c;
    if (blocks * plan.block != elementCount(op->outputs[0])) { *err = std::string(op->type) + ": the output's size does not match"; return ZY_INVALID_ARGUMENT; }
    plan.run(ctx_, static_cast<const uint8_t*>(op->inputs[0].data), static_cast<uint8_t*>(op->outputs[0].data), elementBytes(op->outputs[0].dtype));
    return ZY_OK;
  }

 private:
  OpContext ctx_;
};

template <class Op>
std::unique_ptr<X86Op> prepare(const OpContext& ctx, const zy_op_view_t*) { return std::make_unique<Op>(ctx); }

// ---- Resize, nearest: a gather of whole rows' elements with ref's sampling, rows over the threads ----

bool resizeSupported(const zy_op_view_t* op, std::string* why) {
  return resizeNearestSupported(op, [](zy_dtype_t t) { return t == ZY_DTYPE_F32 || t == ZY_DTYPE_U8 || t == ZY_DTYPE_I8; }, why);
}

// The plan is made for the shapes of the run (a model with dynamic
// dimensions resizes a different image each time) and kept while they hold.
class ResizeOp : public X86Op {
 public:
  explicit ResizeOp(const OpContext& ctx) : ctx_(ctx) {}
  zy_status_code_t run(const zy_op_view_t* op, std::string* err) override {
    const zy_tensor_view_t &x = op->inputs[0], &y = op->outputs[0];
    if (!plan_ || !std::equal(x.dims, x.dims + x.rank, planned_for_.begin(), planned_for_.end())) {
      plan_ = std::make_unique<NearestResizePlan>(op);
      planned_for_.assign(x.dims, x.dims + x.rank);
    }
    if (!plan_->status.ok()) { *err = plan_->status.message(); return ZY_INVALID_ARGUMENT; }
    uint8_t* out = static_cast<uint8_t*>(y.data);
    const size_t elem = elementBytes(y.dtype);
    ctx_.parallel(static_cast<size_t>(plan_->rows()), [&](size_t b, size_t e) {
      plan_->run(x, out, elem, static_cast<int64_t>(b), static_cast<int64_t>(e));
    });
    return ZY_OK;
  }

 private:
  OpContext ctx_;
  std::unique_ptr<NearestResizePlan> plan_;
  std::vector<int64_t> planned_for_;
};

}  // namespace

const OpKind kDataMovementOps[] = {{"Concat", concatSupported, prepare<ConcatOp>},
                                   {"Slice", sliceSupported, prepare<BlockCopyOp<slicePlan>>},
                                   {"Transpose", transposeSupported, prepare<BlockCopyOp<transposePlan>>},
                                   {"Resize", resizeSupported, prepare<ResizeOp>}};
const size_t kNumDataMovementOps = sizeof(kDataMovementOps) / sizeof(kDataMovementOps[0]);

}  // namespace x86
}  // namespace zy
