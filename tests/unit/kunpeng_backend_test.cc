// The cache-blocked f32 GEMM against a naive double-precision GEMM, and the
// Kunpeng backend: its blocking (hand-derived from Kunpeng 920's caches), its
// start condition, and its outputs against backends/ref.
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>

#include "cpu_features.h"
#include "exec/session.h"
#include "kernels/f32_gemm_neon.h"
#include "test_util.h"

namespace zy {
namespace test {
namespace {

TEST(ArmGemmBlocking, DerivedFromCacheSizes) {
  // Kunpeng 920: kc = 64 KB / 2 / (8 floats * 4 B) = 1024; mc = 512 KB / 2 / (1024 * 4 B) = 64;
  // group = 512 KB / 4 / (1024 * 32 B) = 4.
  const arm::F32GemmBlocking k = arm::F32GemmBlocking::forCaches(arm::kKunpeng920Caches);
  EXPECT_EQ(k.kc, 1024);
  EXPECT_EQ(k.mc, 64);
  EXPECT_EQ(k.group, 4);
  // Cortex-A72-like, 32 KB L1D and 1 MB L2: kc = 512, mc = 1 MB / 2 / 2 KB = 256, group = 1 MB / 4 / 16 KB = 16.
  const arm::F32GemmBlocking a = arm::F32GemmBlocking::forCaches({32 * 1024, 1024 * 1024});
  EXPECT_EQ(a.kc, 512);
  EXPECT_EQ(a.mc, 256);
  EXPECT_EQ(a.group, 16);
}

// Every blocking (K passes, weight blocks, panel groups, partial last panel)
// gives the naive product within float rounding.
TEST(ArmGemmBlocking, BlockedGemmMatchesNaiveGemm) {
  std::mt19937 rng(43);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  struct Case { int64_t m, k, n; arm::F32GemmBlocking b; };
  const Case cases[] = {{20, 100, 29, {32, 8, 2}}, {64, 1025, 40, {1024, 64, 4}}, {13, 7, 9, {64, 8, 1}},
                        {72, 300, 8, {64, 16, 3}}, {9, 0, 5, {64, 8, 1}}};
  for (const Case& c : cases) {
    std::vector<float> w(static_cast<size_t>(c.m * c.k)), x(static_cast<size_t>(c.k * c.n)), bias(static_cast<size_t>(c.m));
    for (auto* v : {&w, &x, &bias})
      for (float& f : *v) f = u(rng);
    const arm::F32PackedWeights packed = arm::packF32Weights(w.data(), c.m, c.k);
    std::vector<float> y(static_cast<size_t>(c.m * c.n), -99.f);
    // Two calls over the columns, as tasks of a parallel loop would.
    const int64_t half = c.n / 2;
    FusedActivation none;
    arm::f32GemmColumns(packed, x.data(), c.n, 0, half, bias.data(), none, y.data(), c.n, c.b);
    arm::f32GemmColumns(packed, x.data(), c.n, half, c.n - half, bias.data(), none, y.data(), c.n, c.b);
    for (int64_t i = 0; i < c.m; ++i)
      for (int64_t j = 0; j < c.n; ++j) {
        double want = bias[static_cast<size_t>(i)];
        for (int64_t q = 0; q < c.k; ++q) want += static_cast<double>(w[static_cast<size_t>(i * c.k + q)]) * x[static_cast<size_t>(q * c.n + j)];
        ASSERT_NEAR(y[static_cast<size_t>(i * c.n + j)], want, 1e-5 * (1 + std::sqrt(static_cast<double>(c.k))))
            << "m=" << c.m << " k=" << c.k << " n=" << c.n << " at " << i << "," << j;
      }
  }
}

// Runs an fp32 model with the given order; returns the output and who ran op 0.
std::vector<float> runConv(const Model& m, const std::vector<float>& in, const std::vector<std::string>& order, std::string* used,
                           Status* status) {
  std::unique_ptr<Session> s;
  SessionOptions o;
  o.num_threads = 2;
  o.backend_order = order;
  *status = Session::create(m, o, &s);
  if (!status->ok()) return {};
  *used = s->opBackend(0);
  const Tensor& t = m.tensors[m.graph.inputs[0]];
  EXPECT_TRUE(s->setInput(0, t.dtype, t.shape.data(), static_cast<int32_t>(t.shape.size()), in.data(), in.size() * 4).ok());
  EXPECT_TRUE(s->run().ok());
  const int32_t y = m.graph.outputs[0];
  const float* p = static_cast<const float*>(s->tensorData(y));
  return std::vector<float>(p, p + numElements(s->tensorShape(y)));
}

Model convModel(std::mt19937& rng, int64_t c, int64_t m, int64_t hw, int64_t k) {
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  GraphBuilder g;
  const int x = g.input("x", DType::F32, {1, c, hw, hw});
  std::vector<float> w(static_cast<size_t>(m * c * k * k));
  for (float& f : w) f = u(rng);
  g.node("Conv", {x, g.constant("w", Value::f32({m, c, k, k}, w))},
         attrs({Attribute::Ints("kernel_shape", {k, k}), Attribute::Ints("pads", {k / 2, k / 2, k / 2, k / 2})}));
  g.output(g.model().graph.nodes.back().outputs[0]);
  return g.model();
}

// Under qemu the MIDR is unknown: by default the session skips kunpeng and
// the ops go to arm; named alone, kunpeng refuses with the reason.
TEST(KunpengBackend, StartsOnlyOnTaishanV110) {
  if (arm::isTaishanV110()) GTEST_SKIP() << "this core is a TaiShan v110: the refusal cannot be shown";
  std::mt19937 rng(47);
  const Model m = convModel(rng, 16, 24, 10, 3);
  std::vector<float> in(16 * 100, 0.5f);
  std::string used;
  Status st;
  runConv(m, in, {}, &used, &st);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(used, "arm");
  runConv(m, in, {"kunpeng", "ref"}, &used, &st);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("not a Kunpeng 920"), std::string::npos) << st.message();
}

// As a TaiShan v110 (ZY_ARM_CPU=tsv110, on cores with dotprod and fp16): its
// K passes of 1024 and weight blocks of 64 rows give ref's outputs.
TEST(KunpengBackend, MatchesReferenceAsTaishanV110) {
  setenv("ZY_ARM_CPU", "tsv110", 1);
  setenv("ZY_ARM_WINOGRAD", "0", 1);  // the im2col GEMM over all of K
  const bool can = arm::isTaishanV110();
  std::mt19937 rng(53);
  // K = 160 * 9 = 1440 (two passes), M = 136 (three weight blocks), 15x15 pixels (29 panels).
  const Model m = convModel(rng, 160, 136, 15, 3);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::vector<float> in(160 * 225);
  for (float& f : in) f = u(rng);
  std::string used;
  Status st;
  const std::vector<float> want = runConv(m, in, {"ref"}, &used, &st);
  ASSERT_TRUE(st.ok());
  const std::vector<float> got = runConv(m, in, {"kunpeng", "ref"}, &used, &st);
  unsetenv("ZY_ARM_CPU");
  unsetenv("ZY_ARM_WINOGRAD");
  if (!can) {  // Cortex-A72: no dotprod or fp16, so not a TaiShan v110 even when asked
    EXPECT_FALSE(st.ok());
    return;
  }
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_EQ(used, "kunpeng");
  ASSERT_EQ(got.size(), want.size());
  float scale = 0.f;
  for (float v : want) scale = std::max(scale, std::fabs(v));
  for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-5f * scale) << "element " << i;
}

}  // namespace
}  // namespace test
}  // namespace zy
