// zy-fuse-ops: moves work into the store of Conv and Gemm.
//  - Conv + Add(constant per-channel) -> Conv with bias
//  - Conv + Add(residual of the output's shape) -> Conv with input 3, the
//    residual, added in the store before the activation
//  - MatMul(2-D x, constant W) + Add(constant row) -> Gemm with C
//  - Conv/Gemm + Relu | LeakyRelu | Clip(constant bounds) | HardSigmoid |
//    HardSwish | Sigmoid -> `activation` attribute
//  - Conv/Gemm x, Mul(x, Sigmoid(x)) -> activation = "Silu"
#include <limits>

#include "PatternHelpers.h"
#include "zy/Transforms/Passes.h"

namespace mlir {
namespace zy {

#define GEN_PASS_DEF_FUSEOPS
#include "zy/Transforms/Passes.h.inc"

namespace {

bool isProducer(Operation* op) {
  StringRef t = onnxOpType(op);
  return (t == "Conv" || t == "Gemm") && !op->hasAttr("activation");
}

// The other operand of a binary op.
Value otherOperand(Operation* bin, Value v) { return bin->getOperand(0) == v ? bin->getOperand(1) : bin->getOperand(0); }

struct FuseOpsPass : impl::FuseOpsBase<FuseOpsPass> {
  // Conv + Add(c) where c is per output channel ([M,1,..] or [1,M,1,..]).
  bool fuseConvBias(Operation* add, OpBuilder& b) {
    for (Value v : add->getOperands()) {
      Operation* conv = definingOnnxOp(v, "Conv");
      if (!conv || !v.hasOneUse() || conv->hasAttr("activation")) continue;
      Value c = otherOperand(add, v);
      auto ct = dyn_cast<RankedTensorType>(c.getType());
      auto yt = dyn_cast<RankedTensorType>(v.getType());
      std::vector<float> cv;
      if (!ct || !yt || !constantF32(c, &cv) || yt.getRank() < 3 || add->getResult(0).getType() != v.getType()) continue;
      int64_t m = yt.getDimSize(1);
      // c must broadcast as [M,1,...] against the output's channel axis.
      auto cs = ct.getShape();
      if (static_cast<int64_t>(cv.size()) != m || static_cast<int64_t>(cs.size()) > yt.getRank()) continue;
      int64_t channel_axis = yt.getRank() - 1 - 1;  // position of M counted from the back in cs
      bool ok = true;
      for (int64_t k = 0; k < static_cast<int64_t>(cs.size()); ++k) {
        int64_t from_back = static_cast<int64_t>(cs.size()) - 1 - k;
        ok &= from_back == channel_axis ? cs[k] == m : cs[k] == 1;
      }
      if (!ok) continue;
      std::vector<float> bias(m, 0.f);
      if (conv->getNumOperands() > 2 && !isNone(conv->getOperand(2)) && !constantF32(conv->getOperand(2), &bias)) continue;
      for (int64_t i = 0; i < m; ++i) bias[i] += cv[i];
      b.setInsertionPoint(conv);
      Value nb = makeF32Constant(b, conv->getLoc(), {m}, bias);
      if (conv->getNumOperands() > 2) conv->setOperand(2, nb);
      else conv->insertOperands(2, nb);
      add->getResult(0).replaceAllUsesWith(v);
      add->erase();
      return true;
    }
    return false;
  }

  // Conv + Add(r) with r of the output's static shape -> Conv(x, W, B, r):
  // the residual of ResNet blocks and inverted bottlenecks, added in the
  // convolution's store (the Relu that follows then fuses as its activation).
  bool fuseConvResidual(Operation* add, OpBuilder& b) {
    for (Value v : add->getOperands()) {
      Operation* conv = definingOnnxOp(v, "Conv");
      if (!conv || !v.hasOneUse() || conv->hasAttr("activation") || conv->getNumOperands() > 3) continue;
      Value r = otherOperand(add, v);
      auto yt = dyn_cast<RankedTensorType>(v.getType());
      if (r == v || !yt || !yt.hasStaticShape() || !yt.getElementType().isF32()) continue;
      if (r.getType() != v.getType() || add->getResult(0).getType() != v.getType()) continue;
      if (conv->getNumOperands() == 2) {
        b.setInsertionPoint(conv);
        conv->insertOperands(2, b.create<NoneOp>(conv->getLoc(), b.getNoneType()).getResult());
      }
      conv->moveBefore(add);  // the residual may be computed after the convolution
      conv->insertOperands(3, r);
      add->getResult(0).replaceAllUsesWith(v);
      add->erase();
      return true;
    }
    return false;
  }

  // MatMul(x, W) + Add(C) -> Gemm(x, W, C) when x and W are 2-D.
  bool fuseMatMulAdd(Operation* add, OpBuilder& b) {
    for (Value v : add->getOperands()) {
      Operation* mm = definingOnnxOp(v, "MatMul");
      if (!mm || !v.hasOneUse()) continue;
      auto at = dyn_cast<RankedTensorType>(mm->getOperand(0).getType());
      auto bt = dyn_cast<RankedTensorType>(mm->getOperand(1).getType());
      Value c = otherOperand(add, v);
      auto ct = dyn_cast<RankedTensorType>(c.getType());
      if (!at || !bt || !ct || at.getRank() != 2 || bt.getRank() != 2 || !c.getDefiningOp<ConstantOp>()) continue;
      if (!at.getElementType().isF32() || add->getResult(0).getType() != v.getType()) continue;
      b.setInsertionPoint(add);
      OperationState state(add->getLoc(), "zy.Gemm");
      state.addOperands({mm->getOperand(0), mm->getOperand(1), c});
      state.addTypes(v.getType());
      Operation* gemm = b.create(state);
      add->getResult(0).replaceAllUsesWith(gemm->getResult(0));
      add->erase();
      mm->erase();
      return true;
    }
    return false;
  }

  bool fuseActivation(Operation* act) {
    StringRef t = onnxOpType(act);
    Value x = act->getOperand(0);
    Operation* prod = x.getDefiningOp();
    if (!prod || !isProducer(prod)) return false;
    // x * Sigmoid(x): the producer feeds exactly the Sigmoid and the Mul.
    if (t == "Mul") {
      Value a = act->getOperand(0), s = act->getOperand(1);
      Operation* sig = definingOnnxOp(s, "Sigmoid");
      if (!sig) { std::swap(a, s); sig = definingOnnxOp(s, "Sigmoid"); }
      prod = a.getDefiningOp();
      if (!sig || !prod || !isProducer(prod) || sig->getOperand(0) != a || !s.hasOneUse()) return false;
      if (!llvm::all_of(a.getUsers(), [&](Operation* u) { return u == sig || u == act; })) return false;
      if (act->getResult(0).getType() != a.getType()) return false;
      prod->setAttr("activation", StringAttr::get(act->getContext(), "Silu"));
      act->getResult(0).replaceAllUsesWith(a);
      act->erase();
      sig->erase();
      return true;
    }
    if (!x.hasOneUse()) return false;
    Builder b(act->getContext());
    float alpha = 0.f, beta = 0.f;
    if (t == "LeakyRelu") {
      alpha = 0.01f;
      if (auto a = act->getAttrOfType<FloatAttr>("alpha")) alpha = static_cast<float>(a.getValueAsDouble());
    } else if (t == "HardSigmoid") {
      alpha = 0.2f;
      beta = 0.5f;
      if (auto a = act->getAttrOfType<FloatAttr>("alpha")) alpha = static_cast<float>(a.getValueAsDouble());
      if (auto a = act->getAttrOfType<FloatAttr>("beta")) beta = static_cast<float>(a.getValueAsDouble());
    } else if (t == "Clip") {
      alpha = -std::numeric_limits<float>::infinity();
      beta = std::numeric_limits<float>::infinity();
      std::vector<float> v;
      if (act->getNumOperands() > 1 && !isNone(act->getOperand(1))) {
        if (!constantF32(act->getOperand(1), &v) || v.size() != 1) return false;
        alpha = v[0];
      }
      if (act->getNumOperands() > 2 && !isNone(act->getOperand(2))) {
        if (!constantF32(act->getOperand(2), &v) || v.size() != 1) return false;
        beta = v[0];
      }
    } else if (t != "Relu" && t != "HardSwish" && t != "Sigmoid") {
      return false;
    }
    prod->setAttr("activation", b.getStringAttr(t));
    if (t == "LeakyRelu" || t == "HardSigmoid" || t == "Clip") {
      prod->setAttr("activation_alpha", b.getF32FloatAttr(alpha));
      prod->setAttr("activation_beta", b.getF32FloatAttr(beta));
    }
    act->getResult(0).replaceAllUsesWith(x);
    act->erase();
    return true;
  }

  void runOnOperation() override {
    OpBuilder b(&getContext());
    SmallVector<Operation*> adds;
    getOperation().walk([&](Operation* op) { if (onnxOpType(op) == "Add") adds.push_back(op); });
    for (Operation* add : adds) if (!fuseConvBias(add, b) && !fuseMatMulAdd(add, b)) fuseConvResidual(add, b);
    SmallVector<Operation*> acts;
    getOperation().walk([&](Operation* op) {
      StringRef t = onnxOpType(op);
      if (t == "Relu" || t == "LeakyRelu" || t == "Clip" || t == "HardSigmoid" || t == "HardSwish" || t == "Mul") acts.push_back(op);
    });
    // Sigmoid alone only after Sigmoid*Mul had its chance.
    for (Operation* op : acts) fuseActivation(op);
    SmallVector<Operation*> sigs;
    getOperation().walk([&](Operation* op) { if (onnxOpType(op) == "Sigmoid") sigs.push_back(op); });
    for (Operation* op : sigs) fuseActivation(op);
  }
};

}  // namespace
}  // namespace zy
}  // namespace mlir
