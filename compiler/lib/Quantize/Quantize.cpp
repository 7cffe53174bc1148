#include "zy/Quantize/Quantize.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <random>

#include "Calibration.h"
#include "InsertQdq.h"
#include "Interpreter.h"
#include "mlir/Pass/PassManager.h"
#include "npy.h"
#include "zy/Bridge/RuntimeBridge.h"
#include "zy/Dialect/ZyDialect.h"
#include "zy/Transforms/Passes.h"

namespace mlir {
namespace zy {

namespace {

namespace fs = std::filesystem;
using Sample = std::vector<TensorBytes>;

std::string argName(func::FuncOp f, unsigned i) {
  auto n = f.getArgAttrOfType<StringAttr>(i, "zy.name");
  return n ? n.str() : "input " + std::to_string(i);
}

bool readInput(func::FuncOp f, unsigned i, const std::string& path, TensorBytes* out, std::string* error) {
  ::zy::NpyArray a;
  ::zy::Status s = ::zy::readNpy(path, &a);
  ::zy::ValueInfo want = valueInfo(f.getArgument(i));
  if (!s.ok()) { *error = path + ": " + s.message(); return false; }
  if (a.dtype != want.dtype || a.shape != want.shape) {
    *error = path + ": " + ::zy::dtypeName(a.dtype) + ::zy::shapeToString(a.shape) + " does not match input '" + argName(f, i) +
             "' " + ::zy::dtypeName(want.dtype) + ::zy::shapeToString(want.shape);
    return false;
  }
  *out = std::move(a.data);
  return true;
}

// Calibration inputs from a folder, or seeded standard-normal noise.
bool loadSamples(func::FuncOp f, const QuantizeOptions& o, std::vector<Sample>* out, std::string* error) {
  const unsigned n = f.getNumArguments();
  for (unsigned i = 0; i < n; ++i) {
    auto t = dyn_cast<RankedTensorType>(f.getArgument(i).getType());
    if (!t || !t.hasStaticShape()) {
      *error = "input '" + argName(f, i) + "' has a dynamic shape: fix it with --input-shape to calibrate";
      return false;
    }
  }
  if (o.calibration_dir.empty()) {
    std::mt19937 rng(20261129);
    std::normal_distribution<float> normal(0.f, 1.f);
    for (int k = 0; k < o.random_samples; ++k) {
      Sample s;
      for (unsigned i = 0; i < n; ++i) {
        ::zy::ValueInfo info = valueInfo(f.getArgument(i));
        if (info.dtype != ::zy::DType::F32) {
          *error = "input '" + argName(f, i) + "' is not float: give real inputs with --calibration DIR";
          return false;
        }
        std::vector<float> v(static_cast<size_t>(::zy::numElements(info.shape)));
        for (float& x : v) x = normal(rng);
        s.emplace_back(reinterpret_cast<const uint8_t*>(v.data()), reinterpret_cast<const uint8_t*>(v.data() + v.size()));
      }
      out->push_back(std::move(s));
    }
    return true;
  }
  std::error_code ec;
  if (!fs::is_directory(o.calibration_dir, ec)) {
    *error = "--calibration: '" + o.calibration_dir + "' is not a folder";
    return false;
  }
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(o.calibration_dir, ec))
    if ((n == 1 && e.path().extension() == ".npy") || (n > 1 && e.is_directory())) entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  for (const fs::path& p : entries) {
    Sample s(n);
    for (unsigned i = 0; i < n; ++i)
      if (!readInput(f, i, n == 1 ? p.string() : (p / (argName(f, i) + ".npy")).string(), &s[i], error)) return false;
    out->push_back(std::move(s));
  }
  if (out->empty()) {
    *error = "--calibration: '" + o.calibration_dir + "' holds no inputs (" +
             (n == 1 ? std::string("FILE.npy per sample") : std::string("SAMPLE/INPUT_NAME.npy per sample")) + ")";
    return false;
  }
  return true;
}

const float* floats(const ::zy::ValueInfo& info) {
  return info.dtype == ::zy::DType::F32 ? static_cast<const float*>(info.data) : nullptr;
}

// Agreement of a quantized tensor with its float original, over all inputs.
struct Agreement {
  double dot = 0, ref2 = 0, got2 = 0, noise2 = 0;
  bool measured = false;
  void add(const float* ref, const float* got, size_t n) {
    measured = true;
    for (size_t i = 0; i < n; ++i) {
      dot += static_cast<double>(ref[i]) * got[i];
      ref2 += static_cast<double>(ref[i]) * ref[i];
      got2 += static_cast<double>(got[i]) * got[i];
      noise2 += (static_cast<double>(got[i]) - ref[i]) * (static_cast<double>(got[i]) - ref[i]);
    }
  }
  double cosine() const { return ref2 > 0 && got2 > 0 ? dot / std::sqrt(ref2 * got2) : (ref2 == got2 ? 1.0 : 0.0); }
  double snrDb() const { return noise2 > 0 ? std::min(100.0, 10 * std::log10(ref2 / noise2)) : 100.0; }
};

struct Evaluation {
  std::map<std::string, Agreement> tensors;  // by float producer name
  Agreement outputs;
  std::vector<Agreement> per_output;
};

// Runs the float and the quantized function on every sample and compares
// each int8 tensor (dequantized) with the float tensor it stands for.
bool evaluate(Interpreter& float_run, func::FuncOp qf, const std::vector<QuantizedLayer>& layers,
              const std::map<std::string, QuantParams>& tensors, const std::vector<Sample>& samples, Evaluation* ev,
              std::string* error) {
  std::map<std::string, std::string> producer_of_layer;
  for (const QuantizedLayer& l : layers) producer_of_layer[l.name] = l.producer;
  Interpreter q_run(qf);
  for (const Sample& s : samples) {
    std::map<std::string, std::vector<float>> ref;
    std::vector<TensorBytes> ref_out, got_out;
    auto keep = [&](Value v, const ::zy::ValueInfo& info) {
      const float* p = floats(info);
      if (!p || !v.getDefiningOp()) return;
      const std::string name = nodeName(v.getDefiningOp());
      if (tensors.count(name)) ref[name].assign(p, p + ::zy::numElements(info.shape));
    };
    if (failed(float_run.run(s, keep, &ref_out, error))) return false;
    auto compare = [&](Value v, const ::zy::ValueInfo& info) {
      Operation* op = v.getDefiningOp();
      if (!op || info.dtype != ::zy::DType::I8) return;
      std::string name = nodeName(op);
      if (onnxOpType(op) == "QuantizeLinear") name = name.substr(0, name.rfind("/QuantizeLinear"));
      else if (auto it = producer_of_layer.find(name); it != producer_of_layer.end()) name = it->second;
      auto p = tensors.find(name);
      auto r = ref.find(name);
      if (p == tensors.end() || r == ref.end()) return;
      const int8_t* q = static_cast<const int8_t*>(info.data);
      std::vector<float> got(r->second.size());
      if (static_cast<int64_t>(got.size()) != ::zy::numElements(info.shape)) return;
      for (size_t i = 0; i < got.size(); ++i) got[i] = p->second.scale * static_cast<float>(q[i] - p->second.zero_point);
      ev->tensors[name].add(r->second.data(), got.data(), got.size());
    };
    if (failed(q_run.run(s, compare, &got_out, error))) return false;
    ev->per_output.resize(ref_out.size());
    for (size_t i = 0; i < ref_out.size() && i < got_out.size(); ++i) {
      ::zy::ValueInfo info = valueInfo(qf.getBody().front().getTerminator()->getOperand(i));
      if (info.dtype != ::zy::DType::F32 || ref_out[i].size() != got_out[i].size()) continue;
      const float* a = reinterpret_cast<const float*>(ref_out[i].data());
      const float* b = reinterpret_cast<const float*>(got_out[i].data());
      ev->outputs.add(a, b, ref_out[i].size() / 4);
      ev->per_output[i].add(a, b, ref_out[i].size() / 4);
    }
  }
  return true;
}

// The worst output cosine over the model's outputs.
double outputCosine(const Evaluation& ev) {
  double c = 1.0;
  for (const Agreement& a : ev.per_output) if (a.measured) c = std::min(c, a.cosine());
  return c;
}

// The layer whose own output loses the most SNR relative to its inputs.
std::string mostSensitive(const std::vector<QuantizedLayer>& layers, const Evaluation& ev) {
  std::string worst;
  double worst_drop = -INFINITY;
  for (const QuantizedLayer& l : layers) {
    auto out = ev.tensors.find(l.producer);
    if (out == ev.tensors.end()) continue;
    double in_snr = 100.0;
    for (const std::string& p : l.input_producers)
      if (auto it = ev.tensors.find(p); it != ev.tensors.end()) in_snr = std::min(in_snr, it->second.snrDb());
    const double drop = in_snr - out->second.snrDb();
    if (drop > worst_drop) { worst_drop = drop; worst = l.name; }
  }
  return worst;
}

std::string formatReport(const std::vector<QuantizedLayer>& layers, const Evaluation& ev, const std::set<std::string>& kept,
                         size_t samples, const QuantizeOptions& o) {
  std::string r;
  char line[512];
  const char* kind = o.calibrator.kind == CalibratorSpec::MinMax ? "minmax" : o.calibrator.kind == CalibratorSpec::Entropy ? "entropy" : "percentile";
  std::snprintf(line, sizeof(line), "int8 quantization: %zu layers in int8, %zu kept in float; %zu calibration inputs (%s%s), calibrator %s\n",
                layers.size(), kept.size(), samples, o.calibration_dir.empty() ? "random" : "from ",
                o.calibration_dir.c_str(), kind);
  r += line;
  std::snprintf(line, sizeof(line), "  %-48s %-18s %9s %8s\n", "layer", "op", "cosine", "SNR dB");
  r += line;
  for (const QuantizedLayer& l : layers) {
    auto it = ev.tensors.find(l.producer);
    if (it == ev.tensors.end()) {
      std::snprintf(line, sizeof(line), "  %-48s %-18s %9s %8s\n", l.name.c_str(), l.type.c_str(), "-", "(float)");
    } else {
      std::snprintf(line, sizeof(line), "  %-48s %-18s %9.5f %8.1f\n", l.name.c_str(), l.type.c_str(), it->second.cosine(),
                    it->second.snrDb());
    }
    r += line;
  }
  for (const std::string& k : kept) r += "  kept in float: " + k + "\n";
  for (size_t i = 0; i < ev.per_output.size(); ++i) {
    std::snprintf(line, sizeof(line), "  output %zu: cosine %.5f, SNR %.1f dB\n", i, ev.per_output[i].cosine(), ev.per_output[i].snrDb());
    r += line;
  }
  return r;
}

func::FuncOp mainFunc(ModuleOp m) {
  func::FuncOp f;
  m.walk([&](func::FuncOp fn) { if (!f) f = fn; });
  return f;
}

}  // namespace

LogicalResult quantizeInt8(ModuleOp module, const QuantizeOptions& o, std::string* report, std::string* error) {
  func::FuncOp f = mainFunc(module);
  if (!f) { *error = "no function to quantize"; return failure(); }
  std::vector<Sample> samples;
  if (!loadSamples(f, o, &samples, error)) return failure();
  if (samples.empty()) { *error = "no calibration inputs: give --calibration DIR or --calibration-random N"; return failure(); }

  // Calibrate: every float tensor's range over the inputs (a second pass
  // fills the histograms of the percentile and entropy calibrators).
  Interpreter float_run(f);
  RangeCollector collector(o.calibrator);
  auto calibrationPass = [&](bool histograms) {
    std::vector<TensorBytes> outs;
    for (const Sample& s : samples) {
      auto observe = [&](Value v, const ::zy::ValueInfo& info) {
        const float* p = floats(info);
        if (!p) return;
        if (histograms) collector.observeHistogram(v, p, ::zy::numElements(info.shape));
        else collector.observeMinMax(v, p, ::zy::numElements(info.shape));
      };
      if (failed(float_run.run(s, observe, &outs, error))) return false;
    }
    return true;
  };
  if (!calibrationPass(false) || (collector.needsHistograms() && !calibrationPass(true))) return failure();
  const llvm::DenseMap<Value, TensorRange> ranges = collector.ranges();

  // Each round quantizes a fresh copy, leaving the layers in keep_float in
  // float, and measures it; a missed accuracy target adds the most sensitive
  // layer to keep_float (at most kMaxRounds times).
  constexpr int kMaxRounds = 64;
  std::set<std::string> keep_float;
  for (int round = 0;; ++round) {
    OwningOpRef<ModuleOp> q(module.clone());
    func::FuncOp qf = mainFunc(*q);
    // The clone's values in the same order as the original's.
    llvm::DenseMap<Value, TensorRange> q_ranges;
    SmallVector<Value> fv, qv;
    for (BlockArgument a : f.getArguments()) fv.push_back(a);
    for (BlockArgument a : qf.getArguments()) qv.push_back(a);
    f.walk([&](Operation* op) { for (Value r : op->getResults()) fv.push_back(r); });
    qf.walk([&](Operation* op) { for (Value r : op->getResults()) qv.push_back(r); });
    for (size_t i = 0; i < fv.size() && i < qv.size(); ++i)
      if (auto it = ranges.find(fv[i]); it != ranges.end()) q_ranges[qv[i]] = it->second;
    std::map<std::string, QuantParams> tensors;
    std::vector<QuantizedLayer> layers = insertQdq(qf, q_ranges, keep_float, &tensors);
    PassManager pm(module.getContext());
    OpPassManager& fp = pm.nest<func::FuncOp>();
    fp.addPass(createFoldQdq());
    fp.addPass(createDeadCodeElimination());
    if (failed(pm.run(*q))) { *error = "folding the quantized graph failed"; return failure(); }
    Evaluation ev;
    if (!evaluate(float_run, qf, layers, tensors, samples, &ev, error)) return failure();
    const double cosine = outputCosine(ev);
    std::string next = o.target_cosine > 0 && cosine < o.target_cosine ? mostSensitive(layers, ev) : "";
    if (next.empty() || round >= kMaxRounds) {
      if (report) {
        *report = formatReport(layers, ev, keep_float, samples.size(), o);
        if (o.target_cosine > 0 && cosine < o.target_cosine)
          *report += "  note: the accuracy target cosine=" + std::to_string(o.target_cosine) + " was not reached\n";
      }
      qf->remove();
      f->erase();
      module.push_back(qf);
      return success();
    }
    keep_float.insert(next);
  }
}

}  // namespace zy
}  // namespace mlir
