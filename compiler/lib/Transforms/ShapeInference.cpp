// zy-shape-inference: refines every result type with the runtime's shape
// inference, so the compiler and the loader agree on every shape.
#include <deque>

#include "ConstantEvaluator.h"
#include "ops/shape_inference.h"
#include "zy/Bridge/RuntimeBridge.h"
#include "zy/Dialect/ZyDialect.h"
#include "zy/Transforms/Passes.h"

namespace mlir {
namespace zy {

#define GEN_PASS_DEF_SHAPEINFERENCE
#include "zy/Transforms/Passes.h.inc"

namespace {

// Constants larger than this are weights, never shape-like operands; their
// values are not needed for inference.
constexpr int64_t kMaxValueElements = 1 << 16;

struct ShapeInferencePass : impl::ShapeInferenceBase<ShapeInferencePass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    OpBuilder b(&getContext());
    for (Operation& opRef : llvm::make_early_inc_range(func.getBody().front())) {
      Operation* op = &opRef;
      StringRef type = onnxOpType(op);
      if (type.empty()) continue;
      std::deque<std::vector<uint8_t>> values;  // stable addresses
      std::vector<::zy::ValueInfo> ins;
      for (Value v : op->getOperands()) {
        ::zy::ValueInfo info = valueInfo(v);
        if (auto c = v.getDefiningOp<ConstantOp>()) {
          if (cast<ShapedType>(c.getValue().getType()).getNumElements() <= kMaxValueElements) {
            values.push_back(elementsToBytes(c.getValue()));
            info.data = values.back().data();
          }
        }
        ins.push_back(std::move(info));
      }
      std::vector<::zy::ValueInfo> outs;
      ::zy::Status s = ::zy::inferOutputs(type.str(), attributesOf(op), ins, op->getNumResults(), &outs);
      if (!s.ok()) {
        op->emitError() << nodeLabel(op) << ": " << s.message();
        return signalPassFailure();
      }
      for (unsigned i = 0; i < op->getNumResults(); ++i) {
        SmallVector<int64_t> shape(outs[i].shape.begin(), outs[i].shape.end());
        op->getResult(i).setType(RankedTensorType::get(shape, elementTypeOf(op->getContext(), outs[i].dtype)));
      }
      // Propagate small constants so that later shape computations resolve.
      FoldResult folded = foldToConstants(op, b, kMaxValueElements);
      if (folded == FoldResult::Error) return signalPassFailure();
      if (folded == FoldResult::Folded) op->erase();
    }
    // The signature follows the refined results.
    auto ret = cast<func::ReturnOp>(func.getBody().back().getTerminator());
    func.setType(FunctionType::get(func.getContext(), func.getArgumentTypes(), ret.getOperandTypes()));
  }
};

}  // namespace
}  // namespace zy
}  // namespace mlir
