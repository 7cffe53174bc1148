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
#include "core/string_list.h"
#include "exec/partition.h"
#include "format/model_format.h"
#include "zy/Export/ModelBuilder.h"
#include "zy/Import/OnnxImporter.h"
#include "zy/Quantize/Quantize.h"
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
static cl::OptionCategory placeCategory("zy-compile placement across backends (docs/backend-guide.md)");
static cl::opt<std::string> targets("targets",
                                    cl::desc("Partition the model across these backends, in priority order (plugins and built-in "
                                             "ones, e.g. npu-sim,x86); what none takes goes to the built-in CPU backends. Each "
                                             "backend that compiles ahead of time puts its blobs in the file"),
                                    cl::value_desc("LIST"), cl::cat(placeCategory));
static cl::opt<std::string> backendPath("backend-path",
                                        cl::desc("Plugin directories or libzy_backend_<name>.so files, ':'-separated "
                                                 "(default: $ZY_BACKEND_PATH)"),
                                        cl::value_desc("PATH"), cl::cat(placeCategory));
static cl::opt<bool> explainPlacement("explain-placement",
                                      cl::desc("Print each op's backend and every refusal with the backend's reason"),
                                      cl::cat(placeCategory));
static cl::opt<std::string> emitDot("emit-dot", cl::desc("Write the graph as Graphviz, coloured by backend"), cl::value_desc("FILE"),
                                    cl::cat(placeCategory));
static cl::OptionCategory quantCategory("zy-compile int8 quantization (docs/int8.md)");
static cl::opt<std::string> quantize("quantize", cl::desc("Post-training quantization: int8"), cl::value_desc("int8"),
                                     cl::cat(quantCategory));
static cl::opt<std::string> calibration("calibration",
                                        cl::desc("Folder of calibration inputs: FILE.npy per sample (one-input models) "
                                                 "or SAMPLE/INPUT_NAME.npy"),
                                        cl::value_desc("DIR"), cl::cat(quantCategory));
static cl::opt<int> calibrationRandom("calibration-random", cl::desc("Calibrate on N seeded standard-normal inputs instead"),
                                      cl::value_desc("N"), cl::init(0), cl::cat(quantCategory));
static cl::opt<std::string> calibrator("calibrator", cl::desc("Activation ranges: minmax (default), percentile=P or entropy"),
                                       cl::value_desc("minmax|percentile=P|entropy"), cl::init("minmax"), cl::cat(quantCategory));
static cl::opt<bool> quantizeReport("quantize-report",
                                    cl::desc("Print each int8 layer's error against float (cosine, SNR) over the calibration inputs"),
                                    cl::cat(quantCategory));
static cl::opt<std::string> accuracyTarget("accuracy-target",
                                           cl::desc("Keep the most sensitive layers in float until the outputs reach this "
                                                    "cosine similarity with the float model, e.g. cosine=0.99"),
                                           cl::value_desc("cosine=C"), cl::cat(quantCategory));
static cl::opt<bool> emitMlir("emit-mlir", cl::desc("Print the optimized zy IR to stdout"), cl::cat(category));
static cl::opt<bool> emitImported("emit-imported-mlir", cl::desc("Print the IR right after import, before any pass"), cl::cat(category));

// --targets: partition the exported model, report, write.
static bool placeAndWrite(mlir::ModuleOp module) {
  auto fail = [](const std::string& msg) {
    llvm::errs() << "zy-compile: error: " << msg << "\n";
    return false;
  };
  const std::vector<std::string> list = ::zy::splitList(targets, ',');
  std::string error;
  ::zy::Model m;
  if (mlir::failed(mlir::zy::exportModel(module, &m, &error))) return fail(error);
  ::zy::Placement placement;
  ::zy::Status s = ::zy::partitionModel(&m, list, backendPath, &placement);
  if (!s.ok()) return fail("--targets " + targets + ": " + s.message());
  if (explainPlacement) llvm::outs() << ::zy::explainPlacement(m, placement);
  if (!emitDot.empty()) {
    std::error_code ec;
    llvm::raw_fd_ostream dot(emitDot, ec);
    if (ec) return fail("cannot write '" + emitDot + "': " + ec.message());
    dot << ::zy::placementDot(m, placement);
  }
  if (!outputFile.empty()) {
    s = ::zy::writeModelFile(m, outputFile);
    if (!s.ok()) return fail(s.message());
    llvm::errs() << "zy-compile: note: " << placement.subgraphs.size() << " subgraph" << (placement.subgraphs.size() == 1 ? "" : "s")
                 << ", " << placement.copies.size() << " boundary cop" << (placement.copies.size() == 1 ? "y" : "ies") << ", "
                 << placement.compiled << " op" << (placement.compiled == 1 ? "" : "s") << " compiled ahead of time\n";
  }
  return true;
}

int main(int argc, char** argv) {
  llvm::InitLLVM init(argc, argv);
  cl::HideUnrelatedOptions({&category, &placeCategory, &quantCategory});
  cl::ParseCommandLineOptions(argc, argv, "Zhongyuan compiler: ONNX (opsets 7-18) to .zym\n");
  auto fail = [](const std::string& msg) {
    llvm::errs() << "zy-compile: error: " << msg << "\n";
    return 1;
  };
  if (outputFile.empty() && !emitMlir && !emitImported && !explainPlacement && emitDot.empty())
    return fail("no output: give -o MODEL.zym, --emit-mlir, --explain-placement or --emit-dot");
  if (!targets.empty() && !target.empty()) return fail("--target and --targets are exclusive (--targets X,Y compiles ahead of time too)");
  if (targets.empty() && (explainPlacement || !emitDot.empty())) return fail("--explain-placement and --emit-dot need --targets");

  mlir::zy::QuantizeOptions qopts;
  const bool quantizing = !quantize.empty();
  if (quantizing) {
    if (quantize != "int8") return fail("--quantize supports int8, got '" + quantize + "'");
    if (calibration.empty() == (calibrationRandom <= 0))
      return fail("--quantize int8 needs calibration inputs: --calibration DIR or --calibration-random N (one of them)");
    if (!mlir::zy::CalibratorSpec::parse(calibrator, &qopts.calibrator))
      return fail("--calibrator expects minmax, percentile=P (50 < P <= 100) or entropy, got '" + calibrator + "'");
    qopts.calibration_dir = calibration;
    qopts.random_samples = calibrationRandom;
    if (!accuracyTarget.empty()) {
      char* end = nullptr;
      const std::string v = accuracyTarget.rfind("cosine=", 0) == 0 ? accuracyTarget.substr(7) : "";
      qopts.target_cosine = std::strtod(v.c_str(), &end);
      if (v.empty() || *end != '\0' || !(qopts.target_cosine > 0 && qopts.target_cosine <= 1))
        return fail("--accuracy-target expects cosine=C with 0 < C <= 1, got '" + accuracyTarget + "'");
    }
  } else if (!calibration.empty() || calibrationRandom > 0 || quantizeReport || !accuracyTarget.empty() ||
             calibrator.getNumOccurrences() > 0) {
    return fail("--calibration, --calibration-random, --calibrator, --quantize-report and --accuracy-target need --quantize int8");
  }

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
  mlir::PassManager front(&ctx), back(&ctx);
  mlir::zy::buildFrontPipeline(front);
  mlir::zy::buildBackPipeline(back);
  if (mlir::failed(front.run(*module))) return had_error ? 1 : fail("compilation failed");
  if (quantizing) {
    std::string report;
    if (mlir::failed(mlir::zy::quantizeInt8(*module, qopts, &report, &error))) return fail("quantization: " + error);
    if (quantizeReport) llvm::errs() << report;
  }
  if (mlir::failed(back.run(*module))) return had_error ? 1 : fail("compilation failed");
  if (emitMlir) module->print(llvm::outs());
  if (!targets.empty()) return placeAndWrite(*module) ? 0 : 1;
  int compiled = 0;
  if (!outputFile.empty() && mlir::failed(mlir::zy::exportZym(*module, outputFile, &error, target, &compiled))) return fail(error);
  if (!target.empty() && !outputFile.empty())
    llvm::errs() << "zy-compile: note: " << target << " compiled " << compiled << " op" << (compiled == 1 ? "" : "s")
                 << " ahead of time\n";
  return 0;
}
