// zy-fold-batchnorm: Conv followed by inference BatchNormalization becomes one
// Conv with scaled weights and a shifted bias:
//   k = scale / sqrt(var + eps);  W' = W * k (per output channel);
//   B' = (B - mean) * k + bias.
#include <cmath>

#include "PatternHelpers.h"
#include "zy/Transforms/Passes.h"

namespace mlir {
namespace zy {

#define GEN_PASS_DEF_FOLDBATCHNORM
#include "zy/Transforms/Passes.h.inc"

namespace {

struct FoldBatchNormPass : impl::FoldBatchNormBase<FoldBatchNormPass> {
  bool fold(Operation* bn, OpBuilder& b) {
    for (unsigned i = 1; i < bn->getNumResults(); ++i)
      if (!bn->getResult(i).use_empty()) return false;
    Operation* conv = definingOnnxOp(bn->getOperand(0), "Conv");
    if (!conv || !conv->getResult(0).hasOneUse() || conv->hasAttr("activation")) return false;
    std::vector<float> w, bias, scale, shift, mean, var;
    if (!constantF32(conv->getOperand(1), &w)) return false;
    if (!constantF32(bn->getOperand(1), &scale) || !constantF32(bn->getOperand(2), &shift) ||
        !constantF32(bn->getOperand(3), &mean) || !constantF32(bn->getOperand(4), &var))
      return false;
    const size_t m = scale.size();
    if (m == 0 || shift.size() != m || mean.size() != m || var.size() != m || w.size() % m != 0) return false;
    bias.assign(m, 0.f);
    if (conv->getNumOperands() > 2 && !isNone(conv->getOperand(2)) && !constantF32(conv->getOperand(2), &bias)) return false;
    if (bias.size() != m) return false;
    float eps = 1e-5f;
    if (auto e = bn->getAttrOfType<FloatAttr>("epsilon")) eps = static_cast<float>(e.getValueAsDouble());
    const size_t per = w.size() / m;
    for (size_t c = 0; c < m; ++c) {
      const float k = scale[c] / std::sqrt(var[c] + eps);
      for (size_t j = 0; j < per; ++j) w[c * per + j] *= k;
      bias[c] = (bias[c] - mean[c]) * k + shift[c];
    }
    b.setInsertionPoint(conv);
    auto wtype = cast<RankedTensorType>(conv->getOperand(1).getType());
    Value nw = makeF32Constant(b, conv->getLoc(), wtype.getShape(), w);
    Value nb = makeF32Constant(b, conv->getLoc(), {static_cast<int64_t>(m)}, bias);
    OperationState state(conv->getLoc(), conv->getName());
    state.addOperands({conv->getOperand(0), nw, nb});
    state.addAttributes(conv->getAttrs());
    state.addTypes(conv->getResultTypes());
    Operation* folded = b.create(state);
    bn->getResult(0).replaceAllUsesWith(folded->getResult(0));
    bn->erase();
    conv->erase();
    return true;
  }

  void runOnOperation() override {
    OpBuilder b(&getContext());
    SmallVector<Operation*> bns;
    getOperation().walk([&](Operation* op) {
      if (onnxOpType(op) == "BatchNormalization") bns.push_back(op);
    });
    for (Operation* bn : bns) fold(bn, b);
  }
};

}  // namespace
}  // namespace zy
}  // namespace mlir
