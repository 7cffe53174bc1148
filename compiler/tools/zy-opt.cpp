// zy-opt: runs zy passes on .mlir files (for lit/FileCheck tests).
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "zy/Dialect/ZyDialect.h"
#include "zy/Transforms/Passes.h"

int main(int argc, char** argv) {
  mlir::DialectRegistry registry;
  registry.insert<mlir::zy::ZyDialect, mlir::func::FuncDialect>();
  mlir::zy::registerZyPasses();
  mlir::PassPipelineRegistration<>("zy-default-pipeline", "zy-compile's pass pipeline",
                                   [](mlir::OpPassManager& pm) { mlir::zy::buildDefaultPipeline(pm); });
  return mlir::asMainReturnCode(mlir::MlirOptMain(argc, argv, "zy optimizer driver\n", registry));
}
