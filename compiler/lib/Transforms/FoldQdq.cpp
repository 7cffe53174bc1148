// zy-fold-qdq: turns the QDQ form (QuantizeLinear / DequantizeLinear around
// float ops, as PyTorch's and ONNX Runtime's quantizers export it, and as
// zy-quantize inserts it) into int8 ops that follow docs/int8.md:
//   Q(Conv(DQ(x), DQ(w)[, b]) [Relu|Clip])   -> QLinearConv (+ activation)
//   Q(Gemm(DQ(a), DQ(B)[, C]) [Relu|Clip])   -> QGemm
//   Q(MatMul(DQ(a), DQ(b)) [Relu|Clip])      -> QLinearMatMul
//   Q(Add|Mul(DQ(a), DQ(b)) [Relu|Clip])     -> QLinearAdd | QLinearMul
//   Q(GlobalAveragePool(DQ(x)))              -> QLinearGlobalAveragePool
//   Q(Concat(DQ(x1), DQ(x2), ...))           -> QLinearConcat
//   Q(MaxPool|Reshape|Flatten|Resize nearest|...(DQ(x)))  -> the op on int8, when Q and DQ
//                                               share scale and zero point
//   Q(DQ(x)) with the same parameters        -> x
//   Q(f(DQ(x))), f any element-wise float function of x alone (Sigmoid,
//   x * Sigmoid(x), HardSwish, ...)         -> QLinearLookup, f tabulated for
//                                              the 256 values of x here
// Biases (DQ of int32, or float) are requantized to x_scale * w_scale. What
// does not match stays as it is: DQ and Q then run as ops, in float between.
#include <cmath>
#include <deque>
#include <set>
#include <cstring>

#include "PatternHelpers.h"
#include "exec/op_evaluator.h"
#include "llvm/ADT/DenseSet.h"
#include "zy/Transforms/Passes.h"

namespace mlir {
namespace zy {

#define GEN_PASS_DEF_FOLDQDQ
#include "zy/Transforms/Passes.h.inc"

namespace {

// The values of a constant of any numeric dtype, as doubles.
bool constantValues(Value v, std::vector<double>* out) {
  auto c = v.getDefiningOp<ConstantOp>();
  if (!c) return false;
  const ::zy::DType t = dtypeOf(cast<ShapedType>(c.getValue().getType()).getElementType());
  std::vector<uint8_t> bytes = elementsToBytes(c.getValue());
  const size_t n = bytes.size() / std::max<size_t>(1, ::zy::dtypeSize(t));
  out->resize(n);
  for (size_t i = 0; i < n; ++i) {
    const uint8_t* p = bytes.data() + i * ::zy::dtypeSize(t);
    switch (t) {
      case ::zy::DType::F32: { float f; std::memcpy(&f, p, 4); (*out)[i] = f; break; }
      case ::zy::DType::I8: (*out)[i] = static_cast<int8_t>(*p); break;
      case ::zy::DType::U8: (*out)[i] = *p; break;
      case ::zy::DType::I32: { int32_t x; std::memcpy(&x, p, 4); (*out)[i] = x; break; }
      case ::zy::DType::I64: { int64_t x; std::memcpy(&x, p, 8); (*out)[i] = static_cast<double>(x); break; }
      default: return false;
    }
  }
  return true;
}

// A DequantizeLinear or QuantizeLinear: the quantized value, its scale and
// zero point (constants), and its axis when per channel.
struct QdqParams {
  Operation* op = nullptr;
  Value scale, zero_point;  // zero_point may be a zy.none or absent (null)
  std::vector<double> scales, zero_points;
  int64_t axis = 1;
  bool perTensor() const { return scales.size() == 1; }
};

bool readParams(Operation* op, QdqParams* p) {
  if (op->getNumOperands() < 2) return false;
  p->op = op;
  p->scale = op->getOperand(1);
  p->zero_point = op->getNumOperands() > 2 && !isNone(op->getOperand(2)) ? op->getOperand(2) : Value();
  if (auto a = op->getAttrOfType<IntegerAttr>("axis")) p->axis = a.getInt();
  if (!constantValues(p->scale, &p->scales) || p->scales.empty()) return false;
  p->zero_points.assign(p->scales.size(), 0.0);
  if (p->zero_point && (!constantValues(p->zero_point, &p->zero_points) || p->zero_points.size() != p->scales.size())) return false;
  return true;
}

// v = DequantizeLinear(q): its parameters; per tensor unless allowed.
bool dequantized(Value v, QdqParams* p, bool per_tensor = true) {
  Operation* dq = definingOnnxOp(v, "DequantizeLinear");
  if (!dq || !readParams(dq, p) || (per_tensor && !p->perTensor())) return false;
  auto t = dyn_cast<RankedTensorType>(dq->getOperand(0).getType());
  return t && (t.getElementType().isInteger(8));
}

bool sameParams(const QdqParams& a, const QdqParams& b) {
  return a.scales == b.scales && a.zero_points == b.zero_points &&
         getElementTypeOrSelf(a.op->getOperand(0).getType()) == getElementTypeOrSelf(b.op->getResult(0).getType());
}

// A zero point operand (a none when absent, so that operand positions hold).
Value zeroPointOrNone(OpBuilder& b, const QdqParams& p) {
  return p.zero_point ? p.zero_point : b.create<NoneOp>(p.op->getLoc(), b.getNoneType()).getResult();
}

// Data movement that commutes with quantization: the op runs on int8 as is
// (Resize only in nearest mode: it picks input values, never mixes them).
bool movesData(Operation* op, StringRef t) {
  if (t == "Resize") {
    auto mode = op->getAttrOfType<StringAttr>("mode");
    return !mode || mode.getValue() == "nearest";
  }
  return t == "MaxPool" || t == "Reshape" || t == "Flatten" || t == "Transpose" || t == "Squeeze" || t == "Unsqueeze" ||
         t == "Identity" || t == "Slice";
}

// Element-wise ops a lookup table can stand for (with scalar constants).
bool tabulable(StringRef t) {
  static const std::set<std::string> ops = {
      "Sigmoid", "Tanh", "Relu", "LeakyRelu", "HardSigmoid", "HardSwish", "Elu", "Selu", "Celu", "Softplus", "Softsign",
      "Exp", "Log", "Sqrt", "Abs", "Neg", "Erf", "Clip", "Mish", "Reciprocal", "Add", "Sub", "Mul", "Div", "Pow", "Min", "Max"};
  return ops.count(t.str()) != 0;
}

// The element-wise ops between v and one DequantizeLinear (dq), when every
// path from v leads back to it through tabulable ops and scalar constants.
bool collectTabulable(Value v, Operation** dq, llvm::DenseSet<Operation*>* seen, SmallVectorImpl<Operation*>* ops) {
  Operation* op = v.getDefiningOp();
  if (!op) return false;
  if (onnxOpType(op) == "DequantizeLinear") {
    if (*dq && *dq != op) return false;
    *dq = op;
    return true;
  }
  if (seen->count(op)) return true;
  if (!tabulable(onnxOpType(op)) || op->getNumResults() != 1 || op->getNumRegions() != 0) return false;
  for (Value in : op->getOperands()) {
    if (isNone(in)) continue;
    if (auto c = in.getDefiningOp<ConstantOp>()) {
      if (cast<ShapedType>(c.getType()).getNumElements() != 1) return false;
      continue;
    }
    if (!collectTabulable(in, dq, seen, ops)) return false;
  }
  seen->insert(op);
  ops->push_back(op);
  return true;
}

struct FoldQdqPass : impl::FoldQdqBase<FoldQdqPass> {
  // A Relu or Clip(constant bounds) between the op and the Q: its attributes.
  bool activationOf(Operation* act, SmallVectorImpl<NamedAttribute>* attrs) {
    Builder b(act->getContext());
    StringRef t = onnxOpType(act);
    if (t == "Relu") {
      attrs->push_back(b.getNamedAttr("activation", b.getStringAttr("Relu")));
      return true;
    }
    if (t != "Clip") return false;
    float lo = -INFINITY, hi = INFINITY;
    std::vector<float> v;
    if (act->getNumOperands() > 1 && !isNone(act->getOperand(1))) {
      if (!constantF32(act->getOperand(1), &v) || v.size() != 1) return false;
      lo = v[0];
    }
    if (act->getNumOperands() > 2 && !isNone(act->getOperand(2))) {
      if (!constantF32(act->getOperand(2), &v) || v.size() != 1) return false;
      hi = v[0];
    }
    attrs->push_back(b.getNamedAttr("activation", b.getStringAttr("Clip")));
    attrs->push_back(b.getNamedAttr("activation_alpha", b.getF32FloatAttr(lo)));
    attrs->push_back(b.getNamedAttr("activation_beta", b.getF32FloatAttr(hi)));
    return true;
  }

  // An int32 bias of `channels` values at scale x_scale * w_scale[c], from a
  // DQ(int32 constant) or a float constant; null when there is none.
  bool quantizedBias(OpBuilder& b, Value bias, double x_scale, const std::vector<double>& w_scales, int64_t channels,
                     double beta, Value* out) {
    *out = Value();
    if (!bias || isNone(bias)) return true;
    std::vector<double> real;
    QdqParams p;
    if (definingOnnxOp(bias, "DequantizeLinear")) {
      if (!readParams(bias.getDefiningOp(), &p) || !constantValues(p.op->getOperand(0), &real)) return false;
      for (size_t i = 0; i < real.size(); ++i) {
        const size_t k = p.perTensor() ? 0 : i;
        real[i] = (real[i] - p.zero_points[k]) * p.scales[k];
      }
    } else if (!constantValues(bias, &real)) {
      return false;
    }
    if (real.size() == 1) real.assign(static_cast<size_t>(channels), real[0]);
    if (static_cast<int64_t>(real.size()) != channels) return false;
    std::vector<int32_t> q(real.size());
    for (size_t i = 0; i < real.size(); ++i) {
      const double s = x_scale * w_scales[w_scales.size() > 1 ? i : 0];
      const double v = s > 0 ? std::nearbyint(beta * real[i] / s) : 0.0;
      if (std::fabs(v) > 2147483647.0) return false;
      q[i] = static_cast<int32_t>(v);
    }
    auto type = RankedTensorType::get({channels}, b.getI32Type());
    *out = b.create<ConstantOp>(bias.getLoc(), DenseElementsAttr::get(type, ArrayRef<int32_t>(q))).getResult();
    return true;
  }

  Operation* build(OpBuilder& b, Operation* at, StringRef type, ValueRange operands, ArrayRef<NamedAttribute> attrs, Type result) {
    OperationState state(at->getLoc(), ("zy." + type).str());
    state.addOperands(operands);
    state.addAttributes(attrs);
    state.addTypes(result);
    return b.create(state);
  }

  // Conv / Gemm with a constant weight: QLinearConv / QGemm.
  Operation* foldWeighted(OpBuilder& b, Operation* op, const QdqParams& out, SmallVector<NamedAttribute>& attrs) {
    const bool conv = onnxOpType(op) == "Conv";
    QdqParams x, w;
    if (op->getNumOperands() < 2 || !dequantized(op->getOperand(0), &x) || !dequantized(op->getOperand(1), &w, false)) return nullptr;
    auto wt = dyn_cast<RankedTensorType>(w.op->getOperand(0).getType());
    if (!wt || !wt.hasStaticShape() || !w.op->getOperand(0).getDefiningOp<ConstantOp>()) return nullptr;
    bool trans_b = false;
    if (!conv) {
      if (auto a = op->getAttrOfType<FloatAttr>("alpha"); a && a.getValueAsDouble() != 1.0) return nullptr;
      if (auto a = op->getAttrOfType<IntegerAttr>("transB")) trans_b = a.getInt() != 0;
      if (wt.getRank() != 2) return nullptr;
    }
    // Output channels and the axis a per-channel weight scale must run along.
    const int64_t channel_axis = conv || trans_b ? 0 : 1, channels = wt.getDimSize(channel_axis);
    if (!w.perTensor() && (static_cast<int64_t>(w.scales.size()) != channels ||
                           (w.axis + wt.getRank()) % wt.getRank() != channel_axis))
      return nullptr;
    double beta = 1.0;
    if (!conv)
      if (auto a = op->getAttrOfType<FloatAttr>("beta")) beta = a.getValueAsDouble();
    Value bias;
    if (!quantizedBias(b, op->getNumOperands() > 2 ? op->getOperand(2) : Value(), x.scales[0], w.scales, channels, beta, &bias))
      return nullptr;
    for (NamedAttribute a : op->getAttrs())
      if (a.getName() != "beta" && a.getName() != "alpha") attrs.push_back(a);
    SmallVector<Value> ops = {x.op->getOperand(0), x.scale, zeroPointOrNone(b, x), w.op->getOperand(0), w.scale, zeroPointOrNone(b, w)};
    if (conv) {
      ops.append({out.scale, zeroPointOrNone(b, out)});
      if (bias) ops.push_back(bias);
    } else {
      ops.append({bias ? bias : b.create<NoneOp>(op->getLoc(), b.getNoneType()).getResult(), out.scale, zeroPointOrNone(b, out)});
    }
    return build(b, op, conv ? "QLinearConv" : "QGemm", ops, attrs, out.op->getResult(0).getType());
  }

  // Q(f(DQ(x))) -> QLinearLookup(x, table): f evaluated by the reference
  // kernels on all 256 values x can take, then quantized as the Q does.
  Operation* foldLookup(OpBuilder& b, Operation* q) {
    Operation* dq = nullptr;
    llvm::DenseSet<Operation*> seen;
    SmallVector<Operation*> ops;
    if (!collectTabulable(q->getOperand(0), &dq, &seen, &ops) || !dq || ops.empty()) return nullptr;
    QdqParams in;
    if (!dequantized(dq->getResult(0), &in)) return nullptr;
    llvm::sort(ops, [](Operation* a, Operation* c) { return a->isBeforeInBlock(c); });
    const ::zy::DType xt = dtypeOf(getElementTypeOrSelf(dq->getOperand(0).getType()));
    auto constantInfo = [](Value v, std::deque<std::vector<uint8_t>>* keep) {
      ::zy::ValueInfo info = valueInfo(v);
      if (info.present()) {
        keep->push_back(elementsToBytes(v.getDefiningOp<ConstantOp>().getValue()));
        info.data = keep->back().data();
      }
      return info;
    };
    std::deque<std::vector<uint8_t>> keep;
    llvm::DenseMap<Value, std::vector<uint8_t>> vals;
    std::vector<uint8_t> bytes(256);
    for (int i = 0; i < 256; ++i) bytes[i] = static_cast<uint8_t>(i);  // every value x can take, by its byte
    // Runs one op on [256]-element operands; false if the kernel refuses.
    auto eval = [&](StringRef type, Operation* op, ArrayRef<::zy::ValueInfo> ins, std::vector<uint8_t>* out) {
      std::vector<::zy::ValueInfo> outs;
      std::vector<std::vector<uint8_t>> res;
      ::zy::Status st = ::zy::evaluateOp(type.str(), attributesOf(op), std::vector<::zy::ValueInfo>(ins.begin(), ins.end()), 1, &outs, &res);
      if (!st.ok() || ::zy::numElements(outs[0].shape) != 256) return false;
      *out = std::move(res[0]);
      return true;
    };
    std::vector<uint8_t> real;
    if (!eval("DequantizeLinear", dq, {::zy::ValueInfo{xt, {256}, bytes.data()}, constantInfo(dq->getOperand(1), &keep),
                                        dq->getNumOperands() > 2 ? constantInfo(dq->getOperand(2), &keep) : ::zy::ValueInfo{}},
              &real))
      return nullptr;
    vals[dq->getResult(0)] = std::move(real);
    for (Operation* op : ops) {
      std::vector<::zy::ValueInfo> ins;
      for (Value v : op->getOperands()) {
        auto it = vals.find(v);
        if (it != vals.end()) ins.push_back(::zy::ValueInfo{::zy::DType::F32, {256}, it->second.data()});
        else ins.push_back(isNone(v) ? ::zy::ValueInfo{} : constantInfo(v, &keep));
      }
      std::vector<uint8_t> out;
      if (!eval(onnxOpType(op), op, ins, &out)) return nullptr;
      vals[op->getResult(0)] = std::move(out);
    }
    std::vector<uint8_t> table;
    const auto it = vals.find(q->getOperand(0));
    if (it == vals.end() ||
        !eval("QuantizeLinear", q, {::zy::ValueInfo{::zy::DType::F32, {256}, it->second.data()}, constantInfo(q->getOperand(1), &keep),
                                    q->getNumOperands() > 2 ? constantInfo(q->getOperand(2), &keep) : ::zy::ValueInfo{}},
              &table))
      return nullptr;
    Type yt = getElementTypeOrSelf(q->getResult(0).getType());
    Operation* root = q->getOperand(0).getDefiningOp();
    b.setInsertionPoint(q);
    Value tc = b.create<ConstantOp>(root->getLoc(), bytesToElements(RankedTensorType::get({256}, yt), table.data(), table.size())).getResult();
    return build(b, root, "QLinearLookup", {dq->getOperand(0), tc}, {}, q->getResult(0).getType());
  }

  // One Q: fold what feeds it into an int8 op; true when it changed the graph.
  bool foldQuantize(Operation* q, OpBuilder& b) {
    QdqParams out;
    if (!readParams(q, &out) || !out.perTensor()) return false;
    Type result = q->getResult(0).getType();
    Value v = q->getOperand(0);
    Operation* op = v.getDefiningOp();
    if (!op) return false;
    // Q(DQ(x)) with the same parameters is x.
    if (onnxOpType(op) == "DequantizeLinear") {
      QdqParams in;
      if (!readParams(op, &in) || !sameParams(in, out) || op->getOperand(0).getType() != result) return false;
      q->getResult(0).replaceAllUsesWith(op->getOperand(0));
      return true;
    }
    if (!v.hasOneUse()) return false;
    b.setInsertionPoint(q);
    SmallVector<NamedAttribute> attrs;
    if (op->getNumResults() == 1 && activationOf(op, &attrs)) {
      v = op->getOperand(0);
      op = v.getDefiningOp();
      if (!op || !v.hasOneUse()) return false;
    }
    const bool act = !attrs.empty();
    StringRef t = onnxOpType(op);
    if (op->getNumResults() != 1) return false;
    Operation* folded = nullptr;
    QdqParams a, c;
    if (t == "Conv" || t == "Gemm") {
      folded = foldWeighted(b, op, out, attrs);
    } else if (t == "MatMul") {
      if (dequantized(op->getOperand(0), &a) && dequantized(op->getOperand(1), &c, false) &&
          (c.perTensor() || c.axis == -1 || c.axis == cast<ShapedType>(c.op->getOperand(0).getType()).getRank() - 1))
        folded = build(b, op, "QLinearMatMul",
                       {a.op->getOperand(0), a.scale, zeroPointOrNone(b, a), c.op->getOperand(0), c.scale, zeroPointOrNone(b, c),
                        out.scale, zeroPointOrNone(b, out)},
                       attrs, result);
    } else if (t == "Add" || t == "Mul") {
      if (dequantized(op->getOperand(0), &a) && dequantized(op->getOperand(1), &c) &&
          getElementTypeOrSelf(a.op->getOperand(0).getType()) == getElementTypeOrSelf(c.op->getOperand(0).getType()))
        folded = build(b, op, t == "Add" ? "QLinearAdd" : "QLinearMul",
                       {a.op->getOperand(0), a.scale, zeroPointOrNone(b, a), c.op->getOperand(0), c.scale, zeroPointOrNone(b, c),
                        out.scale, zeroPointOrNone(b, out)},
                       attrs, result);
    } else if (act) {
      // Only the ops above take a fused activation (a lookup table may still stand for the chain).
    } else if (t == "GlobalAveragePool") {
      if (dequantized(op->getOperand(0), &a))
        folded = build(b, op, "QLinearGlobalAveragePool", {a.op->getOperand(0), a.scale, zeroPointOrNone(b, a), out.scale, zeroPointOrNone(b, out)},
                       {}, result);
    } else if (t == "Concat") {
      SmallVector<Value> ops = {out.scale, zeroPointOrNone(b, out)};
      for (Value in : op->getOperands()) {
        if (!dequantized(in, &a)) return false;
        ops.append({a.op->getOperand(0), a.scale, zeroPointOrNone(b, a)});
      }
      folded = build(b, op, "QLinearConcat", ops, op->getAttrs(), result);
    } else if (movesData(op, t)) {
      if (dequantized(op->getOperand(0), &a) && sameParams(a, out)) {
        SmallVector<Value> ops(op->getOperands().begin(), op->getOperands().end());
        ops[0] = a.op->getOperand(0);
        folded = build(b, op, t, ops, op->getAttrs(), result);
      }
    }
    if (!folded) folded = foldLookup(b, q);
    if (!folded) return false;
    q->getResult(0).replaceAllUsesWith(folded->getResult(0));
    return true;  // the float chain is dead now; zy-dce removes it
  }

  void runOnOperation() override {
    OpBuilder b(&getContext());
    // A Cast to the type it already has (PyTorch puts one between each Q and
    // DQ) would hide the pairs.
    SmallVector<Operation*> casts;
    getOperation().walk([&](Operation* op) {
      if (onnxOpType(op) == "Cast" && op->getOperand(0).getType() == op->getResult(0).getType()) casts.push_back(op);
    });
    for (Operation* cast : casts) {
      cast->getResult(0).replaceAllUsesWith(cast->getOperand(0));
      cast->erase();
    }
    SmallVector<Operation*> qs;
    getOperation().walk([&](Operation* op) { if (onnxOpType(op) == "QuantizeLinear") qs.push_back(op); });
    for (Operation* q : qs)
      if (foldQuantize(q, b)) q->erase();
  }
};

}  // namespace
}  // namespace zy
}  // namespace mlir
