// zy-shape-inference: refines every result type with the runtime's shape
// inference, so the compiler and the loader agree on every shape.
//
// Inference sweeps the graph once, carrying the values of small tensors
// (Shape -> Gather -> Concat -> Reshape chains resolve on the way). Inputs
// with dynamic dimensions are swept twice, with two different probe sizes for
// each named dimension: a result dimension that comes out the same in both is
// static, one that differs is dynamic (-1) and stays for the runtime.
#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "exec/op_evaluator.h"
#include "mlir/IR/Diagnostics.h"
#include "ops/shape_inference.h"
#include "zy/Bridge/RuntimeBridge.h"
#include "zy/Dialect/ZyDialect.h"
#include "zy/Transforms/Passes.h"

namespace mlir {
namespace zy {

#define GEN_PASS_DEF_SHAPEINFERENCE
#include "zy/Transforms/Passes.h.inc"

namespace {

// Tensors larger than this are weights or activations, never shape-like
// values: their contents are not carried through inference.
constexpr int64_t kMaxValueElements = 1 << 16;

struct Known {
  ::zy::ValueInfo info;         // data left null; see view()
  std::vector<uint8_t> bytes;   // contents when known
  bool has_value = false;
  // Depends on an If whose branches disagree: the sweep goes on with one
  // branch's sizes, but every dimension is dynamic in the final type.
  bool tainted = false;
  ::zy::ValueInfo view() const {
    ::zy::ValueInfo v = info;
    v.data = has_value ? bytes.data() : nullptr;
    return v;
  }
};

class Sweep {
 public:
  // probe: the size given to each dynamic dimension, by symbol name.
  LogicalResult run(func::FuncOp func, const std::map<std::string, int64_t>* probe, std::string* where) {
    for (BlockArgument arg : func.getArguments()) {
      Known k;
      k.info = valueInfo(arg);
      auto syms = func.getArgAttrOfType<ArrayAttr>(arg.getArgNumber(), "zy.dim_params");
      for (size_t d = 0; d < k.info.shape.size(); ++d) {
        if (k.info.shape[d] >= 0) continue;
        std::string sym = syms && d < syms.size() ? cast<StringAttr>(syms[d]).getValue().str() : "";
        if (sym.empty()) sym = "arg" + std::to_string(arg.getArgNumber()) + "_dim" + std::to_string(d);
        auto it = probe ? probe->find(sym) : std::map<std::string, int64_t>::const_iterator();
        if (!probe || it == probe->end()) return func.emitError() << "input " << arg.getArgNumber() << " has an unknown dimension";
        k.info.shape[d] = it->second;
      }
      values_[arg] = std::move(k);
    }
    Operation* bad = nullptr;
    std::string message;
    if (failed(sweepBlock(func.getBody().front(), &bad, &message))) {
      bad->emitError() << message << *where;
      return failure();
    }
    return success();
  }
  // Sweeps the ops of a block in order; on failure names the op and why.
  LogicalResult sweepBlock(Block& block, Operation** bad, std::string* message) {
    for (Operation& op : block) {
      if (auto ifOp = dyn_cast<IfOp>(op)) {
        if (failed(sweepIf(ifOp, bad, message))) return failure();
        continue;
      }
      if (auto loop = dyn_cast<LoopOp>(op)) {
        if (failed(sweepLoop(loop, bad, message))) return failure();
        continue;
      }
      if (auto c = dyn_cast<ConstantOp>(op)) {
        Known k;
        k.info = valueInfo(c.getResult());
        if (cast<ShapedType>(c.getValue().getType()).getNumElements() <= kMaxValueElements) {
          k.bytes = elementsToBytes(c.getValue());
          k.has_value = true;
        }
        values_[c.getResult()] = std::move(k);
        continue;
      }
      StringRef type = onnxOpType(&op);
      if (type.empty()) continue;
      std::vector<::zy::ValueInfo> ins;
      bool all_values = true, tainted = false;
      for (Value v : op.getOperands()) {
        auto it = values_.find(v);
        if (it != values_.end()) tainted |= it->second.tainted;
        ins.push_back(it == values_.end() ? ::zy::ValueInfo{} : it->second.view());
        all_values &= it == values_.end() ? isa<NoneType>(v.getType()) : (it->second.has_value || !ins.back().present());
      }
      const ::zy::Attributes attrs = attributesOf(&op);
      std::vector<::zy::ValueInfo> outs;
      ::zy::Status s = ::zy::inferOutputs(type.str(), attrs, ins, op.getNumResults(), &outs);
      if (!s.ok()) {
        // Inputs left unknown by an If whose branches disagree: leave this op too.
        bool unknown = false;
        for (const auto& v : ins) for (int64_t d : v.shape) unknown |= d < 0;
        if (unknown) continue;
        *bad = &op;
        *message = nodeLabel(&op) + ": " + s.message();
        return failure();
      }
      // Carry small results' values forward. Shape and Size need only the
      // input's shape, which every sweep knows.
      std::vector<std::vector<uint8_t>> data;
      if ((type == "Shape" || type == "Size") && !ins.empty() && ins[0].present()) {
        std::vector<int64_t> v;
        if (type == "Size") v = {::zy::numElements(ins[0].shape)};
        else {
          int64_t start, end;
          ::zy::shapeRange(attrs, static_cast<int64_t>(ins[0].shape.size()), &start, &end);
          v.assign(ins[0].shape.begin() + start, ins[0].shape.begin() + end);
        }
        Known k;
        k.info = outs[0];
        k.tainted = tainted;
        k.bytes.resize(v.size() * 8);
        if (!v.empty()) std::memcpy(k.bytes.data(), v.data(), k.bytes.size());
        k.has_value = true;
        values_[op.getResult(0)] = std::move(k);
        continue;
      }
      bool small = all_values;
      for (const auto& o : outs) small &= ::zy::numElements(o.shape) <= kMaxValueElements;
      if (small) {
        std::vector<::zy::ValueInfo> again;
        small = ::zy::evaluateOp(type.str(), attrs, ins, op.getNumResults(), &again, &data).ok();
      }
      for (unsigned i = 0; i < op.getNumResults(); ++i) {
        Known k;
        k.info = outs[i];
        k.info.data = nullptr;
        k.tainted = tainted;
        if (small) { k.bytes = std::move(data[i]); k.has_value = true; }
        values_[op.getResult(i)] = std::move(k);
      }
    }
    return success();
  }

  // Loop: the body is swept once for its first iteration. Loop-carried values
  // that keep their shape keep it; the others, and the scan outputs (whose
  // length is the trip count), become fully dynamic.
  LogicalResult sweepLoop(LoopOp op, Operation** bad, std::string* message) {
    Block& body = op->getRegion(0).front();
    const unsigned carried = op->getNumOperands() - 2;
    auto scalar = [](::zy::DType t, int64_t v) {
      Known k;
      k.info.dtype = t;
      k.bytes.assign(::zy::dtypeSize(t), 0);
      std::memcpy(k.bytes.data(), &v, ::zy::dtypeSize(t));
      k.has_value = true;
      return k;
    };
    values_[body.getArgument(0)] = scalar(::zy::DType::I64, 0);
    values_[body.getArgument(1)] = scalar(::zy::DType::Bool, 1);
    for (unsigned k = 0; k < carried; ++k) {
      auto it = values_.find(op->getOperand(2 + k));
      if (it == values_.end()) return success();  // unknown inputs: leave the loop untyped
      Known v = it->second;
      values_[body.getArgument(2 + k)] = std::move(v);
    }
    if (failed(sweepBlock(body, bad, message))) return failure();
    auto yields = cast<YieldOp>(body.getTerminator()).getValues();
    // A carried value that changes shape between iterations makes the whole
    // body's shapes iteration-dependent: sweep again with its inputs tainted.
    bool changes = false;
    for (unsigned k = 0; k < carried && 1 + k < yields.size(); ++k) {
      auto it = values_.find(yields[1 + k]);
      changes |= it != values_.end() && it->second.info.shape != values_[body.getArgument(2 + k)].info.shape;
    }
    if (changes) {
      for (unsigned k = 0; k < carried; ++k) values_[body.getArgument(2 + k)].tainted = true;
      if (failed(sweepBlock(body, bad, message))) return failure();
    }
    int64_t trips = 1;
    if (auto it = values_.find(op->getOperand(0)); it != values_.end() && it->second.has_value && it->second.bytes.size() == 8)
      std::memcpy(&trips, it->second.bytes.data(), 8);
    for (unsigned i = 0; i < op->getNumResults() && 1 + i < yields.size(); ++i) {
      auto it = values_.find(yields[1 + i]);
      if (it == values_.end()) continue;
      Known k = it->second;
      k.has_value = false;
      k.bytes.clear();
      if (i < carried) {
        const Known& in = values_[body.getArgument(2 + i)];
        k.tainted |= in.info.shape != k.info.shape;
      } else {
        k.info.shape.insert(k.info.shape.begin(), std::max<int64_t>(trips, 0));
        k.tainted = true;
      }
      values_[op->getResult(i)] = std::move(k);
    }
    return success();
  }

  // If: a known condition picks its branch; otherwise both are swept and
  // their results merged (a dimension on which they disagree becomes -1).
  LogicalResult sweepIf(IfOp op, Operation** bad, std::string* message) {
    auto cit = values_.find(op.getCond());
    int taken = -1;
    if (cit != values_.end() && cit->second.has_value && !cit->second.bytes.empty()) {
      bool nonzero = false;
      for (size_t k = 0; k < ::zy::dtypeSize(cit->second.info.dtype) && k < cit->second.bytes.size(); ++k) nonzero |= cit->second.bytes[k] != 0;
      taken = nonzero ? 0 : 1;
    }
    bool ok[2];
    Operation* branch_bad[2] = {nullptr, nullptr};
    std::string branch_msg[2];
    for (int k = 0; k < 2; ++k) {
      ok[k] = succeeded(sweepBlock(op->getRegion(k).front(), &branch_bad[k], &branch_msg[k]));
      if (!ok[k]) failed_branches_[&op->getRegion(k)] = branch_msg[k];
    }
    if (taken >= 0 && !ok[taken]) { *bad = branch_bad[taken]; *message = branch_msg[taken]; return failure(); }
    if (taken < 0 && !ok[0] && !ok[1]) { *bad = branch_bad[0]; *message = branch_msg[0]; return failure(); }
    auto yields = [&](int k) { return cast<YieldOp>(op->getRegion(k).front().getTerminator()).getValues(); };
    for (unsigned i = 0; i < op->getNumResults(); ++i) {
      const Known* picks[2] = {nullptr, nullptr};
      for (int k = 0; k < 2; ++k) {
        if (!ok[k] || (taken >= 0 && taken != k)) continue;
        auto it = values_.find(yields(k)[i]);
        if (it != values_.end()) picks[k] = &it->second;
      }
      const Known* first = picks[0] ? picks[0] : picks[1];
      if (!first) continue;
      Known k = *first;
      const Known* other = picks[0] && picks[1] ? picks[1] : nullptr;
      if (other && (other->info.dtype != k.info.dtype || other->info.shape.size() != k.info.shape.size())) {
        *bad = op;
        *message = nodeLabel(op) + ": the branches give output " + std::to_string(i) + " different dtypes or ranks";
        return failure();
      }
      if (other && (other->info.shape != k.info.shape || other->has_value != k.has_value || other->bytes != k.bytes)) {
        k.tainted = true;  // keep this branch's sizes for the sweep; the type will be fully dynamic
        k.has_value = false;
        k.bytes.clear();
      }
      k.tainted |= other && other->tainted;
      values_[op->getResult(i)] = std::move(k);
    }
    return success();
  }

  // Branches whose shapes cannot be inferred for these inputs, with why.
  const std::map<Region*, std::string>& failedBranches() const { return failed_branches_; }

  const Known* find(Value v) const {
    auto it = values_.find(v);
    return it == values_.end() ? nullptr : &it->second;
  }

 private:
  DenseMap<Value, Known> values_;
  std::map<Region*, std::string> failed_branches_;
};

// A branch that cannot run for the input sizes of this compilation (an
// 8 kHz branch fed 16 kHz frames, say) becomes one zy.Fail op: running it is
// an error that says why, and the rest of the model keeps its types.
void replaceWithFail(IfOp op, Region* region, const std::string& why) {
  Block& block = region->front();
  for (Operation& inner : block) inner.dropAllReferences();
  while (!block.empty()) block.back().erase();
  OpBuilder b = OpBuilder::atBlockEnd(&block);
  OperationState state(op.getLoc(), "zy.Fail");
  state.addAttribute("message", b.getStringAttr("this If branch cannot run for the input sizes the model was compiled for: " + why));
  state.addTypes(op.getResultTypes());
  Operation* fail = b.create(state);
  b.create<YieldOp>(op.getLoc(), fail->getResults());
}

struct ShapeInferencePass : impl::ShapeInferenceBase<ShapeInferencePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // The symbols of the dynamic dimensions, in order of appearance.
    std::vector<std::string> symbols;
    for (BlockArgument arg : func.getArguments()) {
      ::zy::ValueInfo info = valueInfo(arg);
      auto syms = func.getArgAttrOfType<ArrayAttr>(arg.getArgNumber(), "zy.dim_params");
      for (size_t d = 0; d < info.shape.size(); ++d) {
        if (info.shape[d] >= 0) continue;
        std::string sym = syms && d < syms.size() ? cast<StringAttr>(syms[d]).getValue().str() : "";
        if (sym.empty()) sym = "arg" + std::to_string(arg.getArgNumber()) + "_dim" + std::to_string(d);
        if (std::find(symbols.begin(), symbols.end(), sym) == symbols.end()) symbols.push_back(sym);
      }
    }
    Sweep a, b;
    if (symbols.empty()) {
      std::string none;
      if (failed(a.run(func, nullptr, &none))) return signalPassFailure();
    } else {
      // Multiples of 64 survive the strided downsampling and upsampling of
      // typical CNNs; two distinct sizes per symbol tell dynamic dims apart.
      // Unnamed dimensions may really be the same size (a batch shared by two
      // inputs), so if distinct sizes fail, every symbol gets one size.
      bool done = false;
      for (int attempt = 0; attempt < 2 && !done; ++attempt) {
        std::map<std::string, int64_t> pa, pb;
        std::string wa = " (inferring with each dynamic dimension set to", wb = wa;
        for (size_t k = 0; k < symbols.size(); ++k) {
          // Attempt 2 uses larger sizes too: windows of a few hundred samples
          // (audio framing) need inputs at least that long.
          const int64_t step = attempt == 0 ? static_cast<int64_t>(k) : 0;
          pa[symbols[k]] = attempt == 0 ? 64 * (step + 2) : 512;
          pb[symbols[k]] = attempt == 0 ? 64 * (step + 3) + 64 : 768;
          wa += " " + symbols[k] + "=" + std::to_string(pa[symbols[k]]);
          wb += " " + symbols[k] + "=" + std::to_string(pb[symbols[k]]);
        }
        wa += "; fix sizes with --input-shape if this size cannot occur)";
        wb += "; fix sizes with --input-shape if this size cannot occur)";
        a = Sweep();
        b = Sweep();
        const bool last = attempt == 1 || symbols.size() == 1;
        if (last) {
          if (failed(a.run(func, &pa, &wa)) || failed(b.run(func, &pb, &wb))) return signalPassFailure();
          done = true;
        } else {
          // A quiet first attempt: its errors are not reported.
          ScopedDiagnosticHandler quiet(&getContext(), [](Diagnostic&) { return success(); });
          done = succeeded(a.run(func, &pa, &wa)) && succeeded(b.run(func, &pb, &wb));
        }
      }
    }
    bool dynamic = !symbols.empty();
    auto typeOf = [&](Value v, Type* out) {
      const Known* ka = a.find(v);
      const Known* kb = dynamic ? b.find(v) : ka;
      if (!ka || !kb || ka->info.dtype != kb->info.dtype || ka->info.shape.size() != kb->info.shape.size()) return false;
      const bool tainted = ka->tainted || kb->tainted;
      SmallVector<int64_t> shape;
      for (size_t d = 0; d < ka->info.shape.size(); ++d)
        shape.push_back(!tainted && ka->info.shape[d] == kb->info.shape[d] && ka->info.shape[d] >= 0 ? ka->info.shape[d] : ShapedType::kDynamic);
      *out = RankedTensorType::get(shape, elementTypeOf(v.getContext(), ka->info.dtype));
      return true;
    };
    func.walk([&](LoopOp loop) {
      for (BlockArgument arg : loop->getRegion(0).front().getArguments()) {
        Type t;
        if (typeOf(arg, &t)) arg.setType(t);
      }
    });
    WalkResult r = func.walk([&](Operation* op) {
      if (onnxOpType(op).empty()) return WalkResult::advance();
      for (unsigned i = 0; i < op->getNumResults(); ++i) {
        const Known* ka = a.find(op->getResult(i));
        const Known* kb = dynamic ? b.find(op->getResult(i)) : ka;
        if (!ka || !kb) continue;
        const ::zy::ValueInfo* va = &ka->info;
        const ::zy::ValueInfo* vb = &kb->info;
        const bool tainted = ka->tainted || kb->tainted;
        if (va->dtype != vb->dtype || va->shape.size() != vb->shape.size()) {
          op->emitError() << nodeLabel(op) << ": the rank or dtype of output " << i << " depends on the input sizes; fix them with --input-shape";
          return WalkResult::interrupt();
        }
        SmallVector<int64_t> shape;
        for (size_t d = 0; d < va->shape.size(); ++d)
          shape.push_back(!tainted && va->shape[d] == vb->shape[d] && va->shape[d] >= 0 ? va->shape[d] : ShapedType::kDynamic);
        op->getResult(i).setType(RankedTensorType::get(shape, elementTypeOf(op->getContext(), va->dtype)));
      }
      return WalkResult::advance();
    });
    if (r.wasInterrupted()) return signalPassFailure();
    std::map<Region*, std::string> failed = a.failedBranches();
    if (dynamic) failed.insert(b.failedBranches().begin(), b.failedBranches().end());
    // Deepest first: replacing an outer branch deletes the inner ones.
    std::vector<std::pair<int, Region*>> order;
    for (auto& [region, why] : failed) {
      int depth = 0;
      for (Operation* p = region->getParentOp(); p; p = p->getParentOp()) ++depth;
      order.emplace_back(-depth, region);
    }
    std::sort(order.begin(), order.end());
    std::set<Region*> gone;
    for (auto& [depth, region] : order) {
      bool inside_replaced = false;
      for (Operation* p = region->getParentOp(); p; p = p->getParentOp())
        for (Region& r : p->getRegions()) inside_replaced |= gone.count(&r) && r.isAncestor(region) && &r != region;
      if (inside_replaced) continue;
      if (auto ifOp = dyn_cast<IfOp>(region->getParentOp())) replaceWithFail(ifOp, region, failed[region]);
      gone.insert(region);
    }
    // The signature follows the refined results.
    auto ret = cast<func::ReturnOp>(func.getBody().back().getTerminator());
    func.setType(FunctionType::get(func.getContext(), func.getArgumentTypes(), ret.getOperandTypes()));
  }
};

}  // namespace
}  // namespace zy
}  // namespace mlir
