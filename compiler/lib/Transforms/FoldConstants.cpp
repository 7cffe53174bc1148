// zy-fold-constants: evaluates ops whose operands are all constants with the
// reference backend's kernels (one implementation of every op's semantics),
// and Shape of statically shaped tensors.
#include "ConstantEvaluator.h"
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

  // An If with a constant condition is replaced by its branch's ops.
  static bool inlineIf(IfOp op) {
    auto c = op.getCond().getDefiningOp<ConstantOp>();
    if (!c) return false;
    std::vector<uint8_t> v = elementsToBytes(c.getValue());
    bool nonzero = false;
    for (uint8_t x : v) nonzero |= x != 0;
    Block& body = op->getRegion(nonzero ? 0 : 1).front();
    auto yield = cast<YieldOp>(body.getTerminator());
    for (auto [result, value] : llvm::zip(op.getResults(), yield.getValues())) result.replaceAllUsesWith(value);
    yield.erase();
    op->getBlock()->getOperations().splice(Block::iterator(op), body.getOperations());
    op.erase();
    return true;
  }

  void foldBlock(Block& block, OpBuilder& b, bool* failed) {
    for (Operation& op : llvm::make_early_inc_range(block)) {
      if (auto ifOp = dyn_cast<IfOp>(op); ifOp && inlineIf(ifOp)) continue;  // the next round folds what it exposed
      if (op.getNumRegions() > 0) {
        for (Region& r : op.getRegions()) foldBlock(r.front(), b, failed);
        continue;
      }
      if (keepDequantize && onnxOpType(&op) == "DequantizeLinear") continue;
      FoldResult r = foldToConstants(&op, b, maxElements);
      if (r == FoldResult::Folded) op.erase();
      *failed |= r == FoldResult::Error;
    }
  }

  void runOnOperation() override {
    OpBuilder b(&getContext());
    bool failed = false;
    // Inlining an If exposes new foldable ops: repeat while anything changes.
    for (int round = 0; round < 4; ++round) {
      size_t before = 0;
      getOperation().walk([&](Operation*) { ++before; });
      foldBlock(getOperation().getBody().front(), b, &failed);
      size_t after = 0;
      getOperation().walk([&](Operation*) { ++after; });
      if (failed || after == before) break;
    }
    if (failed) signalPassFailure();
  }
};

}  // namespace
}  // namespace zy
}  // namespace mlir
