#include "ConstantEvaluator.h"

#include <algorithm>
#include <deque>

#include "exec/op_evaluator.h"
#include "zy/Bridge/RuntimeBridge.h"
#include "zy/Dialect/ZyDialect.h"

namespace mlir {
namespace zy {

namespace {

// Shape of a static tensor is known without its data.
bool foldShape(Operation* op, OpBuilder& b) {
  auto in = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  auto out = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  if (!in || !in.hasStaticShape() || !out || !out.hasStaticShape()) return false;
  int64_t start, end;
  ::zy::shapeRange(attributesOf(op), in.getRank(), &start, &end);
  SmallVector<int64_t> dims(in.getShape().begin() + start, in.getShape().begin() + end);
  b.setInsertionPoint(op);
  auto attr = DenseElementsAttr::get(out, ArrayRef<int64_t>(dims));
  op->getResult(0).replaceAllUsesWith(b.create<ConstantOp>(op->getLoc(), attr).getResult());
  return true;
}

}  // namespace

FoldResult foldToConstants(Operation* op, OpBuilder& b, int64_t max_elements) {
  StringRef type = onnxOpType(op);
  if (type.empty() || op->getNumOperands() == 0 || op->getNumRegions() > 0) return FoldResult::NotFoldable;
  if (type == "Shape") return foldShape(op, b) ? FoldResult::Folded : FoldResult::NotFoldable;
  for (Value r : op->getResults()) {
    auto t = dyn_cast<RankedTensorType>(r.getType());
    if (!t || !t.hasStaticShape() || t.getNumElements() > max_elements) return FoldResult::NotFoldable;
  }
  std::deque<std::vector<uint8_t>> data;  // stable addresses
  std::vector<::zy::ValueInfo> ins;
  for (Value v : op->getOperands()) {
    ::zy::ValueInfo info = valueInfo(v);
    if (info.present()) {
      auto c = v.getDefiningOp<ConstantOp>();
      if (!c) return FoldResult::NotFoldable;
      data.push_back(elementsToBytes(c.getValue()));
      info.data = data.back().data();
    }
    ins.push_back(std::move(info));
  }
  std::vector<::zy::ValueInfo> outs;
  std::vector<std::vector<uint8_t>> results;
  ::zy::Status s = ::zy::evaluateOp(type.str(), attributesOf(op), ins, op->getNumResults(), &outs, &results);
  if (!s.ok()) {
    op->emitError() << nodeLabel(op) << ": " << s.message();
    return FoldResult::Error;
  }
  b.setInsertionPoint(op);
  for (unsigned i = 0; i < op->getNumResults(); ++i) {
    auto type = cast<RankedTensorType>(op->getResult(i).getType());
    auto attr = bytesToElements(type, results[i].data(), results[i].size());
    op->getResult(i).replaceAllUsesWith(b.create<ConstantOp>(op->getLoc(), attr).getResult());
  }
  return FoldResult::Folded;
}

}  // namespace zy
}  // namespace mlir
