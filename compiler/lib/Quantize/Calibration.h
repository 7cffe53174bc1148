// Activation ranges from calibration runs: min/max, a percentile of the
// values, or the entropy (KL-divergence) threshold of TensorRT's calibrator.
#pragma once

#include <string>
#include <vector>

#include "llvm/ADT/DenseMap.h"
#include "mlir/IR/Value.h"
#include "zy/Quantize/Quantize.h"

namespace mlir {
namespace zy {

struct TensorRange {
  float lo = 0.f, hi = 0.f;
};

// Collects per-tensor statistics over calibration runs. Min/max needs one
// pass; the histogram calibrators need a second one over the min/max range.
class RangeCollector {
 public:
  explicit RangeCollector(CalibratorSpec spec) : spec_(spec) {}

  bool needsHistograms() const { return spec_.kind != CalibratorSpec::MinMax; }
  void observeMinMax(Value v, const float* data, int64_t n);
  void observeHistogram(Value v, const float* data, int64_t n);
  // The calibrated range (always containing 0) of every observed tensor.
  llvm::DenseMap<Value, TensorRange> ranges() const;

 private:
  static constexpr int kBins = 2048;
  struct Stats {
    float lo = 0.f, hi = 0.f;
    std::vector<double> hist;  // kBins over [lo, hi]
  };
  TensorRange entropyRange(const Stats& s) const;
  TensorRange percentileRange(const Stats& s) const;

  CalibratorSpec spec_;
  llvm::DenseMap<Value, Stats> stats_;
};

}  // namespace zy
}  // namespace mlir
