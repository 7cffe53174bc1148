// Backend plugins: loading errors that name the file, discovery through the
// backend path, and the fallback option (cpu | error) against deliberately
// faulty plugins (tests/plugins). Expected values by hand.
#include <cstdlib>
#include <string>

#include "exec/partition.h"
#include "exec/plugin_loader.h"
#include "exec/session.h"
#include "test_util.h"

namespace zy {
namespace test {
namespace {

std::string faulty(const std::string& fault) { return std::string(ZY_TEST_PLUGIN_DIR) + "/libzy_backend_faulty_" + fault + ".so"; }

// y = Relu(x) + x: one op a Relu-only plugin takes, one it does not.
Model reluAddModel() {
  GraphBuilder g;
  int32_t x = g.input("x", DType::F32, {1, 4});
  g.output(g.node("Add", {g.node("Relu", {x}), x}));
  return g.model();
}

struct PluginRun {
  Status status;
  std::vector<float> y;
  std::vector<std::string> backends, warnings;
};

PluginRun runWith(const std::vector<std::string>& order, const std::string& path, const std::string& fallback) {
  PluginRun r;
  Model m = reluAddModel();
  SessionOptions o;
  o.num_threads = 1;
  o.backend_order = order;
  o.backend_path = path;
  o.fallback = fallback;
  std::unique_ptr<Session> s;
  r.status = Session::create(m, o, &s);
  if (!r.status.ok()) return r;
  const float x[4] = {-2.f, -0.5f, 0.f, 3.f};
  const int64_t dims[2] = {1, 4};
  EXPECT_TRUE(s->setInput(0, DType::F32, dims, 2, x, sizeof x).ok());
  r.status = s->run();
  for (size_t k = 0; k < 2; ++k) r.backends.push_back(s->opBackend(k));
  r.warnings = s->warnings();
  if (r.status.ok()) {
    const float* y = static_cast<const float*>(s->tensorData(m.graph.outputs[0]));
    r.y.assign(y, y + 4);
  }
  return r;
}

const std::vector<float> kWant = {-2.f, -0.5f, 0.f, 6.f};  // Relu(x) + x by hand

TEST(Plugins, LoadErrorsNameTheFile) {
  std::shared_ptr<Plugin> p;
  Status st = loadPlugin(faulty("abi"), &p);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("libzy_backend_faulty_abi.so"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("ABI version 99"), std::string::npos) << st.message();
  st = loadPlugin(faulty("nosym"), &p);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("libzy_backend_faulty_nosym.so"), std::string::npos);
  EXPECT_NE(st.message().find(ZY_BACKEND_ENTRY_SYMBOL), std::string::npos) << st.message();
  st = loadPlugin(std::string(ZY_TEST_PLUGIN_DIR) + "/libzy_backend_missing.so", &p);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("libzy_backend_missing.so"), std::string::npos) << st.message();
  st = loadPlugin(std::string(ZY_TEST_PLUGIN_DIR) + "/not_a_plugin.so", &p);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("libzy_backend_<name>.so"), std::string::npos) << st.message();
  ASSERT_TRUE(loadPlugin(faulty("good"), &p).ok());
  EXPECT_STREQ(p->api()->name, "faulty_good");
  std::shared_ptr<Plugin> again;
  ASSERT_TRUE(loadPlugin(faulty("good"), &again).ok());
  EXPECT_EQ(p.get(), again.get());  // one handle per file while it is in use
}

TEST(Plugins, GoodPluginTakesItsOpsAndTheCpuTheRest) {
  PluginRun r = runWith({"faulty_good"}, faulty("good"), "cpu");
  ASSERT_TRUE(r.status.ok()) << r.status.message();
  EXPECT_EQ(r.y, kWant);
  EXPECT_EQ(r.backends[0], "faulty_good");
  EXPECT_NE(r.backends[1], "faulty_good");  // Add: a built-in CPU backend
  EXPECT_TRUE(r.warnings.empty());
  // Found by default through the path (a directory works as well as a file).
  PluginRun d = runWith({}, faulty("good"), "cpu");
  ASSERT_TRUE(d.status.ok());
  EXPECT_EQ(d.backends[0], "faulty_good");
}

TEST(Plugins, UnknownBackendIsAnError) {
  PluginRun r = runWith({"npu-nowhere"}, "", "cpu");
  EXPECT_EQ(r.status.code(), ZY_NOT_FOUND);
  EXPECT_NE(r.status.message().find("libzy_backend_npu-nowhere.so"), std::string::npos) << r.status.message();
}

TEST(Plugins, FailedInitFallsBackOrFails) {
  PluginRun cpu = runWith({"faulty_init"}, faulty("init"), "cpu");
  ASSERT_TRUE(cpu.status.ok()) << cpu.status.message();
  EXPECT_EQ(cpu.y, kWant);
  ASSERT_EQ(cpu.warnings.size(), 1u);
  EXPECT_NE(cpu.warnings[0].find("simulated init failure"), std::string::npos) << cpu.warnings[0];
  PluginRun err = runWith({"faulty_init"}, faulty("init"), "error");
  EXPECT_FALSE(err.status.ok());
  EXPECT_NE(err.status.message().find("libzy_backend_faulty_init.so"), std::string::npos) << err.status.message();
  EXPECT_NE(err.status.message().find("simulated init failure"), std::string::npos);
}

TEST(Plugins, LyingPluginFallsBackOrFails) {
  PluginRun cpu = runWith({"faulty_lie"}, faulty("lie"), "cpu");
  ASSERT_TRUE(cpu.status.ok()) << cpu.status.message();
  EXPECT_EQ(cpu.y, kWant);
  EXPECT_NE(cpu.backends[0], "faulty_lie");
  EXPECT_EQ(cpu.warnings.size(), 2u);  // both ops passed over
  PluginRun err = runWith({"faulty_lie"}, faulty("lie"), "error");
  EXPECT_FALSE(err.status.ok());
  EXPECT_NE(err.status.message().find("failed to prepare"), std::string::npos) << err.status.message();
}

TEST(Plugins, RunFailureMovesTheOpToTheCpuOrFails) {
  PluginRun cpu = runWith({"faulty_run"}, faulty("run"), "cpu");
  ASSERT_TRUE(cpu.status.ok()) << cpu.status.message();
  EXPECT_EQ(cpu.y, kWant);
  EXPECT_NE(cpu.backends[0], "faulty_run");
  EXPECT_NE(cpu.backends[1], "faulty_run");
  ASSERT_EQ(cpu.warnings.size(), 2u);
  EXPECT_NE(cpu.warnings[0].find("simulated device fault"), std::string::npos) << cpu.warnings[0];
  PluginRun err = runWith({"faulty_run"}, faulty("run"), "error");
  EXPECT_FALSE(err.status.ok());
  EXPECT_NE(err.status.message().find("simulated device fault"), std::string::npos) << err.status.message();
}

TEST(Plugins, BadLibrariesInThePathFallBackOrFail) {
  const std::string path = faulty("abi") + ":" + faulty("nosym");
  PluginRun cpu = runWith({}, path, "cpu");
  ASSERT_TRUE(cpu.status.ok()) << cpu.status.message();
  EXPECT_EQ(cpu.y, kWant);
  EXPECT_EQ(cpu.warnings.size(), 2u);
  PluginRun err = runWith({}, path, "error");
  EXPECT_FALSE(err.status.ok());
  EXPECT_NE(err.status.message().find("libzy_backend_faulty_abi.so"), std::string::npos) << err.status.message();
}

TEST(Plugins, ListShowsWhyABackendCannotStart) {
  const std::vector<BackendInfo> all = listBackends(faulty("init") + ":" + faulty("good"));
  ASSERT_GE(all.size(), 3u);
  EXPECT_EQ(all[0].name, "faulty_init");
  EXPECT_FALSE(all[0].available);
  EXPECT_NE(all[0].reason.find("simulated init failure"), std::string::npos) << all[0].reason;
  EXPECT_EQ(all[1].name, "faulty_good");
  EXPECT_TRUE(all[1].available);
  EXPECT_EQ(all.back().name, "ref");
  EXPECT_EQ(all.back().origin, "built-in");
}

// Placement: int8 ops go to npu-sim; a lone cheap one between CPU ops (a
// MaxPool between QuantizeLinear and DequantizeLinear) moves to the CPU,
// saving two copies; after a convolution it stays. Copies by hand.
TEST(Partition, PlacesOpsAndMovesLoneCheapOnes) {
  auto build = [](bool with_conv) {
    GraphBuilder g;
    const int x = g.input("x", DType::F32, {1, 2, 6, 6});
    auto scalar = [&](const char* n, float v) { return g.constant(n, Value::f32({}, {v})); };
    const int zp = g.constant("z", Value::of(DType::I8, {}, std::vector<int8_t>{0}));
    int t = g.node("QuantizeLinear", {x, scalar("s", 0.05f), zp});
    if (with_conv)
      t = g.node("QLinearConv", {t, scalar("xs", 0.05f), zp, g.constant("w", Value::of(DType::I8, {2, 2, 1, 1}, std::vector<int8_t>{1, 2, 3, 4})),
                                 g.constant("ws", Value::f32({2}, {0.1f, 0.1f})), g.constant("wz", Value::of(DType::I8, {2}, std::vector<int8_t>{0, 0})),
                                 scalar("ys", 0.05f), zp});
    t = g.node("MaxPool", {t}, attrs({Attribute::Ints("kernel_shape", {2, 2}), Attribute::Ints("strides", {2, 2})}));
    g.output(g.node("DequantizeLinear", {t, scalar("s2", 0.05f), zp}));
    return g.model();
  };
  Model lone = build(false);
  Placement p;
  ASSERT_TRUE(partitionModel(&lone, {"npu-sim"}, ZY_TEST_NPU_SIM, &p).ok());
  ASSERT_EQ(p.ops.size(), 3u);
  EXPECT_NE(p.ops[0].backend, "npu-sim");  // QuantizeLinear: float in
  EXPECT_NE(p.ops[1].backend, "npu-sim");
  EXPECT_TRUE(p.ops[1].moved_to_cpu);
  EXPECT_TRUE(p.copies.empty());
  Model chain = build(true);
  ASSERT_TRUE(partitionModel(&chain, {"npu-sim"}, ZY_TEST_NPU_SIM, &p).ok());
  ASSERT_EQ(p.ops.size(), 4u);
  EXPECT_EQ(p.ops[1].backend, "npu-sim");
  EXPECT_EQ(p.ops[2].backend, "npu-sim");
  EXPECT_FALSE(p.ops[2].moved_to_cpu);
  // In: the quantized input, 1x2x6x6 int8 = 72 bytes; out: the pooled 1x2x3x3 = 18 bytes.
  ASSERT_EQ(p.copies.size(), 2u);
  EXPECT_EQ(p.copies[0].bytes, 72);
  EXPECT_EQ(p.copies[0].to, "npu-sim");
  EXPECT_EQ(p.copies[1].bytes, 18);
  EXPECT_EQ(p.copies[1].to, "host");
  EXPECT_EQ(p.subgraph_blobs, 1);  // the conv's weights, one blob for the npu-sim subgraph
  // The model now names each op's backend; a session with the plugin runs it as placed.
  EXPECT_EQ(chain.backends[chain.graph.nodes[1].backend].name, "npu-sim");
  EXPECT_GT(chain.backends[chain.graph.nodes[1].backend].blob_size, 0u);
}

TEST(Plugins, UnknownFallbackIsRejected) {
  PluginRun r = runWith({}, "", "maybe");
  EXPECT_EQ(r.status.code(), ZY_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace test
}  // namespace zy
