#include "zy/Transforms/Passes.h"

namespace mlir {
namespace zy {

void buildDefaultPipeline(OpPassManager& pm) {
  OpPassManager& f = pm.nest<func::FuncOp>();
  f.addPass(createShapeInference());
  f.addPass(createFoldConstants());
  f.addPass(createDeadCodeElimination());
  f.addPass(createFoldBatchNorm());
  f.addPass(createFuseLayerNorm());
  f.addPass(createFuseOps());
  f.addPass(createDeadCodeElimination());
  f.addPass(createPlanMemory());
}

}  // namespace zy
}  // namespace mlir
