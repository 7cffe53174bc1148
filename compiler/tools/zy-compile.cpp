// zy-compile: ONNX -> optimized zy IR -> .zym
#include <map>
#include <string>

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "zy/Dialect/ZyDialect.h"
#include "zy/Export/ModelBuilder.h"
#include "zy/Import/OnnxImporter.h"
#include "zy/Transforms/Passes.h"

namespace cl = llvm::cl;

static cl::OptionCategory category("zy-compile options");
static cl::opt<std::string> inputFile(cl::Positional, cl::desc("MODEL.onnx"), cl::Required, cl::cat(category));
static cl::opt<std::string> outputFile("o", cl::desc("Output .zym file"), cl::value_desc("MODEL.zym"), cl::cat(category));
static cl::list<std::string> inputShapes("input-shape", cl::desc("Fix an input's shape, e.g. input=1x3x224x224 (repeatable)"),
                                         cl::value_desc("NAME=DxDx..."), cl::cat(category));
static cl::opt<std::string> target("target",
                                   cl::desc("Compile for this backend ahead of time: x86 packs the weights for this CPU's "
                                            "kernels into the file (sessions on another CPU repack them)"),
                                   cl::value_desc("x86"), cl::cat(category));
static cl::opt<bool> emitMlir("emit-mlir", cl::desc("Print the optimized zy IR to stdout"), cl::cat(category));
static cl::opt<bool> emitImported("emit-imported-mlir", cl::desc("Print the IR right after import, before any pass"), cl::cat(category));

int main(int argc, char** argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions(category);
  cl::ParseCommandLineOptions(argc, argv, "Zhongyuan compiler: ONNX (opsets 7-18) to .zym\n");
  auto fail = [](const std::string& msg) {
    llvm::errs() << "zy-compile: error: " << msg << "\n";
    return 1;
  };
  if (outputFile.empty() && !emitMlir && !emitImported) return fail("no output: give -o MODEL.zym and/or --emit-mlir");

  mlir::zy::ImportOptions options;
  for (const std::string& s : inputShapes) {
    size_t eq = s.rfind('=');
    std::vector<int64_t> shape;
    if (eq == std::string::npos || eq == 0 || !mlir::zy::parseShape(s.substr(eq + 1), &shape))
      return fail("--input-shape expects NAME=DxDx..., got '" + s + "'");
    options.input_shapes[s.substr(0, eq)] = shape;
  }
  mlir::MLIRContext ctx;
  ctx.loadDialect<mlir::zy::ZyDialect, mlir::func::FuncDialect>();
  // Diagnostics already name the ONNX node; print them without MLIR's location prefix.
  bool had_error = false;
  mlir::ScopedDiagnosticHandler handler(&ctx, [&](mlir::Diagnostic& d) {
    if (d.getSeverity() == mlir::DiagnosticSeverity::Error) had_error = true;
    llvm::errs() << "zy-compile: " << (d.getSeverity() == mlir::DiagnosticSeverity::Error ? "error: " : "note: ") << d.str() << "\n";
    return mlir::success();
  });
  std::string error;
  auto module = mlir::zy::importOnnxFile(&ctx, inputFile, options, &error);
  if (!module) return fail(error);
  if (emitImported) module->print(llvm::outs());
  mlir::PassManager pm(&ctx);
  mlir::zy::buildDefaultPipeline(pm);
  if (mlir::failed(pm.run(*module))) return had_error ? 1 : fail("compilation failed");
  if (emitMlir) module->print(llvm::outs());
  int compiled = 0;
  if (!outputFile.empty() && mlir::failed(mlir::zy::exportZym(*module, outputFile, &error, target, &compiled))) return fail(error);
  if (!target.empty() && !outputFile.empty())
    llvm::errs() << "zy-compile: note: " << target << " compiled " << compiled << " op" << (compiled == 1 ? "" : "s")
                 << " ahead of time\n";
  return 0;
}
