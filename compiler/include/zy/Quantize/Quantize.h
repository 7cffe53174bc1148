// Post-training int8 quantization (zy-compile --quantize int8): calibrate the
// float model, insert QuantizeLinear/DequantizeLinear around the ops that
// gain from int8, and let zy-fold-qdq turn them into int8 ops. Ops that stay
// in float get quantize and dequantize steps around them.
#pragma once

#include <string>

#include "mlir/IR/BuiltinOps.h"

namespace mlir {
namespace zy {

struct CalibratorSpec {
  enum Kind { MinMax, Percentile, Entropy } kind = MinMax;
  double percentile = 99.99;  // for Percentile: the share of values kept inside the range
  // "minmax", "percentile=P" (50 < P <= 100) or "entropy"; false on anything else.
  static bool parse(const std::string& s, CalibratorSpec* out);
};

struct QuantizeOptions {
  CalibratorSpec calibrator;
  // A folder of .npy inputs: FILE.npy per sample for a one-input model, or
  // SAMPLE/INPUT_NAME.npy per sample. Empty: `random_samples` seeded normal
  // inputs instead.
  std::string calibration_dir;
  int random_samples = 0;
  // Keep the most sensitive layers in float until the outputs' cosine
  // similarity with the float model reaches this (0: quantize everything).
  double target_cosine = 0;
};

// Quantizes `module` (after shape inference, constant and BatchNorm folding)
// in place. `report` receives the per-layer error table (cosine and SNR of
// each int8 layer's output against float, over the calibration inputs).
LogicalResult quantizeInt8(ModuleOp module, const QuantizeOptions& options, std::string* report, std::string* error);

}  // namespace zy
}  // namespace mlir
