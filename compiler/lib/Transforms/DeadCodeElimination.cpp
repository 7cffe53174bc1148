// zy-dce: removes zy ops (and constants) whose results nobody uses.
#include "zy/Dialect/ZyDialect.h"
#include "zy/Transforms/Passes.h"

namespace mlir {
namespace zy {

#define GEN_PASS_DEF_DEADCODEELIMINATION
#include "zy/Transforms/Passes.h.inc"

namespace {

struct DeadCodeEliminationPass : impl::DeadCodeEliminationBase<DeadCodeEliminationPass> {
  // Walking each block backwards removes whole dead chains in one sweep;
  // If branches are cleaned before the If itself is considered.
  static void clean(Block& block) {
    for (Operation& op : llvm::make_early_inc_range(llvm::reverse(block))) {
      if (op.getDialect() == nullptr || op.getDialect()->getNamespace() != "zy" || isa<YieldOp>(op)) continue;
      if (op.use_empty()) {
        op.erase();
        continue;
      }
      for (Region& r : op.getRegions())
        for (Block& b : r) clean(b);
    }
  }

  void runOnOperation() override {
    for (Block& block : getOperation().getBody()) clean(block);
  }
};

}  // namespace
}  // namespace zy
}  // namespace mlir
