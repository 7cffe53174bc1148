#include "zy/Compiler.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "zy/Dialect/ZyDialect.h"
#include "zy/Export/ModelBuilder.h"
#include "zy/Transforms/Passes.h"

namespace mlir {
namespace zy {

LogicalResult compileOnnxFile(const std::string& path, const ImportOptions& options, std::vector<uint8_t>* zym,
                              std::string* error) {
  MLIRContext ctx;
  ctx.loadDialect<ZyDialect, func::FuncDialect>();
  std::string diags;
  ScopedDiagnosticHandler handler(&ctx, [&](Diagnostic& d) {
    if (d.getSeverity() == DiagnosticSeverity::Error) diags += (diags.empty() ? "" : "\n") + d.str();
    return success();
  });
  auto module = importOnnxFile(&ctx, path, options, error);
  if (!module) return failure();
  PassManager pm(&ctx);
  buildDefaultPipeline(pm);
  if (failed(pm.run(*module))) {
    *error = diags.empty() ? "compilation failed" : diags;
    return failure();
  }
  return exportZym(*module, zym, error);
}

}  // namespace zy
}  // namespace mlir
