#include "zy/Transforms/Passes.h"

namespace mlir {
namespace zy {

void buildFrontPipeline(OpPassManager& pm) {
  OpPassManager& f = pm.nest<func::FuncOp>();
  f.addPass(createShapeInference());
  // Scales, zero points and biases of the QDQ form may be computed (PyTorch
  // builds them with ConstantOfShape + Cast): fold those first, but keep
  // DQ(weights) for zy-fold-qdq.
  FoldConstantsOptions keep_dq;
  keep_dq.keepDequantize = true;
  f.addPass(createFoldConstants(keep_dq));
  f.addPass(createFoldQdq());
  f.addPass(createFoldConstants());
  f.addPass(createDeadCodeElimination());
  f.addPass(createFoldBatchNorm());
  f.addPass(createFuseLayerNorm());
  f.addPass(createDeadCodeElimination());
}

void buildBackPipeline(OpPassManager& pm) {
  OpPassManager& f = pm.nest<func::FuncOp>();
  f.addPass(createFuseOps());
  f.addPass(createDeadCodeElimination());
  f.addPass(createPlanMemory());
}

void buildDefaultPipeline(OpPassManager& pm) {
  buildFrontPipeline(pm);
  buildBackPipeline(pm);
}

}  // namespace zy
}  // namespace mlir
