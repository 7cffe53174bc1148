#include "InsertQdq.h"

#include <algorithm>
#include <cmath>

#include "../Transforms/PatternHelpers.h"
#include "llvm/ADT/MapVector.h"

namespace mlir {
namespace zy {

QuantParams QuantParams::forRange(TensorRange r) {
  QuantParams p;
  const double lo = std::min(0.f, r.lo), hi = std::max(0.f, r.hi);
  p.scale = hi > lo ? static_cast<float>((hi - lo) / 255.0) : 1.f;
  p.zero_point = static_cast<int32_t>(std::clamp(std::nearbyint(-128.0 - lo / p.scale), -128.0, 127.0));
  return p;
}

namespace {

bool isF32(Value v) {
  auto t = dyn_cast<RankedTensorType>(v.getType());
  return t && t.getElementType().isF32() && t.hasStaticShape();
}
bool isActivation(Value v) { return isF32(v) && !v.getDefiningOp<ConstantOp>(); }

// Ops whose output keeps the input's quantization (zy-fold-qdq runs them on int8).
bool movesData(StringRef t) {
  return t == "MaxPool" || t == "Reshape" || t == "Flatten" || t == "Transpose" || t == "Squeeze" || t == "Unsqueeze" ||
         t == "Identity";
}

// The activation inputs an op takes in int8, or empty if it stays float.
SmallVector<Value> int8Inputs(Operation* op) {
  StringRef t = onnxOpType(op);
  SmallVector<Value> none;
  if (op->getNumResults() != 1 || !isF32(op->getResult(0))) return none;
  if (t == "Conv" || t == "Gemm") {
    if (op->getNumOperands() < 2 || !isActivation(op->getOperand(0)) || !op->getOperand(1).getDefiningOp<ConstantOp>()) return none;
    if (op->getNumOperands() > 3) return none;  // a fused residual: not in the int8 set
    if (t == "Gemm") {
      if (auto a = op->getAttrOfType<IntegerAttr>("transA"); a && a.getInt()) return none;
      if (auto a = op->getAttrOfType<FloatAttr>("alpha"); a && a.getValueAsDouble() != 1.0) return none;
    }
    return {op->getOperand(0)};
  }
  if (t == "MatMul") {
    // Weights only: a product of two activations (attention's) is small, and
    // both its operands would carry zero points; it stays float.
    auto bt = dyn_cast<RankedTensorType>(op->getOperand(1).getType());
    const bool weights = op->getOperand(1).getDefiningOp<ConstantOp>() && bt && bt.getRank() == 2;
    return isActivation(op->getOperand(0)) && weights ? SmallVector<Value>{op->getOperand(0)} : none;
  }
  if (t == "Mul") {
    // x * Sigmoid(x) (SiLU): a function of x alone, which zy-fold-qdq tabulates.
    for (int i = 0; i < 2; ++i) {
      Operation* s = op->getOperand(1 - i).getDefiningOp();
      if (s && onnxOpType(s) == "Sigmoid" && s->getOperand(0) == op->getOperand(i) && isActivation(op->getOperand(i)))
        return {op->getOperand(i)};
    }
  }
  if (t == "Add" || t == "Mul") {
    if (isActivation(op->getOperand(0)) && isActivation(op->getOperand(1))) return {op->getOperand(0), op->getOperand(1)};
    return none;
  }
  if (t == "GlobalAveragePool") return isActivation(op->getOperand(0)) ? SmallVector<Value>{op->getOperand(0)} : none;
  if (t == "Concat") {
    SmallVector<Value> ins(op->getOperands().begin(), op->getOperands().end());
    return llvm::all_of(ins, isActivation) ? ins : none;
  }
  return none;
}

// Relu or Clip with constant bounds: fused into the int8 op's output range.
bool isFusableActivation(Operation* op) {
  StringRef t = onnxOpType(op);
  if (t == "Relu") return true;
  if (t != "Clip") return false;
  for (unsigned i = 1; i < op->getNumOperands(); ++i)
    if (!isNone(op->getOperand(i)) && !op->getOperand(i).getDefiningOp<ConstantOp>()) return false;
  return true;
}

Value scalarConstant(OpBuilder& b, Location loc, Type type, Attribute value) {
  return b.create<ConstantOp>(loc, DenseElementsAttr::get(RankedTensorType::get({}, type), value)).getResult();
}

Location namedLoc(MLIRContext* ctx, const std::string& name) { return NameLoc::get(StringAttr::get(ctx, name)); }

// v -> Q -> DQ for every use of v.
void insertPair(OpBuilder& b, Value v, QuantParams p, const std::string& name) {
  MLIRContext* ctx = v.getContext();
  if (Operation* def = v.getDefiningOp()) b.setInsertionPointAfter(def);
  else b.setInsertionPointToStart(cast<BlockArgument>(v).getOwner());
  Location loc = namedLoc(ctx, name + "/QuantizeLinear");
  Value s = scalarConstant(b, loc, b.getF32Type(), b.getF32FloatAttr(p.scale));
  Value z = scalarConstant(b, loc, b.getIntegerType(8), b.getIntegerAttr(b.getIntegerType(8), p.zero_point));
  auto vt = cast<RankedTensorType>(v.getType());
  OperationState qs(loc, "zy.QuantizeLinear");
  qs.addOperands({v, s, z});
  qs.addTypes(RankedTensorType::get(vt.getShape(), b.getIntegerType(8)));
  Operation* q = b.create(qs);
  OperationState ds(namedLoc(ctx, name + "/DequantizeLinear"), "zy.DequantizeLinear");
  ds.addOperands({q->getResult(0), s, z});
  ds.addTypes(vt);
  Operation* dq = b.create(ds);
  v.replaceAllUsesExcept(dq->getResult(0), q);
}

// The constant weight of op as per-channel int8 behind a DequantizeLinear.
void quantizeWeight(OpBuilder& b, Operation* op, unsigned index, int64_t axis) {
  Value w = op->getOperand(index);
  std::vector<float> v;
  if (!constantF32(w, &v)) return;
  auto wt = cast<RankedTensorType>(w.getType());
  const int64_t channels = wt.getDimSize(axis);
  int64_t inner = 1;
  for (int64_t d = axis + 1; d < wt.getRank(); ++d) inner *= wt.getDimSize(d);
  std::vector<float> scale(static_cast<size_t>(channels), 0.f);
  for (size_t i = 0; i < v.size(); ++i) {
    float& s = scale[(static_cast<int64_t>(i) / inner) % channels];
    s = std::max(s, std::fabs(v[i]));
  }
  for (float& s : scale) s = s > 0 ? s / 127.f : 1.f;
  std::vector<int8_t> q(v.size());
  for (size_t i = 0; i < v.size(); ++i)
    q[i] = static_cast<int8_t>(std::clamp(std::nearbyint(v[i] / scale[(static_cast<int64_t>(i) / inner) % channels]), -127.f, 127.f));
  b.setInsertionPoint(op);
  Location loc = namedLoc(op->getContext(), nodeName(op) + "/weight");
  auto i8 = b.getIntegerType(8);
  Value qc = b.create<ConstantOp>(loc, DenseElementsAttr::get(RankedTensorType::get(wt.getShape(), i8), ArrayRef<int8_t>(q))).getResult();
  Value sc = makeF32Constant(b, loc, {channels}, scale);
  Value zc = b.create<ConstantOp>(loc, DenseElementsAttr::get(RankedTensorType::get({channels}, i8),
                                                               ArrayRef<int8_t>(std::vector<int8_t>(channels, 0))))
                 .getResult();
  OperationState ds(loc, "zy.DequantizeLinear");
  ds.addOperands({qc, sc, zc});
  ds.addAttribute("axis", b.getI64IntegerAttr(axis));
  ds.addTypes(wt);
  op->setOperand(index, b.create(ds)->getResult(0));
}

}  // namespace

std::vector<QuantizedLayer> insertQdq(func::FuncOp f, const llvm::DenseMap<Value, TensorRange>& ranges,
                                      const std::set<std::string>& keep_float, std::map<std::string, QuantParams>* tensors) {
  std::vector<QuantizedLayer> layers;
  llvm::MapVector<Value, QuantParams> quantized;  // in definition order
  auto producerName = [](Value v) { return v.getDefiningOp() ? nodeName(v.getDefiningOp()) : std::string(); };
  auto mark = [&](Value v) {
    auto it = ranges.find(v);
    if (it != ranges.end() && !quantized.count(v)) quantized.insert({v, QuantParams::forRange(it->second)});
    return it != ranges.end();
  };
  SmallVector<Operation*> ops, layer_ops;
  f.walk([&](Operation* op) { ops.push_back(op); });
  for (Operation* op : ops) {
    if (keep_float.count(nodeName(op))) continue;
    SmallVector<Value> ins = int8Inputs(op);
    if (ins.empty()) continue;
    StringRef t = onnxOpType(op);
    Value out = op->getResult(0);
    const bool takes_activation = t == "Conv" || t == "Gemm" || t == "MatMul" || t == "Add" || t == "Mul";
    if (takes_activation && out.hasOneUse() && isFusableActivation(*out.getUsers().begin()))
      out = out.getUsers().begin()->getResult(0);
    if (!llvm::all_of(ins, [&](Value v) { return ranges.count(v) != 0; }) || !mark(out)) continue;
    QuantizedLayer layer{nodeName(op), t.str(), producerName(out), {}, quantized.lookup(out)};
    for (Value v : ins) {
      mark(v);
      layer.input_producers.push_back(producerName(v));
    }
    layers.push_back(layer);
    layer_ops.push_back(op);
  }
  // Data movement after an int8 tensor stays int8, with the same parameters.
  for (Operation* op : ops)
    if (movesData(onnxOpType(op)) && op->getNumResults() == 1 && quantized.count(op->getOperand(0)) &&
        isF32(op->getResult(0)) && !keep_float.count(nodeName(op)))
      quantized[op->getResult(0)] = quantized.lookup(op->getOperand(0));
  OpBuilder b(f.getContext());
  for (size_t i = 0; i < layers.size(); ++i) {
    const QuantizedLayer& l = layers[i];
    Operation* op = layer_ops[i];
    if (l.type == "Conv") quantizeWeight(b, op, 1, 0);
    if (l.type == "Gemm") {
      auto tb = op->getAttrOfType<IntegerAttr>("transB");
      quantizeWeight(b, op, 1, tb && tb.getInt() ? 0 : 1);
    }
    if (l.type == "MatMul" && op->getOperand(1).getDefiningOp<ConstantOp>()) {
      auto bt = dyn_cast<RankedTensorType>(op->getOperand(1).getType());
      if (bt && bt.getRank() == 2) quantizeWeight(b, op, 1, 1);
    }
  }
  for (auto& [v, p] : quantized) {
    const std::string name = v.getDefiningOp() ? nodeName(v.getDefiningOp()) : "input" + std::to_string(cast<BlockArgument>(v).getArgNumber());
    insertPair(b, v, p, name);
    (*tensors)[name] = p;
  }
  return layers;
}

}  // namespace zy
}  // namespace mlir
