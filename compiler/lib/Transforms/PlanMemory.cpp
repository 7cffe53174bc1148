// zy-plan-memory: the runtime's planner (liveness, aliasing, in-place reuse,
// greedy offsets) run at compile time; offsets are stored on the IR.
#include "mlir/IR/Builders.h"
#include "plan/memory_planner.h"
#include "zy/Dialect/ZyDialect.h"
#include "zy/Export/ModelBuilder.h"
#include "zy/Transforms/Passes.h"

namespace mlir {
namespace zy {

#define GEN_PASS_DEF_PLANMEMORY
#include "zy/Transforms/Passes.h.inc"

namespace {

struct PlanMemoryPass : impl::PlanMemoryBase<PlanMemoryPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // Plan from scratch: drop any previous annotations.
    func->removeAttr("zy.arena_size");
    func->removeAttr("zy.arg_offsets");
    func.walk([](Operation* op) { op->removeAttr("arena_offsets"); });
    ::zy::Model model;
    DenseMap<Value, int32_t> index;
    std::string error;
    if (failed(buildModel(func, &model, &index, &error))) {
      func.emitError() << error;
      return signalPassFailure();
    }
    // Dimensions known only at run time, or control flow: the runtime plans
    // for each run's shapes.
    if (!model.subgraphs.empty()) return;
    for (const ::zy::Tensor& t : model.tensors)
      for (int64_t d : t.shape)
        if (d < 0) return;
    ::zy::MemoryPlan plan;
    ::zy::Status s = ::zy::planMemory(model, &plan);
    if (!s.ok()) {
      func.emitError() << s.message();
      return signalPassFailure();
    }
    Builder b(&getContext());
    auto offsetOf = [&](Value v) { auto it = index.find(v); return it == index.end() || it->second < 0 ? int64_t(-1) : plan.offsets[it->second]; };
    func.walk([&](Operation* op) {
      if (onnxOpType(op).empty()) return;
      SmallVector<int64_t> offs;
      for (Value r : op->getResults()) offs.push_back(offsetOf(r));
      op->setAttr("arena_offsets", b.getDenseI64ArrayAttr(offs));
    });
    SmallVector<int64_t> args;
    for (BlockArgument a : func.getArguments()) args.push_back(offsetOf(a));
    func->setAttr("zy.arg_offsets", b.getDenseI64ArrayAttr(args));
    func->setAttr("zy.arena_size", b.getI64IntegerAttr(static_cast<int64_t>(std::max<uint64_t>(plan.arena_size, 64))));
  }
};

}  // namespace
}  // namespace zy
}  // namespace mlir
