// zy-backend-cts: the conformance kit for backends. It runs every op case
// (cts_cases) that the backend claims against backends/ref (int8 bit for
// bit, float within tolerance), then lifecycle checks: load and unload,
// refusals with reasons, sessions released without a run, and sessions on
// two threads at once. Prints a pass/fail report; exits 1 on any failure.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cts_cases.h"
#include "exec/backend_registry.h"
#include "exec/plugin_loader.h"
#include "exec/session.h"

namespace zy {
namespace {

const char* kUsage =
    "usage: zy-backend-cts PLUGIN.so | --builtin NAME [--filter TEXT] [--threads N]\n"
    "  Runs every op case the backend claims against the reference backend (int8 bit for bit,\n"
    "  float within 1e-4 of the output's magnitude), then lifecycle checks. Exit 1 on any failure.\n"
    "  --builtin NAME   a backend linked into this build (x86, arm, kunpeng, ref) instead of a plugin\n"
    "  --filter TEXT    only the cases whose name contains TEXT\n"
    "  --threads N      the sessions' threads (default 2)\n";

struct Target {
  std::string name, path;  // path empty: built in
  const zy_backend_api_t* api = nullptr;
  std::shared_ptr<Plugin> plugin;
};

struct Outcome {
  enum Kind { Pass, Fail, NotClaimed } kind = Pass;
  std::string detail;
};

std::vector<std::vector<uint8_t>> randomInputs(const Model& m, uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::vector<uint8_t>> out;
  for (int32_t t : m.graph.inputs) {
    const Tensor& tt = m.tensors[t];
    const int64_t n = numElements(tt.shape);
    std::vector<uint8_t> bytes(static_cast<size_t>(n) * dtypeSize(tt.dtype));
    if (tt.dtype == DType::F32) {
      std::uniform_real_distribution<float> d(-2.f, 2.f);
      for (int64_t i = 0; i < n; ++i) {
        const float v = d(rng);
        std::memcpy(bytes.data() + 4 * i, &v, 4);
      }
    } else {
      std::uniform_int_distribution<int> d(0, 255);
      for (auto& b : bytes) b = static_cast<uint8_t>(d(rng));
    }
    out.push_back(std::move(bytes));
  }
  return out;
}

SessionOptions optionsFor(const Target& t, int threads) {
  SessionOptions o;
  o.num_threads = threads;
  o.backend_order = {t.name};
  o.backend_path = t.path;
  o.fallback = "error";
  return o;
}

// Runs the model; the outputs' bytes in *out.
Status runSession(const Model& m, const SessionOptions& o, const std::vector<std::vector<uint8_t>>& in, std::vector<std::vector<uint8_t>>* out,
                  std::unique_ptr<Session>* keep = nullptr) {
  std::unique_ptr<Session> s;
  ZY_RETURN_IF_ERROR(Session::create(m, o, &s));
  for (size_t i = 0; i < in.size(); ++i) {
    const Tensor& t = m.tensors[m.graph.inputs[i]];
    ZY_RETURN_IF_ERROR(s->setInput(i, t.dtype, t.shape.data(), static_cast<int32_t>(t.shape.size()), in[i].data(), in[i].size()));
  }
  ZY_RETURN_IF_ERROR(s->run());
  out->clear();
  for (int32_t y : m.graph.outputs) {
    const uint8_t* p = static_cast<const uint8_t*>(s->tensorData(y));
    out->emplace_back(p, p + numElements(s->tensorShape(y)) * static_cast<int64_t>(dtypeSize(m.tensors[y].dtype)));
  }
  if (keep) *keep = std::move(s);
  return Status::OK();
}

std::string compare(const Model& m, const cts::OpCase& c, const std::vector<std::vector<uint8_t>>& got,
                    const std::vector<std::vector<uint8_t>>& want) {
  for (size_t o = 0; o < want.size(); ++o) {
    if (got[o].size() != want[o].size()) return "output " + std::to_string(o) + " has a different size";
    if (c.exact || m.tensors[m.graph.outputs[o]].dtype != DType::F32) {
      for (size_t i = 0; i < want[o].size(); ++i)
        if (got[o][i] != want[o][i])
          return strFormat("output %zu byte %zu: %u, ref %u (int8 must be bit-exact)", o, i, got[o][i], want[o][i]);
      continue;
    }
    const size_t n = want[o].size() / 4;
    std::vector<float> g(n), w(n);
    std::memcpy(g.data(), got[o].data(), n * 4);
    std::memcpy(w.data(), want[o].data(), n * 4);
    float scale = 0.f, worst = 0.f;
    for (float v : w) scale = std::max(scale, std::fabs(v));
    for (size_t i = 0; i < n; ++i) worst = std::max(worst, std::fabs(g[i] - w[i]));
    if (!(worst <= c.tolerance * std::max(scale, 1e-30f))) return strFormat("output %zu: max |diff| %.3g > %.0e of %.3g", o, worst, c.tolerance, scale);
  }
  return "";
}

Outcome runCase(const Target& t, const cts::OpCase& c, int threads) {
  ModelBuilder b;
  c.build(b);
  if (!b.status().ok()) return {Outcome::Fail, "the case does not build: " + b.status().message()};
  const Model& m = b.model();
  const auto in = randomInputs(m, 11);
  std::vector<std::vector<uint8_t>> want, got;
  SessionOptions ref;
  ref.num_threads = 1;
  ref.backend_order = {"ref"};
  Status st = runSession(m, ref, in, &want);
  if (!st.ok()) return {Outcome::Fail, "ref failed: " + st.message()};
  st = runSession(m, optionsFor(t, threads), in, &got);
  if (st.code() == ZY_UNSUPPORTED && st.message().find("no backend can run it") != std::string::npos) {
    // "...: no backend can run it (NAME: reason)": the reason alone.
    std::string why = st.message();
    const size_t p = why.find(t.name + ": ");
    if (p != std::string::npos) why = why.substr(p + t.name.size() + 2, why.size() - p - t.name.size() - 3);
    return {Outcome::NotClaimed, why};
  }
  if (!st.ok()) return {Outcome::Fail, st.message()};
  const std::string diff = compare(m, c, got, want);
  if (!diff.empty()) return {Outcome::Fail, diff};
  return {Outcome::Pass, c.exact ? "bit-exact" : "within tolerance"};
}

// ---- lifecycle ----

void serialFor(void*, size_t n, size_t, zy_parallel_fn_t fn, void* arg) {
  if (n) fn(arg, 0, n);
}

std::string loadUnload(const Target& t) {
  for (int i = 0; i < 3; ++i) {
    std::shared_ptr<Plugin> p;
    const zy_backend_api_t* api = t.api;
    if (!t.path.empty()) {
      Status st = loadPlugin(t.path, &p);
      if (!st.ok()) return st.message();
      api = p->api();
    }
    zy_host_t host{};
    host.abi_version = ZY_BACKEND_ABI_VERSION;
    host.num_threads = 1;
    host.parallel_for = serialFor;
    host.precision = "fp32";
    void* instance = nullptr;
    char err[256] = {0};
    if (api->create(&host, &instance, err, sizeof err) != ZY_OK) return std::string("create failed: ") + err;
    // An op no backend knows must be refused, with a reason.
    zy_op_view_t op{};
    op.type = "ZyNoSuchOp";
    op.domain = "";
    op.name = "cts_probe";
    char reason[256] = {0};
    const int claims = api->supports_op(instance, &op, reason, sizeof reason);
    api->destroy(instance);
    if (claims) return "it claims an unknown op type (ZyNoSuchOp)";
    if (!reason[0]) return "it refuses an op without saying why";
  }
  return "";
}

// The first case the backend claims, prepared and released without a run,
// then run in two sessions on two threads at once.
std::string sessions(const Target& t, const std::vector<const cts::OpCase*>& claimed, int threads) {
  if (claimed.empty()) return "no claimed case to run";
  ModelBuilder b;
  claimed.front()->build(b);
  const Model& m = b.model();
  {
    std::unique_ptr<Session> s;
    Status st = Session::create(m, optionsFor(t, threads), &s);
    if (!st.ok()) return "prepare without run: " + st.message();
  }
  const auto in = randomInputs(m, 23);
  std::vector<std::vector<uint8_t>> want;
  SessionOptions ref;
  ref.backend_order = {"ref"};
  Status st = runSession(m, ref, in, &want);
  if (!st.ok()) return st.message();
  std::string errors[2];
  std::thread workers[2];
  for (int w = 0; w < 2; ++w)
    workers[w] = std::thread([&, w] {
      for (int r = 0; r < 10 && errors[w].empty(); ++r) {
        std::vector<std::vector<uint8_t>> got;
        Status s = runSession(m, optionsFor(t, threads), in, &got);
        if (!s.ok()) errors[w] = s.message();
        else errors[w] = compare(m, *claimed.front(), got, want);
      }
    });
  for (auto& w : workers) w.join();
  return errors[0].empty() ? errors[1] : errors[0];
}

}  // namespace
}  // namespace zy

int main(int argc, char** argv) {
  using namespace zy;
  Target t;
  std::string filter;
  int threads = 2;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "-h" || a == "--help") { std::printf("%s", kUsage); return 0; }
    if (a == "--builtin" && i + 1 < argc) t.name = argv[++i];
    else if (a == "--filter" && i + 1 < argc) filter = argv[++i];
    else if (a == "--threads" && i + 1 < argc) threads = std::max(1, std::atoi(argv[++i]));
    else if (!a.empty() && a[0] != '-' && t.path.empty()) t.path = a;
    else { std::fprintf(stderr, "zy-backend-cts: error: unexpected '%s'\n%s", a.c_str(), kUsage); return 2; }
  }
  if (t.name.empty() == t.path.empty()) { std::fprintf(stderr, "%s", kUsage); return 2; }
  if (!t.path.empty()) {
    Status st = loadPlugin(t.path, &t.plugin);
    if (!st.ok()) { std::fprintf(stderr, "zy-backend-cts: error: %s\n", st.message().c_str()); return 1; }
    t.api = t.plugin->api();
    t.name = t.api->name;
  } else {
    t.api = findBuiltinBackend(t.name);
    if (!t.api) { std::fprintf(stderr, "zy-backend-cts: error: no built-in backend '%s'\n", t.name.c_str()); return 1; }
  }
  std::printf("zy-backend-cts: backend '%s' (%s), ABI version %u\n\n", t.name.c_str(), t.path.empty() ? "built-in" : t.path.c_str(),
              t.api->abi_version);
  int pass = 0, fail = 0, skipped = 0;
  std::vector<const cts::OpCase*> claimed;
  for (const cts::OpCase& c : cts::opCases()) {
    if (!filter.empty() && c.name.find(filter) == std::string::npos) continue;
    const Outcome o = runCase(t, c, threads);
    const char* tag = o.kind == Outcome::Pass ? "PASS" : o.kind == Outcome::Fail ? "FAIL" : "n/a ";
    std::printf("%s  %-40s %s\n", tag, c.name.c_str(), o.detail.c_str());
    if (o.kind == Outcome::Pass) { ++pass; claimed.push_back(&c); }
    else if (o.kind == Outcome::Fail) ++fail;
    else ++skipped;
  }
  // Let go of the plugin: the lifecycle checks open and close it themselves
  // (dlclose happens once no session holds it either).
  if (!t.path.empty()) {
    t.plugin.reset();
    t.api = nullptr;
  }
  std::printf("\nlifecycle\n");
  int lpass = 0, lfail = 0;
  auto check = [&](const char* name, const std::string& error) {
    std::printf("%s  %-40s %s\n", error.empty() ? "PASS" : "FAIL", name, error.c_str());
    (error.empty() ? lpass : lfail)++;
  };
  check(t.path.empty() ? "create, refuse, destroy x3" : "load, create, refuse, destroy, unload x3", loadUnload(t));
  check("prepare, release; two sessions at once", sessions(t, claimed, threads));
  std::printf("\nsummary: %d op cases passed, %d failed, %d not claimed; lifecycle %d passed, %d failed: %s\n", pass, fail, skipped, lpass,
              lfail, fail || lfail || !pass ? "FAIL" : "PASS");
  return fail || lfail || !pass ? 1 : 0;
}
