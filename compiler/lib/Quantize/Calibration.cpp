#include "Calibration.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace mlir {
namespace zy {

bool CalibratorSpec::parse(const std::string& s, CalibratorSpec* out) {
  if (s == "minmax") { out->kind = MinMax; return true; }
  if (s == "entropy") { out->kind = Entropy; return true; }
  if (s.rfind("percentile=", 0) == 0) {
    char* end = nullptr;
    const std::string num = s.substr(11);
    out->percentile = std::strtod(num.c_str(), &end);
    out->kind = Percentile;
    return !num.empty() && *end == '\0' && out->percentile > 50 && out->percentile <= 100;
  }
  return false;
}

void RangeCollector::observeMinMax(Value v, const float* data, int64_t n) {
  if (n == 0) return;
  auto [it, fresh] = stats_.try_emplace(v);
  Stats& s = it->second;
  const auto [lo, hi] = std::minmax_element(data, data + n);
  s.lo = fresh ? *lo : std::min(s.lo, *lo);
  s.hi = fresh ? *hi : std::max(s.hi, *hi);
}

void RangeCollector::observeHistogram(Value v, const float* data, int64_t n) {
  auto it = stats_.find(v);
  if (it == stats_.end()) return;
  Stats& s = it->second;
  if (s.hist.empty()) s.hist.assign(kBins, 0.0);
  const float width = (s.hi - s.lo) / kBins;
  if (!(width > 0)) return;
  for (int64_t i = 0; i < n; ++i) {
    const int b = static_cast<int>((data[i] - s.lo) / width);
    s.hist[std::clamp(b, 0, kBins - 1)] += 1;
  }
}

// The range that leaves (100 - P)% of the values outside, half in each tail
// (a one-sided tensor, such as a Relu output, clips nothing on its empty side).
TensorRange RangeCollector::percentileRange(const Stats& s) const {
  double total = 0;
  for (double h : s.hist) total += h;
  const double cut = total * (100.0 - spec_.percentile) / 100.0 / 2.0;
  const float width = (s.hi - s.lo) / kBins;
  int lo_bin = 0, hi_bin = kBins - 1;
  for (double acc = 0; lo_bin < kBins - 1 && acc + s.hist[lo_bin] <= cut; ++lo_bin) acc += s.hist[lo_bin];
  for (double acc = 0; hi_bin > lo_bin && acc + s.hist[hi_bin] <= cut; --hi_bin) acc += s.hist[hi_bin];
  return {s.lo + lo_bin * width, s.lo + (hi_bin + 1) * width};
}

// TensorRT's entropy calibration on |x|: the threshold T whose clipped and
// quantized distribution (`levels` levels) is closest to the observed one in
// KL divergence. The range is [lo, hi] clipped to [-T, T].
TensorRange RangeCollector::entropyRange(const Stats& s) const {
  const float amax = std::max(std::fabs(s.lo), std::fabs(s.hi));
  const float width = (s.hi - s.lo) / kBins;
  if (!(amax > 0) || !(width > 0)) return {s.lo, s.hi};
  // Re-bin the histogram by |x| over [0, amax].
  std::vector<double> h(kBins, 0.0);
  for (int b = 0; b < kBins; ++b) {
    const float centre = std::fabs(s.lo + (b + 0.5f) * width);
    h[std::min(kBins - 1, static_cast<int>(centre / amax * kBins))] += s.hist[b];
  }
  const int levels = s.lo >= 0 ? 255 : 128;
  double best = INFINITY;
  int best_i = kBins;
  for (int i = levels; i <= kBins; i += 16) {
    std::vector<double> p(h.begin(), h.begin() + i);
    for (int k = i; k < kBins; ++k) p[i - 1] += h[k];  // outliers into the last bin
    // q: p merged into `levels` groups, each spread evenly over its non-empty bins.
    std::vector<double> q(i, 0.0);
    for (int g = 0; g < levels; ++g) {
      const int b0 = g * i / levels, b1 = (g + 1) * i / levels;
      double sum = 0;
      int nonzero = 0;
      for (int k = b0; k < b1; ++k) { sum += h[k]; nonzero += h[k] > 0; }
      for (int k = b0; k < b1; ++k) q[k] = h[k] > 0 ? sum / nonzero : 0.0;
    }
    double ps = 0, qs = 0;
    for (int k = 0; k < i; ++k) { ps += p[k]; qs += q[k]; }
    if (ps <= 0 || qs <= 0) continue;
    double kl = 0;
    for (int k = 0; k < i; ++k) {
      if (p[k] <= 0) continue;
      const double pk = p[k] / ps, qk = q[k] / qs;
      kl += qk > 0 ? pk * std::log(pk / qk) : pk * 20.0;  // an empty q bin where p has mass: heavy penalty
    }
    if (kl < best) { best = kl; best_i = i; }
  }
  const float t = amax * static_cast<float>(best_i) / kBins;
  return {std::max(s.lo, -t), std::min(s.hi, t)};
}

llvm::DenseMap<Value, TensorRange> RangeCollector::ranges() const {
  llvm::DenseMap<Value, TensorRange> out;
  for (const auto& [v, s] : stats_) {
    TensorRange r{s.lo, s.hi};
    if (spec_.kind == CalibratorSpec::Percentile && !s.hist.empty()) r = percentileRange(s);
    if (spec_.kind == CalibratorSpec::Entropy && !s.hist.empty()) r = entropyRange(s);
    r.lo = std::min(r.lo, 0.f);
    r.hi = std::max(r.hi, 0.f);
    out[v] = r;
  }
  return out;
}

}  // namespace zy
}  // namespace mlir
