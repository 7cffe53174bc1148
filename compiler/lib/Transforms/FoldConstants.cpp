// zy-fold-constants: evaluates ops whose operands are all constants with the
// reference backend's kernels (one implementation of every op's semantics),
// and Shape of statically shaped tensors.
#include "ConstantEvaluator.h"
#include "zy/Dialect/ZyDialect.h"
#include "zy/Transforms/Passes.h"

namespace mlir {
namespace zy {

#define GEN_PASS_DEF_FOLDCONSTANTS
#include "zy/Transforms/Passes.h.inc"

namespace {

struct FoldConstantsPass : impl::FoldConstantsBase<FoldConstantsPass> {
  using FoldConstantsBase::FoldConstantsBase;

  void runOnOperation() override {
    OpBuilder b(&getContext());
    bool failed = false;
    for (Block& block : getOperation().getBody())
      for (Operation& op : llvm::make_early_inc_range(block)) {
        FoldResult r = foldToConstants(&op, b, maxElements);
        if (r == FoldResult::Folded) op.erase();
        failed |= r == FoldResult::Error;
      }
    if (failed) signalPassFailure();
  }
};

}  // namespace
}  // namespace zy
}  // namespace mlir
