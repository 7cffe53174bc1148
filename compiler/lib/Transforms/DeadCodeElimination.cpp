// zy-dce: removes zy ops (and constants) whose results nobody uses.
#include "zy/Dialect/ZyDialect.h"
#include "zy/Transforms/Passes.h"

namespace mlir {
namespace zy {

#define GEN_PASS_DEF_DEADCODEELIMINATION
#include "zy/Transforms/Passes.h.inc"

namespace {

struct DeadCodeEliminationPass : impl::DeadCodeEliminationBase<DeadCodeEliminationPass> {
  void runOnOperation() override {
    // Walking backwards removes whole dead chains in one sweep.
    for (Block& block : getOperation().getBody()) {
      for (Operation& op : llvm::make_early_inc_range(llvm::reverse(block))) {
        if (op.getDialect() == nullptr || op.getDialect()->getNamespace() != "zy") continue;
        if (op.use_empty()) op.erase();
      }
    }
  }
};

}  // namespace
}  // namespace zy
}  // namespace mlir
