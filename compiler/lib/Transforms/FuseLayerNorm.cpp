// zy-fuse-layernorm: the primitive spelling of LayerNorm over the last axis
//   m = ReduceMean(x, [-1]); d = Sub(x, m); v = ReduceMean(Pow(d, 2), [-1])
//   y = Div(d, Sqrt(Add(v, eps)))  [ Mul(y, scale) ]  [ Add(., bias) ]
// becomes zy.LayerNormalization(x, scale, bias) {axis = -1, epsilon = eps}.
// Every intermediate must have no other user; eps, scale and bias must be
// constants, scale and bias of the last axis' length.
#include "PatternHelpers.h"
#include "zy/Transforms/Passes.h"

namespace mlir {
namespace zy {

#define GEN_PASS_DEF_FUSELAYERNORM
#include "zy/Transforms/Passes.h.inc"

namespace {

// The other operand of a binary op.
Value otherOperand(Operation* bin, Value v) { return bin->getOperand(0) == v ? bin->getOperand(1) : bin->getOperand(0); }

// ReduceMean(x) over the last axis only, keeping it; returns x or null.
Value meanOverLastAxis(Value v) {
  Operation* r = definingOnnxOp(v, "ReduceMean");
  if (!r || !v.hasOneUse() || r->getNumOperands() != 2) return nullptr;
  if (auto k = r->getAttrOfType<IntegerAttr>("keepdims"); k && k.getInt() != 1) return nullptr;
  auto xt = dyn_cast<RankedTensorType>(r->getOperand(0).getType());
  auto c = r->getOperand(1).getDefiningOp<ConstantOp>();
  if (!xt || !c) return nullptr;
  std::vector<uint8_t> bytes = elementsToBytes(c.getValue());
  if (bytes.size() != 8 || !cast<ShapedType>(c.getValue().getType()).getElementType().isInteger(64)) return nullptr;
  int64_t axis;
  std::memcpy(&axis, bytes.data(), 8);
  if (axis != -1 && axis != xt.getRank() - 1) return nullptr;
  return r->getOperand(0);
}

bool scalarF32(Value v, float* out) {
  std::vector<float> f;
  if (!constantF32(v, &f) || f.size() != 1) return false;
  *out = f[0];
  return true;
}

// A constant of n values that broadcasts along the last axis only.
bool lastAxisConstant(Value v, int64_t n, std::vector<float>* out) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  if (!t || !constantF32(v, out) || static_cast<int64_t>(out->size()) != n) return false;
  for (int64_t i = 0; i + 1 < t.getRank(); ++i)
    if (t.getDimSize(i) != 1) return false;
  return true;
}

struct FuseLayerNormPass : impl::FuseLayerNormBase<FuseLayerNormPass> {
  bool fuse(Operation* div, OpBuilder& b) {
    Value d = div->getOperand(0), s = div->getOperand(1);
    Operation* sub = definingOnnxOp(d, "Sub");
    Operation* sqrt = definingOnnxOp(s, "Sqrt");
    if (!sub || !sqrt || !s.hasOneUse()) return false;
    // d feeds exactly the Pow and the Div.
    if (std::distance(d.getUses().begin(), d.getUses().end()) != 2) return false;
    Value x = sub->getOperand(0);
    if (meanOverLastAxis(sub->getOperand(1)) != x) return false;
    Operation* add = definingOnnxOp(sqrt->getOperand(0), "Add");
    if (!add || !add->getResult(0).hasOneUse()) return false;
    Value var;
    float eps = 0.f;
    if (scalarF32(add->getOperand(1), &eps)) var = add->getOperand(0);
    else if (scalarF32(add->getOperand(0), &eps)) var = add->getOperand(1);
    else return false;
    Value sq = meanOverLastAxis(var);
    Operation* pow = sq ? definingOnnxOp(sq, "Pow") : nullptr;
    float two = 0.f;
    if (!pow || !sq.hasOneUse() || pow->getOperand(0) != d || !scalarF32(pow->getOperand(1), &two) || two != 2.f) return false;
    auto xt = dyn_cast<RankedTensorType>(x.getType());
    if (!xt || !xt.getElementType().isF32() || xt.getRank() < 1 || xt.isDynamicDim(xt.getRank() - 1)) return false;
    const int64_t n = xt.getDimSize(xt.getRank() - 1);
    if (div->getResult(0).getType() != x.getType()) return false;
    // Optional scale and bias after the Div.
    std::vector<float> scale(static_cast<size_t>(n), 1.f), bias;
    Operation* last = div;
    if (div->getResult(0).hasOneUse()) {
      Operation* mul = *div->getResult(0).getUsers().begin();
      if (onnxOpType(mul) == "Mul" && lastAxisConstant(otherOperand(mul, div->getResult(0)), n, &scale) &&
          mul->getResult(0).getType() == x.getType()) {
        last = mul;
        if (mul->getResult(0).hasOneUse()) {
          Operation* badd = *mul->getResult(0).getUsers().begin();
          if (onnxOpType(badd) == "Add" && lastAxisConstant(otherOperand(badd, mul->getResult(0)), n, &bias) &&
              badd->getResult(0).getType() == x.getType())
            last = badd;
          else
            bias.clear();
        }
      } else {
        scale.assign(static_cast<size_t>(n), 1.f);
      }
    }
    b.setInsertionPoint(last);
    Location loc = last->getLoc();
    OperationState state(loc, "zy.LayerNormalization");
    state.addOperands({x, makeF32Constant(b, loc, {n}, scale)});
    if (!bias.empty()) state.addOperands(makeF32Constant(b, loc, {n}, bias));
    state.addAttribute("axis", b.getI64IntegerAttr(-1));
    state.addAttribute("epsilon", b.getF32FloatAttr(eps));
    state.addTypes(x.getType());
    Operation* ln = b.create(state);
    last->getResult(0).replaceAllUsesWith(ln->getResult(0));
    return true;  // the chain is dead now; zy-dce removes it
  }

  void runOnOperation() override {
    OpBuilder b(&getContext());
    SmallVector<Operation*> divs;
    getOperation().walk([&](Operation* op) { if (onnxOpType(op) == "Div") divs.push_back(op); });
    for (Operation* div : divs) fuse(div, b);
  }
};

}  // namespace
}  // namespace zy
}  // namespace mlir
