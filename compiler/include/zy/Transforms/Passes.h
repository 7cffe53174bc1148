// The zy compiler passes (declared in Passes.td).
#pragma once

#include <memory>

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace mlir {
namespace zy {

#define GEN_PASS_DECL
#include "zy/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "zy/Transforms/Passes.h.inc"

// The default pipeline of zy-compile: shape inference, constant folding,
// QDQ folding, BatchNorm folding, fusion, dead-code elimination, memory
// planning. Post-training quantization (zy/Quantize) runs between its front
// (graph simplification, the float weights final) and its back (fusion of
// what stays float, memory planning).
void buildFrontPipeline(OpPassManager& pm);
void buildBackPipeline(OpPassManager& pm);
void buildDefaultPipeline(OpPassManager& pm);

}  // namespace zy
}  // namespace mlir
