// Runs ONNX's node test suite (libonnx-testdata) through zy-compile's pipeline
// and the runtime, and compares every output with the expected data.
//
// usage: zy-conformance [--data DIR] [--filter SUBSTR] [--known-failures FILE] [--verbose]
//
// A test is "in scope" when every op it uses is one Zhongyuan supports; it
// then must pass, or be listed in the known-failures file with a reason.
// Tests using other ops are counted as unsupported. Exit status 1 when an
// in-scope test fails without being listed.
#include <dirent.h>
#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "ops/shape_inference.h"
#include "zy/Compiler.h"
#include "zy/zy.h"

namespace {

using mlir::zy::ConstantInput;

std::vector<std::string> listDir(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> out;
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (dirent* e = readdir(d)) {
    std::string n = e->d_name;
    if (n.rfind(prefix, 0) == 0) out.push_back(n);
  }
  closedir(d);
  std::sort(out.begin(), out.end());
  return out;
}

bool fileExists(const std::string& p) { return std::ifstream(p).good(); }

struct Outcome {
  enum Kind { Pass, Fail, Unsupported } kind;
  std::string reason;
};

// Elementwise comparison as ONNX's backend tests do it (rtol 1e-3, atol 1e-7
// for float; exact for everything else).
bool compare(ConstantInput want, zy_tensor_info_t got, const void* data, size_t bytes, std::string* why) {
  std::vector<int64_t> shape(got.dims, got.dims + got.rank);
  // ONNX 1.12's test data stores bfloat16 tensors as uint16 (the same bits).
  if (want.dtype == zy::DType::U16 && got.dtype == ZY_DTYPE_BF16) want.dtype = zy::DType::BF16;
  if (static_cast<zy_dtype_t>(want.dtype) != got.dtype) {
    *why = std::string("dtype ") + zy_dtype_name(got.dtype) + ", expected " + zy::dtypeName(want.dtype);
    return false;
  }
  if (shape != want.shape) {
    *why = "shape " + zy::shapeToString(shape) + ", expected " + zy::shapeToString(want.shape);
    return false;
  }
  if (bytes != want.bytes.size()) { *why = "byte size differs"; return false; }
  const size_t n = bytes / std::max<size_t>(1, zy::dtypeSize(want.dtype));
  for (size_t i = 0; i < n; ++i) {
    double a, b;
    switch (want.dtype) {
      case zy::DType::F32: a = static_cast<const float*>(data)[i]; b = reinterpret_cast<const float*>(want.bytes.data())[i]; break;
      case zy::DType::F64: a = static_cast<const double*>(data)[i]; b = reinterpret_cast<const double*>(want.bytes.data())[i]; break;
      case zy::DType::F16:
        a = zy::halfToFloat(static_cast<const uint16_t*>(data)[i]);
        b = zy::halfToFloat(reinterpret_cast<const uint16_t*>(want.bytes.data())[i]);
        break;
      default: {
        size_t es = zy::dtypeSize(want.dtype);
        if (std::memcmp(static_cast<const char*>(data) + i * es, want.bytes.data() + i * es, es) != 0) {
          *why = "element " + std::to_string(i) + " differs";
          return false;
        }
        continue;
      }
    }
    if (a == b || (std::isnan(a) && std::isnan(b))) continue;
    if (!(std::fabs(a - b) <= 1e-7 + 1e-3 * std::fabs(b))) {
      char buf[160];
      std::snprintf(buf, sizeof buf, "element %zu is %.9g, expected %.9g", i, a, b);
      *why = buf;
      return false;
    }
  }
  return true;
}

Outcome runTest(const std::string& dir) {
  onnx::ModelProto model;
  {
    std::ifstream f(dir + "/model.onnx", std::ios::binary);
    if (!model.ParseFromIstream(&f)) return {Outcome::Fail, "cannot parse model.onnx"};
  }
  std::vector<std::string> sets = listDir(dir, "test_data_set_");
  if (sets.empty()) return {Outcome::Fail, "no test data"};
  std::vector<std::string> input_names;
  std::set<std::string> init;
  for (const auto& t : model.graph().initializer()) init.insert(t.name());
  for (const auto& vi : model.graph().input())
    if (!init.count(vi.name())) input_names.push_back(vi.name());
  for (const std::string& set : sets) {
    const std::string sd = dir + "/" + set;
    std::vector<ConstantInput> inputs(input_names.size());
    std::string err;
    for (size_t i = 0; i < input_names.size(); ++i) {
      std::string p = sd + "/input_" + std::to_string(i) + ".pb";
      if (!fileExists(p)) { inputs.resize(i); break; }
      if (!mlir::zy::readTensorProtoFile(p, &inputs[i], nullptr, &err)) return {Outcome::Unsupported, err};
    }
    // Omitted trailing optional inputs have no data file.
    input_names.resize(inputs.size());
    mlir::zy::ImportOptions opts;
    for (size_t i = 0; i < inputs.size(); ++i) opts.input_shapes[input_names[i]] = inputs[i].shape;
    std::vector<uint8_t> zym;
    if (failed(mlir::zy::compileOnnxFile(dir + "/model.onnx", opts, &zym, &err))) {
      if (err.find("not known at compile time") == std::string::npos)
        return {err.find("not supported") != std::string::npos || err.find("unsupported") != std::string::npos ? Outcome::Unsupported : Outcome::Fail, err};
      // Shape-like inputs (a Reshape target, Slice bounds...) must be known to
      // plan memory statically: bind the integer inputs as constants.
      mlir::zy::ImportOptions frozen;
      auto shapeLike = [](const ConstantInput& c) { return !zy::isFloat(c.dtype) || c.shape.size() <= 1; };
      for (size_t i = 0; i < inputs.size(); ++i) {
        if (!shapeLike(inputs[i])) frozen.input_shapes[input_names[i]] = inputs[i].shape;
        else frozen.constant_inputs[input_names[i]] = inputs[i];
      }
      err.clear();
      if (failed(mlir::zy::compileOnnxFile(dir + "/model.onnx", frozen, &zym, &err))) {
        if (err.find("not known at compile time") == std::string::npos) return {Outcome::Fail, err};
        // Output sizes that depend on the data itself (NonZero, Unique, ...):
        // bind every input; the kernels then run inside constant folding.
        frozen = mlir::zy::ImportOptions();
        for (size_t i = 0; i < inputs.size(); ++i) frozen.constant_inputs[input_names[i]] = inputs[i];
        err.clear();
        if (failed(mlir::zy::compileOnnxFile(dir + "/model.onnx", frozen, &zym, &err))) return {Outcome::Fail, err};
        inputs.clear();
      }
      std::vector<ConstantInput> kept;
      for (size_t i = 0; i < inputs.size(); ++i)
        if (!shapeLike(inputs[i]) && !frozen.constant_inputs.count(input_names[i])) kept.push_back(inputs[i]);
      inputs = kept;
    }
    zy_model_t* m = nullptr;
    if (zy_status_t s = zy_model_load_memory(zym.data(), zym.size(), &m)) {
      std::string msg = zy_status_message(s);
      zy_status_free(s);
      return {Outcome::Fail, "load: " + msg};
    }
    zy_session_options_t o;
    zy_session_options_init(&o);
    o.num_threads = 1;
    zy_session_t* sess = nullptr;
    Outcome result{Outcome::Pass, ""};
    auto statusFail = [&](const char* what, zy_status_t s) {
      result = {zy_status_code(s) == ZY_UNSUPPORTED ? Outcome::Unsupported : Outcome::Fail, std::string(what) + ": " + zy_status_message(s)};
      zy_status_free(s);
    };
    if (zy_status_t s = zy_session_create(m, &o, &sess)) {
      statusFail("session", s);
    } else {
      for (size_t i = 0; i < zy_model_input_count(m) && result.kind == Outcome::Pass; ++i) {
        zy_tensor_info_t info;
        zy_status_free(zy_model_input_info(m, i, &info));
        // Match by position among the inputs that stayed inputs.
        ConstantInput in = inputs.at(i);
        if (in.dtype == zy::DType::U16 && info.dtype == ZY_DTYPE_BF16) in.dtype = zy::DType::BF16;  // see compare()
        if (zy_status_t s = zy_session_set_input(sess, i, static_cast<zy_dtype_t>(in.dtype), in.shape.data(),
                                                 static_cast<int32_t>(in.shape.size()), in.bytes.data(), in.bytes.size()))
          statusFail("input", s);
      }
      if (result.kind == Outcome::Pass)
        if (zy_status_t s = zy_session_run(sess)) statusFail("run", s);
      for (size_t i = 0; i < zy_model_output_count(m) && result.kind == Outcome::Pass; ++i) {
        ConstantInput want;
        if (!mlir::zy::readTensorProtoFile(sd + "/output_" + std::to_string(i) + ".pb", &want, nullptr, &err)) {
          result = {Outcome::Unsupported, err};
          break;
        }
        zy_tensor_info_t info;
        const void* data;
        size_t bytes;
        zy_status_free(zy_session_get_output(sess, i, &info, &data, &bytes));
        std::string why;
        if (!compare(want, info, data, bytes, &why)) result = {Outcome::Fail, "output " + std::to_string(i) + ": " + why};
      }
      zy_session_release(sess);
    }
    zy_model_release(m);
    if (result.kind != Outcome::Pass) return result;
  }
  return {Outcome::Pass, ""};
}

}  // namespace

int main(int argc, char** argv) {
  std::string data = "/usr/share/libonnx-testdata/data/node", filter, known_path;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--data" && i + 1 < argc) data = argv[++i];
    else if (a == "--filter" && i + 1 < argc) filter = argv[++i];
    else if (a == "--known-failures" && i + 1 < argc) known_path = argv[++i];
    else if (a == "--verbose") verbose = true;
    else { std::fprintf(stderr, "usage: zy-conformance [--data DIR] [--filter S] [--known-failures FILE] [--verbose]\n"); return 2; }
  }
  // "test_name: reason" lists a test that cannot pass; "op Name: reason" an
  // unsupported op (every test using it is left out for that reason).
  std::map<std::string, std::string> known, known_ops;
  if (!known_path.empty()) {
    std::ifstream f(known_path);
    if (!f) { std::fprintf(stderr, "cannot open %s\n", known_path.c_str()); return 2; }
    std::string line;
    while (std::getline(f, line)) {
      if (line.empty() || line[0] == '#') continue;
      size_t c = line.find(':');
      std::string key = line.substr(0, c), reason = c == std::string::npos ? "" : line.substr(c + 1);
      if (key.rfind("op ", 0) == 0) known_ops[key.substr(3)] = reason;
      else known[key] = reason;
    }
  }
  std::vector<std::string> tests = listDir(data, "test_");
  if (tests.empty()) { std::fprintf(stderr, "no tests under %s (is libonnx-testdata installed?)\n", data.c_str()); return 2; }
  struct Counts { int pass = 0, fail = 0, known = 0, unsupported = 0; };
  std::map<std::string, Counts> by_op;
  std::vector<std::string> failures, known_seen;
  int in_scope = 0;
  for (const std::string& t : tests) {
    if (!filter.empty() && t.find(filter) == std::string::npos) continue;
    const std::string dir = data + "/" + t;
    onnx::ModelProto model;
    std::ifstream f(dir + "/model.onnx", std::ios::binary);
    if (!f || !model.ParseFromIstream(&f)) continue;
    std::set<std::string> ops, missing;
    // Every node, including those of If branches.
    std::vector<const onnx::NodeProto*> nodes;
    std::function<void(const onnx::GraphProto&)> collect = [&](const onnx::GraphProto& g) {
      for (const auto& n : g.node()) {
        nodes.push_back(&n);
        for (const auto& a : n.attribute()) {
          if (a.has_g()) collect(a.g());
          for (const auto& sg : a.graphs()) collect(sg);
        }
      }
    };
    collect(model.graph());
    for (const onnx::NodeProto* np : nodes) {
      const onnx::NodeProto& n = *np;
      ops.insert(n.op_type());
      const bool supported = mlir::zy::isImportableOp(n.domain(), n.op_type());
      if (!supported) missing.insert(n.op_type());
    }
    std::string op = ops.size() == 1 ? *ops.begin() : (model.graph().node_size() ? model.graph().node(0).op_type() + "+" : "empty");
    Counts& c = by_op[op];
    if (!missing.empty()) {
      ++c.unsupported;
      for (const std::string& m : missing)
        if (!known_ops.count(m)) failures.push_back(t + ": uses op " + m + ", neither supported nor listed with a reason");
      continue;
    }
    ++in_scope;
    if (verbose) std::fprintf(stderr, "running %s\n", t.c_str());
    Outcome o = runTest(dir);
    if (o.kind == Outcome::Pass) {
      ++c.pass;
      if (known.count(t)) failures.push_back(t + ": passes now; remove it from the known-failures list");
    } else if (known.count(t)) {
      ++c.known;
      known_seen.push_back(t + ":" + known[t]);
    } else {
      ++c.fail;
      failures.push_back(t + ": " + o.reason);
    }
  }
  std::printf("%-26s %6s %6s %6s %11s\n", "op", "passed", "failed", "known", "unsupported");
  Counts total;
  for (const auto& [op, c] : by_op) {
    std::printf("%-26s %6d %6d %6d %11d\n", op.c_str(), c.pass, c.fail, c.known, c.unsupported);
    total.pass += c.pass; total.fail += c.fail; total.known += c.known; total.unsupported += c.unsupported;
  }
  std::printf("%-26s %6d %6d %6d %11d\n", "total", total.pass, total.fail, total.known, total.unsupported);
  const int all = total.pass + total.fail + total.known + total.unsupported;
  std::printf("(%d of %d tests use only supported ops; a row is named by the test's op, '+' marks multi-op tests)\n", in_scope, all);
  std::printf("passed %d of %d node tests (%.1f%%); %d listed failures and %d tests of listed unsupported ops, each with its reason in %s\n",
              total.pass, all, all ? 100.0 * total.pass / all : 0.0, total.known, total.unsupported,
              known_path.empty() ? "(no list given)" : known_path.c_str());
  if (!known_seen.empty()) {
    std::printf("\nknown failures (with reasons):\n");
    for (const auto& k : known_seen) std::printf("  %s\n", k.c_str());
  }
  if (!failures.empty()) {
    std::printf("\nFAILED:\n");
    for (const auto& f : failures) std::printf("  %s\n", f.c_str());
  }
  std::printf("\n%d passed, %zu failed\n", total.pass, failures.size());
  return failures.empty() ? 0 : 1;
}
