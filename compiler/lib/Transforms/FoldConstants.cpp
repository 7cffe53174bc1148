// zy-fold-constants: evaluates ops whose operands are all constants with the
// reference backend's kernels (one implementation of every op's semantics),
// and Shape of statically shaped tensors.
#include <deque>

#include "exec/op_evaluator.h"
#include "mlir/IR/Builders.h"
#include "zy/Bridge/RuntimeBridge.h"
#include "zy/Dialect/ZyDialect.h"
#include "zy/Transforms/Passes.h"

namespace mlir {
namespace zy {

#define GEN_PASS_DEF_FOLDCONSTANTS
#include "zy/Transforms/Passes.h.inc"

namespace {

struct FoldConstantsPass : impl::FoldConstantsBase<FoldConstantsPass> {
  using FoldConstantsBase::FoldConstantsBase;

  // Shape of a static tensor is known without its data.
  bool foldShape(Operation* op, OpBuilder& b) {
    if (onnxOpType(op) != "Shape") return false;
    auto in = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
    auto out = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!in || !in.hasStaticShape() || !out || !out.hasStaticShape()) return false;
    int64_t r = in.getRank(), start = 0, end = r;
    if (auto a = op->getAttrOfType<IntegerAttr>("start")) start = a.getInt();
    if (auto a = op->getAttrOfType<IntegerAttr>("end")) end = a.getInt();
    if (start < 0) start += r;
    if (end < 0) end += r;
    start = std::clamp<int64_t>(start, 0, r);
    end = std::clamp<int64_t>(end, 0, r);
    std::vector<int64_t> dims(in.getShape().begin() + start, in.getShape().begin() + std::max(start, end));
    auto attr = DenseElementsAttr::get(out, ArrayRef<int64_t>(dims));
    b.setInsertionPoint(op);
    op->getResult(0).replaceAllUsesWith(b.create<ConstantOp>(op->getLoc(), attr).getResult());
    return true;
  }

  bool foldOp(Operation* op, OpBuilder& b) {
    std::deque<std::vector<uint8_t>> data;
    std::vector<::zy::ValueInfo> ins;
    for (Value v : op->getOperands()) {
      ::zy::ValueInfo info = valueInfo(v);
      if (info.present()) {
        auto c = v.getDefiningOp<ConstantOp>();
        if (!c) return false;
        data.push_back(elementsToBytes(c.getValue()));
        info.data = data.back().data();
      }
      ins.push_back(std::move(info));
    }
    for (Value r : op->getResults()) {
      auto t = dyn_cast<RankedTensorType>(r.getType());
      if (!t || !t.hasStaticShape() || t.getNumElements() > maxElements) return false;
    }
    std::vector<::zy::ValueInfo> outs;
    std::vector<std::vector<uint8_t>> results;
    ::zy::Status s = ::zy::evaluateOp(onnxOpType(op).str(), attributesOf(op), ins, op->getNumResults(), &outs, &results);
    if (!s.ok()) {
      op->emitError() << nodeLabel(op) << ": " << s.message();
      failed_ = true;
      return false;
    }
    b.setInsertionPoint(op);
    for (unsigned i = 0; i < op->getNumResults(); ++i) {
      auto type = cast<RankedTensorType>(op->getResult(i).getType());
      auto attr = bytesToElements(type, results[i].data(), results[i].size());
      op->getResult(i).replaceAllUsesWith(b.create<ConstantOp>(op->getLoc(), attr).getResult());
    }
    return true;
  }

  void runOnOperation() override {
    OpBuilder b(&getContext());
    SmallVector<Operation*> dead;
    getOperation().walk([&](Operation* op) {
      if (onnxOpType(op).empty() || op->getNumOperands() == 0) return;
      if (foldShape(op, b) || foldOp(op, b)) dead.push_back(op);
    });
    for (Operation* op : dead) op->erase();
    if (failed_) signalPassFailure();
  }

  bool failed_ = false;
};

}  // namespace
}  // namespace zy
}  // namespace mlir
