// x86 kernels against their reference twins: every available GEMM
// microkernel against a naive GEMM, and the x86 Conv against backends/ref
// over a sweep of shapes, strides, pads, dilations and odd sizes.
#include <cmath>
#include <cstring>
#include <random>

#include "exec/ahead_of_time.h"
#include "exec/session.h"
#include "kernels/f32_gemm.h"
#include "test_util.h"

namespace zy {
namespace test {
namespace {

TEST(X86Gemm, EveryMicrokernelMatchesNaiveGemm) {
  auto kernels = x86::availableGemmKernels();
  if (kernels.empty()) GTEST_SKIP() << "this CPU has no AVX2+FMA: the x86 backend does not start here";
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  const x86::ParallelFor serial = [](size_t n, const std::function<void(size_t, size_t)>& fn) { if (n) fn(0, n); };
  for (const x86::GemmKernel* k : kernels) {
    for (auto [m, n, kd] : std::vector<std::tuple<int64_t, int64_t, int64_t>>{{1, 1, 1}, {13, 37, 300}, {12, 32, 256}, {25, 100, 513}, {64, 49, 1152}, {16, 64, 64}, {30, 200, 40}}) {
      std::vector<float> a(m * kd), b(kd * n), bias(m), c(m * n);
      for (auto& v : a) v = u(rng);
      for (auto& v : b) v = u(rng);
      for (auto& v : bias) v = u(rng);
      FusedActivation act;
      act.kind = FusedActivation::Relu;
      x86::PackedA pa = x86::packA(k, a.data(), m, kd, kd);
      x86::gemm(pa, b.data(), n, n, c.data(), n, bias.data(), act, serial);
      for (int64_t i = 0; i < m; ++i)
        for (int64_t j = 0; j < n; ++j) {
          double want = bias[i];
          for (int64_t q = 0; q < kd; ++q) want += static_cast<double>(a[i * kd + q]) * b[q * n + j];
          want = std::max(0.0, want);
          ASSERT_NEAR(c[i * n + j], want, 1e-4 * std::max(1.0, std::fabs(want))) << k->name << " m=" << m << " n=" << n << " k=" << kd;
        }
    }
  }
}

// The driver's partitions for two threads (even column blocks, row groups,
// columns split further where the tasks are few) cover every output once:
// the product is the one-thread product bit for bit, and the naive one
// within rounding. The two-thread ParallelFor runs its tasks in reverse order.
TEST(X86Gemm, TwoThreadPartitionsMatchOneThread) {
  auto kernels = x86::availableGemmKernels();
  if (kernels.empty()) GTEST_SKIP() << "this CPU has no AVX2+FMA: the x86 backend does not start here";
  std::mt19937 rng(8);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  const x86::ParallelFor serial = [](size_t n, const std::function<void(size_t, size_t)>& fn) { if (n) fn(0, n); };
  const x86::ParallelFor two(
      [](size_t n, const std::function<void(size_t, size_t)>& fn) {
        for (size_t i = n; i-- > 0;) fn(i, i + 1);
      },
      2);
  // MobileNetV2's first convolution and 112x112 projection (33 in-place blocks), a
  // 56x56 layer with more K than one block, a 7x7 one (20 one-panel blocks),
  // and narrow ones in row groups (one and two column blocks).
  for (auto [m, n, kd] : std::vector<std::tuple<int64_t, int64_t, int64_t>>{
           {32, 12544, 27}, {16, 12561, 32}, {24, 3136, 700}, {49, 960, 160}, {64, 96, 600}, {100, 40, 300}, {61, 500, 1000}}) {
    std::vector<float> a(m * kd), b(kd * n), c1(m * n), c2(m * n);
    for (auto& v : a) v = u(rng);
    for (auto& v : b) v = u(rng);
    const x86::GemmKernel* k = x86::selectGemmKernel(m, n);
    x86::PackedA pa = x86::packA(k, a.data(), m, kd, kd);
    x86::gemm(pa, b.data(), n, n, c1.data(), n, nullptr, FusedActivation{}, serial);
    x86::gemm(pa, b.data(), n, n, c2.data(), n, nullptr, FusedActivation{}, two);
    ASSERT_EQ(c1, c2) << k->name << " m=" << m << " n=" << n << " k=" << kd;
    for (int64_t i = 0; i < m; i += 7)
      for (int64_t j = 0; j < n; j += 13) {
        double want = 0;
        for (int64_t q = 0; q < kd; ++q) want += static_cast<double>(a[i * kd + q]) * b[q * n + j];
        ASSERT_NEAR(c2[i * n + j], want, 1e-4 * std::max(1.0, std::fabs(want))) << k->name << " m=" << m << " n=" << n;
      }
  }
}

// The bf16 microkernel against a naive GEMM of the bf16-rounded operands (in
// double): products of bf16 values are exact in f32, so only the f32 sums
// round. Odd K exercises the zero-padded last pair.
TEST(X86Gemm, Bf16MicrokernelMatchesRoundedGemm) {
  const x86::GemmKernel* k = x86::bf16GemmKernel();
  if (!k) GTEST_SKIP() << "this CPU has no AVX512-BF16";
  std::mt19937 rng(53);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  const x86::ParallelFor serial = [](size_t n, const std::function<void(size_t, size_t)>& fn) { if (n) fn(0, n); };
  for (auto [m, n, kd] : std::vector<std::tuple<int64_t, int64_t, int64_t>>{{1, 1, 1}, {13, 37, 301}, {12, 32, 256}, {25, 100, 513}}) {
    std::vector<float> a(m * kd), b(kd * n), bias(m), c(m * n);
    for (auto& v : a) v = u(rng);
    for (auto& v : b) v = u(rng);
    for (auto& v : bias) v = u(rng);
    x86::gemm(x86::packA(k, a.data(), m, kd, kd), b.data(), n, n, c.data(), n, bias.data(), FusedActivation{}, serial);
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double want = bias[i];
        for (int64_t q = 0; q < kd; ++q) want += static_cast<double>(roundToBf16(a[i * kd + q])) * roundToBf16(b[q * n + j]);
        ASSERT_NEAR(c[i * n + j], want, 1e-4 * std::max(1.0, std::fabs(want))) << "m=" << m << " n=" << n << " k=" << kd;
      }
  }
}

// Runs one Conv through a session with the given backend order.
std::vector<float> runConv(const Model& m, const std::vector<float>& x, const std::string& order, std::string* used,
                           const std::string& precision = "fp32") {
  std::unique_ptr<Session> s;
  SessionOptions o;
  o.precision = precision;
  o.num_threads = 2;
  o.backend_order = {order};
  if (order != "ref") o.backend_order = {"x86", "ref"};
  Status st = Session::create(m, o, &s);
  EXPECT_TRUE(st.ok()) << st.message();
  if (!st.ok()) return {};
  *used = s->opBackend(0);
  const Tensor& in = m.tensors[m.graph.inputs[0]];
  EXPECT_TRUE(s->setInput(0, DType::F32, in.shape.data(), static_cast<int32_t>(in.shape.size()), x.data(), x.size() * 4).ok());
  EXPECT_TRUE(s->run().ok());
  const int32_t y = m.graph.outputs[0];
  const float* p = static_cast<const float*>(s->tensorData(y));
  return std::vector<float>(p, p + numElements(s->tensorShape(y)));
}

// Runs a one-node graph with ref and with x86 first; checks that x86 took it
// and that the outputs agree.
// A fused activation on a Conv; Clip gets the bounds [0, clip_max].
void setActivation(Attributes& a, const char* act, float clip_max = 6.f) {
  if (!*act) return;
  a.set(Attribute::String("activation", act));
  if (std::string(act) == "Clip") {
    a.set(Attribute::Float("activation_alpha", 0.f));
    a.set(Attribute::Float("activation_beta", clip_max));
  }
}

// tol is relative to each value (at least 1), or with of_max to the largest |value|.
void expectSameAsReference(GraphBuilder& g, const std::vector<float>& in, const std::string& what, float tol = 1e-5f,
                           bool of_max = false) {
  std::string used_ref, used_x86;
  std::vector<float> want = runConv(g.model(), in, "ref", &used_ref), got = runConv(g.model(), in, "x86", &used_x86);
  EXPECT_EQ(used_ref, "ref") << what;
  EXPECT_EQ(used_x86, "x86") << what;
  ASSERT_EQ(got.size(), want.size()) << what;
  float top = 0.f;
  for (float v : want) top = std::max(top, std::fabs(v));
  for (size_t i = 0; i < got.size(); ++i)
    ASSERT_NEAR(got[i], want[i], tol * (of_max ? top : std::max(1.f, std::fabs(want[i])))) << what << " i=" << i;
}

std::vector<float> randomValues(size_t n, std::mt19937& rng) {
  std::uniform_real_distribution<float> u(-2.f, 2.f);
  std::vector<float> v(n);
  for (auto& x : v) x = u(rng);
  return v;
}

// A model whose input planes change size between runs: a 3x3 stride-2
// convolution through the padded image, whose im2col offsets are built per
// input size, against ref at each size (and back to the first).
TEST(X86Conv, NewInputSizesBetweenRunsMatchReference) {
  if (x86::availableGemmKernels().empty()) GTEST_SKIP() << "this CPU has no AVX2+FMA";
  std::mt19937 rng(12);
  const int64_t C = 8, M = 16;
  Model m;
  auto add = [&](const char* name, Shape shape, TensorKind kind) {
    Tensor t;
    t.name = name;
    t.dtype = DType::F32;
    t.shape = std::move(shape);
    t.kind = kind;
    m.tensors.push_back(t);
    return static_cast<int32_t>(m.tensors.size() - 1);
  };
  const int32_t x = add("x", {1, C, -1, -1}, TensorKind::Input), w = add("w", {M, C, 3, 3}, TensorKind::Constant),
                y = add("y", {1, M, -1, -1}, TensorKind::Output);
  const std::vector<float> wv = randomValues(static_cast<size_t>(M * C * 9), rng);
  std::vector<uint8_t> wb(wv.size() * 4);
  std::memcpy(wb.data(), wv.data(), wb.size());
  m.tensors[static_cast<size_t>(w)].setOwnedData(std::move(wb));
  Node conv{"Conv", "", "conv", {x, w}, {y}, attrs({Attribute::Ints("kernel_shape", {3, 3}), Attribute::Ints("strides", {2, 2}),
                                                     Attribute::Ints("pads", {1, 1, 1, 1})}), 0};
  m.graph.nodes = {conv};
  m.graph.inputs = {x};
  m.graph.outputs = {y};
  ASSERT_TRUE(validateModel(m).ok());
  std::unique_ptr<Session> on_x86, on_ref;
  SessionOptions o;
  o.num_threads = 2;
  o.backend_order = {"x86", "ref"};
  ASSERT_TRUE(Session::create(m, o, &on_x86).ok());
  o.backend_order = {"ref"};
  ASSERT_TRUE(Session::create(m, o, &on_ref).ok());
  for (auto [h, wd] : std::vector<std::pair<int64_t, int64_t>>{{14, 14}, {9, 11}, {14, 14}, {5, 4}}) {
    const std::vector<float> in = randomValues(static_cast<size_t>(C * h * wd), rng);
    const int64_t dims[4] = {1, C, h, wd};
    std::vector<float> out[2];
    for (int k = 0; k < 2; ++k) {
      Session& s = k ? *on_ref : *on_x86;
      ASSERT_TRUE(s.setInput(0, DType::F32, dims, 4, in.data(), in.size() * 4).ok());
      const Status st = s.run();
      ASSERT_TRUE(st.ok()) << st.message();
      const float* p = static_cast<const float*>(s.tensorData(y));
      out[k].assign(p, p + numElements(s.tensorShape(y)));
    }
    EXPECT_EQ(on_x86->opBackend(0), "x86");
    ASSERT_EQ(out[0].size(), out[1].size());
    for (size_t i = 0; i < out[0].size(); ++i) ASSERT_NEAR(out[0][i], out[1][i], 1e-4f * std::max(1.f, std::fabs(out[1][i]))) << h << "x" << wd;
  }
}

TEST(X86Conv, MatchesReferenceOverASweep) {
  if (x86::availableGemmKernels().empty()) GTEST_SKIP() << "this CPU has no AVX2+FMA";
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  struct Case { int64_t n, c, h, w, m, k, stride, pad, dil; const char* act; int64_t stride_w = 0; };
  const Case cases[] = {{1, 3, 17, 19, 8, 3, 1, 1, 1, "Relu"}, {2, 5, 9, 7, 13, 3, 2, 0, 1, ""},
                        {1, 16, 14, 14, 40, 1, 1, 0, 1, "Clip"}, {1, 7, 11, 13, 3, 5, 2, 2, 1, "HardSwish"},
                        {1, 4, 15, 15, 6, 3, 1, 2, 2, "Silu"}, {1, 64, 7, 7, 33, 3, 1, 1, 1, ""},
                        {1, 1, 1, 1, 1, 1, 1, 0, 1, ""}, {1, 32, 8, 8, 64, 1, 2, 0, 1, "Relu"},
                        {1, 8, 16, 30, 12, 3, 2, 1, 1, "Relu", 1}, {1, 6, 9, 20, 10, 1, 2, 0, 1, "", 1},
                        // up to 64 pixels and 64+ channels: the pixel-major GEMM (7x7 stages)
                        {2, 40, 7, 7, 96, 3, 1, 1, 1, "Relu"}, {1, 48, 7, 7, 80, 1, 1, 0, 1, "HardSwish"},
                        {1, 24, 14, 14, 64, 3, 2, 1, 1, ""}, {1, 16, 5, 9, 70, 3, 1, 0, 1, "Clip"},
                        {1, 24, 13, 13, 64, 3, 1, 1, 1, "Relu"},
                        // 1x1 up to 64 pixels, packed; from 169 pixels the full pixel panels are read in place
                        // and the partial last one packed (190 pixels: 14 panels of 13, then 8)
                        {1, 48, 8, 8, 80, 1, 1, 0, 1, "Relu"}, {1, 520, 19, 10, 64, 1, 1, 0, 1, ""},
                        // 14x14 with 32k output channels (f32-gemm/avx512-14x32); 1x1 with over 512 input channels
                        {1, 40, 14, 14, 96, 3, 1, 1, 1, "Relu"}, {1, 520, 13, 13, 64, 1, 1, 0, 1, "Clip"}, {1, 300, 14, 14, 64, 1, 1, 0, 1, ""},
                        {1, 96, 14, 14, 96, 1, 1, 0, 1, "Relu"},
                        // strided 3x3 onto 20x20 and 28x28 (pixel-major through the padded image): panels of 13
                        // pixels read in place where they stay in one row, packed where they cross; panels of 14 all in place
                        {1, 24, 40, 40, 64, 3, 2, 1, 1, "Relu"}, {1, 32, 56, 56, 64, 3, 2, 1, 1, "Clip"},
                        // strided 1x1 on larger images: the subsampled input read in place (stride 2 through
                        // the vector even-column pick, with a tail; stride 3 column by column)
                        {1, 16, 40, 41, 24, 1, 2, 0, 1, ""}, {1, 24, 30, 35, 64, 1, 2, 0, 1, "Relu"},
                        {1, 8, 20, 50, 16, 1, 3, 0, 1, ""},
                        // 31 columns at stride 2: 16 outputs, the last vector's odd input would be past the row
                        {1, 4, 31, 31, 64, 1, 2, 0, 1, ""},
                        // strided 1x1 from 512+ channels onto up to 196 pixels: pixel-major (10x11 outputs)
                        {1, 520, 20, 21, 70, 1, 2, 0, 1, "Relu"},
                        // up to 4 channels under a 3x3 stride-2 window: the direct kernel (f32-conv2d-chw/avx512-3x3s2),
                        // with 16 + 8 channel blocks, a partial last block of 7, rows of 2 to 35 outputs (a partial
                        // last vector; inputs 3 and 5 wide, all loads at an edge), no padding and a second image;
                        // a pad of 2 goes through the GEMM
                        {1, 3, 37, 45, 24, 3, 2, 1, 1, "Relu"}, {2, 3, 64, 64, 32, 3, 2, 1, 1, "Clip"},
                        {1, 4, 35, 70, 7, 3, 2, 0, 1, "Silu"}, {1, 1, 9, 9, 40, 3, 2, 1, 1, ""},
                        {1, 2, 5, 3, 17, 3, 2, 1, 1, "HardSwish"}, {1, 3, 20, 20, 16, 3, 2, 2, 1, ""}};
  for (const Case& cs : cases) {
    GraphBuilder g;
    int32_t x = g.input("x", DType::F32, {cs.n, cs.c, cs.h, cs.w});
    std::vector<float> w(cs.m * cs.c * cs.k * cs.k), b(cs.m);
    for (auto& v : w) v = u(rng);
    for (auto& v : b) v = u(rng);
    int32_t wt = g.constant("W", Value::f32({cs.m, cs.c, cs.k, cs.k}, w));
    int32_t bt = g.constant("B", Value::f32({cs.m}, b));
    Attributes a = attrs({Attribute::Ints("strides", {cs.stride, cs.stride_w ? cs.stride_w : cs.stride}),
                          Attribute::Ints("pads", {cs.pad, cs.pad, cs.pad, cs.pad}), Attribute::Ints("dilations", {cs.dil, cs.dil})});
    setActivation(a, cs.act);
    g.output(g.node("Conv", {x, wt, bt}, a));
    std::vector<float> in(cs.n * cs.c * cs.h * cs.w);
    for (auto& v : in) v = u(rng);
    expectSameAsReference(g, in, "case c=" + std::to_string(cs.c) + " k=" + std::to_string(cs.k), 1e-4f);
  }
}

// Shapes that take the Winograd F(4x4, 3x3) path (3x3, stride 1, enough
// channels and tiles), with edges that cut tiles: its error stays within
// 1e-4 of the output's largest magnitude.
TEST(X86Conv, WinogradMatchesReference) {
  std::mt19937 rng(31);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  struct Case { int64_t c, h, w, m, pad; const char* act; };
  // 16 tiles (14x14, 13x13) take the 16-wide GEMM kernel; 40 and 30 output channels leave partial row panels.
  // 7x7 and 8x8 outputs with 64+ input channels: F(2x2, 3x3), 16 tiles of 2x2 (7x7 cuts the last ones).
  const Case cases[] = {{32, 28, 28, 16, 1, "Relu"}, {33, 30, 29, 13, 1, ""},   {128, 28, 27, 24, 1, "Clip"},
                        {40, 31, 33, 8, 0, "Silu"},  {64, 14, 14, 40, 1, "Relu"}, {48, 13, 13, 30, 1, ""},
                        {64, 7, 7, 40, 1, "Relu"},   {96, 8, 8, 24, 1, "Clip"},   {72, 9, 9, 16, 0, ""}};
  for (const Case& cs : cases) {
    GraphBuilder g;
    int32_t x = g.input("x", DType::F32, {1, cs.c, cs.h, cs.w});
    std::vector<float> w(cs.m * cs.c * 9), b(cs.m);
    for (auto& v : w) v = u(rng);
    for (auto& v : b) v = u(rng);
    Attributes a = attrs({Attribute::Ints("pads", {cs.pad, cs.pad, cs.pad, cs.pad})});
    setActivation(a, cs.act);
    g.output(g.node("Conv", {x, g.constant("W", Value::f32({cs.m, cs.c, 3, 3}, w)), g.constant("B", Value::f32({cs.m}, b))}, a));
    std::vector<float> in(cs.c * cs.h * cs.w);
    for (auto& v : in) v = u(rng);
    expectSameAsReference(g, in, "Winograd c=" + std::to_string(cs.c), 1e-4f, true);
  }
}

// The fused residual (Conv input 3) on every x86 convolution path: 1x1
// GEMM, 1x1 on a 1x1 image, padded-image GEMM (strided 3x3; strided 1x1
// without pad columns), Winograd (F(4x4, 3x3) on 28x28 and 14x14, F(2x2, 3x3) on 7x7) and the pixel-major GEMM (7x7 images; 1x1
// with over 512 input channels on 14x14).
TEST(X86Conv, FusedResidualMatchesReference) {
  std::mt19937 rng(37);
  struct Case { int64_t c, h, w, m, k, stride, pad; const char* act; };
  const Case cases[] = {{16, 9, 9, 24, 1, 1, 0, "Relu"}, {40, 1, 1, 20, 1, 1, 0, "Relu"}, {8, 17, 15, 12, 3, 2, 1, "Clip"},
                        {64, 28, 28, 16, 3, 1, 1, "Relu"}, {12, 10, 10, 7, 3, 1, 1, ""}, {16, 9, 9, 24, 1, 2, 0, "Relu"},
                        {48, 7, 7, 72, 3, 1, 1, "Relu"}, {32, 7, 7, 64, 1, 1, 0, "Relu"}, {600, 14, 14, 64, 1, 1, 0, "Relu"},
                        {16, 30, 30, 64, 3, 2, 1, "Relu"}, {64, 14, 14, 24, 3, 1, 1, "Relu"}, {64, 7, 7, 32, 3, 1, 1, "Relu"}};
  for (const Case& cs : cases) {
    GraphBuilder g;
    const int64_t oh = (cs.h + 2 * cs.pad - cs.k) / cs.stride + 1, ow = (cs.w + 2 * cs.pad - cs.k) / cs.stride + 1;
    int32_t x = g.input("x", DType::F32, {1, cs.c, cs.h, cs.w});
    Attributes a = attrs({Attribute::Ints("strides", {cs.stride, cs.stride}), Attribute::Ints("pads", {cs.pad, cs.pad, cs.pad, cs.pad})});
    setActivation(a, cs.act, 1.f);
    int32_t w = g.constant("W", Value::f32({cs.m, cs.c, cs.k, cs.k}, randomValues(cs.m * cs.c * cs.k * cs.k, rng)));
    int32_t b = g.constant("B", Value::f32({cs.m}, randomValues(cs.m, rng)));
    int32_t r = g.constant("R", Value::f32({1, cs.m, oh, ow}, randomValues(cs.m * oh * ow, rng)));
    g.output(g.node("Conv", {x, w, b, r}, a));
    expectSameAsReference(g, randomValues(cs.c * cs.h * cs.w, rng), "residual c=" + std::to_string(cs.c) + " k=" + std::to_string(cs.k), 1e-4f, true);
  }
}

TEST(X86Conv, DepthwiseMatchesReference) {
  if (x86::availableGemmKernels().empty()) GTEST_SKIP() << "this CPU has no AVX2+FMA";
  std::mt19937 rng(13);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  // stride_w 0 = the same as stride (height); pad_end -1 = the same as pad (the begin pads).
  struct Case { int64_t c, h, w, k, stride, pad, dil; const char* act; int64_t stride_w = 0, pad_end = -1; };
  const Case cases[] = {{8, 17, 19, 3, 1, 1, 1, "Relu"}, {5, 9, 12, 3, 2, 1, 1, "Clip"}, {3, 11, 13, 5, 2, 2, 1, "HardSwish"},
                        {4, 7, 7, 5, 1, 2, 1, ""}, {6, 10, 9, 3, 1, 2, 2, "Silu"}, {2, 3, 3, 3, 2, 0, 1, ""},
                        // outputs above 56x56 take the per-plane kernel; 37 channels leave a partial block
                        {3, 60, 61, 3, 1, 1, 1, "Relu"}, {2, 121, 119, 5, 2, 2, 1, "HardSwish"}, {37, 15, 13, 3, 1, 1, 1, "Clip"},
                        // OCR networks stride (2, 1) to keep the text line's width
                        {20, 16, 40, 3, 2, 1, 1, "HardSwish", 1}, {17, 12, 25, 5, 2, 2, 1, "Relu", 1}, {9, 15, 16, 3, 1, 1, 1, "", 2},
                        {3, 70, 80, 3, 2, 1, 1, "Relu", 1},
                        // 3x3 with rows of 56+ outputs: the direct per-plane kernel (stride 1 or 2, edges, rows
                        // over 1024 outputs); the same at stride 2 onto 16-32 wide rows: the channel-blocked one
                        {4, 29, 121, 3, 2, 1, 1, "Silu"}, {2, 30, 125, 3, 2, 0, 1, ""}, {5, 20, 130, 3, 1, 1, 1, "Clip", 2},
                        {4, 29, 31, 3, 2, 1, 1, "Silu"}, {2, 30, 33, 3, 2, 0, 1, ""}, {5, 20, 64, 3, 1, 1, 1, "Clip", 2},
                        {1, 3, 1100, 3, 1, 1, 1, "Relu"},
                        // 3x3 at stride 1 onto the input's size, 14x14 and up: the flat kernel (vectors across
                        // row ends, rows narrower than a vector, one row, the left pad 0, 1 or 2)
                        {6, 14, 14, 3, 1, 1, 1, "Relu"}, {5, 16, 16, 3, 1, 1, 1, "HardSwish"}, {3, 40, 5, 3, 1, 1, 1, "Silu"},
                        {2, 1, 300, 3, 1, 1, 1, ""}, {3, 15, 17, 3, 1, 0, 1, "Relu", 0, 2}, {3, 17, 15, 3, 1, 2, 1, "Clip", 0, 0},
                        // pads of one and rows up to 15 wide: the flat kernel's sliding window at any size (15 wide:
                        // the taps one row up and down are whole neighbouring vectors; one column; one row; 7x7)
                        {4, 13, 15, 3, 1, 1, 1, "Relu"}, {5, 7, 7, 3, 1, 1, 1, "Silu"}, {3, 20, 1, 3, 1, 1, 1, "Clip"},
                        {3, 1, 9, 3, 1, 1, 1, ""}, {2, 3, 2, 3, 1, 1, 1, "HardSwish"}, {4, 10, 12, 3, 1, 1, 1, ""},
                        // widths from 16 the window is built for (up to 112: 2 W / 16 + 3 registers), planes of 1
                        // to 31 rows, and a width it is not built for (30: the general path)
                        {3, 5, 16, 3, 1, 1, 1, "Relu"}, {2, 31, 28, 3, 1, 1, 1, "Silu"}, {2, 9, 56, 3, 1, 1, 1, "Clip"},
                        {2, 3, 112, 3, 1, 1, 1, ""}, {2, 1, 20, 3, 1, 1, 1, "HardSwish"}, {2, 2, 96, 3, 1, 1, 1, "Relu"},
                        {3, 11, 30, 3, 1, 1, 1, "Relu"},
                        // the channel-blocked kernel's row tails (8-pixel blocks, then one block of the 1-7 left):
                        // 5x5 rows of 14 (EfficientNet), 10 and 12 outputs
                        {16, 14, 14, 5, 1, 2, 1, "Silu"}, {20, 6, 10, 5, 1, 2, 1, "Relu"}, {3, 5, 12, 5, 1, 2, 1, ""}};
  for (const Case& cs : cases) {
    GraphBuilder g;
    int32_t x = g.input("x", DType::F32, {1, cs.c, cs.h, cs.w});
    std::vector<float> w(cs.c * cs.k * cs.k), b(cs.c);
    for (auto& v : w) v = u(rng);
    for (auto& v : b) v = u(rng);
    Attributes a = attrs({Attribute::Int("group", cs.c), Attribute::Ints("strides", {cs.stride, cs.stride_w ? cs.stride_w : cs.stride}),
                          Attribute::Ints("pads", {cs.pad, cs.pad, cs.pad_end < 0 ? cs.pad : cs.pad_end, cs.pad_end < 0 ? cs.pad : cs.pad_end}),
                          Attribute::Ints("dilations", {cs.dil, cs.dil})});
    setActivation(a, cs.act);
    g.output(g.node("Conv", {x, g.constant("W", Value::f32({cs.c, 1, cs.k, cs.k}, w)), g.constant("B", Value::f32({cs.c}, b))}, a));
    std::vector<float> in(cs.c * cs.h * cs.w);
    for (auto& v : in) v = u(rng);
    expectSameAsReference(g, in, "depthwise c=" + std::to_string(cs.c), 1e-4f);
  }
}

TEST(X86Gemm, GemmOpMatchesReference) {
  if (x86::availableGemmKernels().empty()) GTEST_SKIP() << "this CPU has no AVX2+FMA";
  std::mt19937 rng(17);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  for (auto [m, k, n, tb] : std::vector<std::tuple<int64_t, int64_t, int64_t, int>>{{1, 1024, 1000, 1}, {3, 37, 29, 0}, {8, 256, 33, 1}}) {
    GraphBuilder g;
    int32_t a = g.input("a", DType::F32, {m, k});
    std::vector<float> w(k * n), c(n);
    for (auto& v : w) v = u(rng);
    for (auto& v : c) v = u(rng);
    int32_t bt = g.constant("B", Value::f32(tb ? Shape{n, k} : Shape{k, n}, w));
    g.output(g.node("Gemm", {a, bt, g.constant("C", Value::f32({n}, c))}, attrs({Attribute::Int("transB", tb), Attribute::String("activation", "Relu")})));
    std::vector<float> in(m * k);
    for (auto& v : in) v = u(rng);
    expectSameAsReference(g, in, "Gemm m=" + std::to_string(m), 1e-4f);
  }
}

TEST(X86Pool, MatchesReferenceOverASweep) {
  std::mt19937 rng(21);
  struct Case { const char* op; int64_t c, h, w, k, stride, pad, ceil, include_pad, dil; };
  const Case cases[] = {{"MaxPool", 3, 112, 112, 3, 2, 1, 0, 0, 1}, {"MaxPool", 2, 13, 13, 3, 2, 0, 1, 0, 1},
                        {"MaxPool", 2, 9, 11, 2, 2, 0, 0, 0, 1},    {"MaxPool", 2, 10, 9, 3, 1, 1, 0, 0, 2},
                        {"MaxPool", 1, 5, 7, 5, 3, 2, 1, 0, 1},     {"AveragePool", 3, 14, 14, 3, 1, 1, 0, 0, 1},
                        {"AveragePool", 3, 14, 14, 3, 1, 1, 0, 1, 1}, {"AveragePool", 2, 11, 9, 3, 2, 1, 1, 1, 1},
                        {"AveragePool", 2, 11, 9, 2, 2, 0, 1, 0, 1}, {"AveragePool", 1, 7, 7, 7, 1, 0, 0, 0, 1},
                        // 3x3 MaxPool runs straight from the plane (AVX-512: padding, ceil_mode, stride 1 and 2; the
                        // others above: the channel-blocked kernel); with AVX2, above 56x56 the per-plane kernel
                        {"MaxPool", 2, 130, 131, 3, 1, 1, 0, 0, 1}, {"MaxPool", 19, 27, 27, 3, 2, 0, 1, 0, 1}};
  for (const Case& cs : cases) {
    GraphBuilder g;
    int32_t x = g.input("x", DType::F32, {1, cs.c, cs.h, cs.w});
    Attributes a = attrs({Attribute::Ints("kernel_shape", {cs.k, cs.k}), Attribute::Ints("strides", {cs.stride, cs.stride}),
                          Attribute::Ints("pads", {cs.pad, cs.pad, cs.pad, cs.pad}), Attribute::Int("ceil_mode", cs.ceil)});
    if (std::string(cs.op) == "AveragePool") a.set(Attribute::Int("count_include_pad", cs.include_pad));
    else a.set(Attribute::Ints("dilations", {cs.dil, cs.dil}));
    g.output(g.node(cs.op, {x}, a));
    expectSameAsReference(g, randomValues(cs.c * cs.h * cs.w, rng),
                          std::string(cs.op) + " h=" + std::to_string(cs.h) + " k=" + std::to_string(cs.k) + " s=" + std::to_string(cs.stride));
  }
  GraphBuilder g;
  g.output(g.node("GlobalAveragePool", {g.input("x", DType::F32, {1, 37, 7, 9})}));
  expectSameAsReference(g, randomValues(37 * 63, rng), "GlobalAveragePool");
  // ReduceMean over trailing axes runs on x86 (PyTorch's x.mean([2, 3])).
  for (const std::vector<int64_t>& axes : std::vector<std::vector<int64_t>>{{2, 3}, {-1}, {1, 2, 3}})
    for (int64_t keep : {0, 1}) {
      GraphBuilder r;
      const int32_t x = r.input("x", DType::F32, {2, 5, 7, 9});
      const int32_t a = r.constant("axes", Value::of(DType::I64, {static_cast<int64_t>(axes.size())}, axes));
      r.output(r.node("ReduceMean", {x, a}, attrs({Attribute::Int("keepdims", keep)})));
      expectSameAsReference(r, randomValues(2 * 5 * 63, rng), "ReduceMean axes " + std::to_string(axes.front()) + " keepdims " + std::to_string(keep));
    }
}

// Concat, Slice (unit steps) and Transpose keeping the last axis run on x86
// as block copies (ShuffleNet's split and channel shuffle).
TEST(X86DataMovement, MatchesReference) {
  std::mt19937 rng(29);
  {
    GraphBuilder g;
    const int32_t a = g.input("a", DType::F32, {2, 3, 5, 7});
    const int32_t b = g.constant("b", Value::f32({2, 4, 5, 7}, randomValues(2 * 4 * 35, rng)));
    g.output(g.node("Concat", {a, b}, attrs({Attribute::Int("axis", 1)})));
    expectSameAsReference(g, randomValues(2 * 3 * 35, rng), "Concat axis 1");
  }
  {
    GraphBuilder g;
    const int32_t a = g.input("a", DType::F32, {2, 3, 20});
    const int32_t b = g.constant("b", Value::f32({2, 3, 24}, randomValues(2 * 3 * 24, rng)));
    g.output(g.node("Concat", {b, a, b}, attrs({Attribute::Int("axis", -1)})));
    expectSameAsReference(g, randomValues(2 * 3 * 20, rng), "Concat axis -1");
  }
  {  // inputs planned at their slices of the output: the Concat leaves them in place
    GraphBuilder g;
    const int32_t x = g.input("x", DType::F32, {1, 16, 6, 6});
    g.output(g.node("Concat", {g.node("Relu", {x}), g.node("Sigmoid", {x})}, attrs({Attribute::Int("axis", 1)})));
    expectSameAsReference(g, randomValues(16 * 36, rng), "Concat in place");
  }
  const auto ints = [](std::vector<int64_t> v) { return Value::of(DType::I64, {static_cast<int64_t>(v.size())}, v); };
  struct SliceCase { Shape shape; std::vector<int64_t> starts, ends, axes; };
  for (const SliceCase& cs : std::vector<SliceCase>{{{1, 116, 6, 7}, {0}, {58}, {1}},
                                                     {{1, 116, 6, 7}, {-58}, {1000}, {1}},
                                                     {{2, 5, 40}, {1, 3}, {4, 35}, {1, 2}},
                                                     {{3, 4, 16}, {1}, {3}, {0}}}) {
    GraphBuilder g;
    const int32_t x = g.input("x", DType::F32, cs.shape);
    g.output(g.node("Slice", {x, g.constant("starts", ints(cs.starts)), g.constant("ends", ints(cs.ends)), g.constant("axes", ints(cs.axes))}));
    expectSameAsReference(g, randomValues(static_cast<size_t>(numElements(cs.shape)), rng), "Slice axis " + std::to_string(cs.axes[0]));
  }
  struct TransposeCase { Shape shape; std::vector<int64_t> perm; };
  for (const TransposeCase& cs : std::vector<TransposeCase>{{{1, 2, 5, 6, 7}, {0, 2, 1, 3, 4}}, {{3, 4, 5, 16}, {2, 0, 1, 3}}}) {
    GraphBuilder g;
    g.output(g.node("Transpose", {g.input("x", DType::F32, cs.shape)}, attrs({Attribute::Ints("perm", cs.perm)})));
    expectSameAsReference(g, randomValues(static_cast<size_t>(numElements(cs.shape)), rng), "Transpose");
  }
}

TEST(X86Elementwise, BroadcastsMatchReference) {
  std::mt19937 rng(23);
  struct Case { const char* op; Shape a, b; };
  const Case cases[] = {{"Add", {1, 8, 5, 7}, {1, 8, 5, 7}}, {"Mul", {2, 8, 5, 7}, {2, 8, 1, 1}}, {"Sub", {1, 8, 5, 7}, {8, 1, 1}},
                        {"Div", {8, 1, 1}, {1, 8, 5, 7}},    {"Sub", {3}, {2, 5, 3}},          {"Add", {2, 5, 3}, {3}},
                        {"Mul", {4, 33}, {1}},               {"Div", {1}, {4, 33}},            {"Add", {1, 16, 64, 64}, {1, 16, 64, 64}}};
  for (const Case& cs : cases) {
    GraphBuilder g;
    int32_t a = g.input("a", DType::F32, cs.a);
    std::vector<float> bv = randomValues(static_cast<size_t>(numElements(cs.b)), rng);
    if (std::string(cs.op) == "Div") for (auto& v : bv) v = v >= 0 ? v + 0.5f : v - 0.5f;
    std::vector<float> av = randomValues(static_cast<size_t>(numElements(cs.a)), rng);
    if (std::string(cs.op) == "Div") for (auto& v : av) v = v >= 0 ? v + 0.5f : v - 0.5f;
    g.output(g.node(cs.op, {a, g.constant("b", Value::f32(cs.b, bv))}));
    expectSameAsReference(g, av, std::string(cs.op) + " case");
  }
}

TEST(X86Elementwise, ActivationsMatchReference) {
  std::mt19937 rng(29);
  const std::vector<std::pair<std::string, Attributes>> ops = {
      {"Relu", {}}, {"Sigmoid", {}}, {"HardSwish", {}}, {"LeakyRelu", attrs({Attribute::Float("alpha", 0.1f)})},
      {"HardSigmoid", attrs({Attribute::Float("alpha", 0.3f), Attribute::Float("beta", 0.4f)})}};
  for (const auto& [op, a] : ops) {
    GraphBuilder g;
    g.output(g.node(op, {g.input("x", DType::F32, {3, 1000})}, a));
    expectSameAsReference(g, randomValues(3000, rng), op);
  }
  GraphBuilder g;
  int32_t x = g.input("x", DType::F32, {2, 77});
  g.output(g.node("Clip", {x, g.constant("lo", Value::f32({}, {-0.5f})), g.constant("hi", Value::f32({}, {1.5f}))}));
  expectSameAsReference(g, randomValues(154, rng), "Clip");
}

TEST(X86Normalization, SoftmaxMatchesReference) {
  std::mt19937 rng(41);
  for (auto [shape, axis] : std::vector<std::pair<Shape, int64_t>>{{{4, 77}, -1}, {{2, 3, 128}, 2}, {{5, 1}, -1}, {{3, 1000}, 1}}) {
    GraphBuilder g;
    g.output(g.node("Softmax", {g.input("x", DType::F32, shape)}, attrs({Attribute::Int("axis", axis)})));
    std::vector<float> in = randomValues(static_cast<size_t>(numElements(shape)), rng);
    for (auto& v : in) v *= 20.f;  // large logits: the max shift matters
    expectSameAsReference(g, in, "Softmax " + shapeToString(shape), 1e-5f);
  }
  GraphBuilder g;  // a non-last axis stays on ref
  g.output(g.node("Softmax", {g.input("x", DType::F32, {3, 4, 5})}, attrs({Attribute::Int("axis", 1)})));
  std::string used;
  runConv(g.model(), std::vector<float>(60, 1.f), "x86", &used);
  EXPECT_EQ(used, "ref");
}

TEST(X86Normalization, LayerNormMatchesReference) {
  std::mt19937 rng(43);
  for (auto [shape, axis, with_bias] : std::vector<std::tuple<Shape, int64_t, bool>>{
           {{2, 7, 64}, -1, true}, {{3, 33}, 1, false}, {{2, 3, 4, 5}, 2, true}, {{1, 10, 768}, -1, true}}) {
    GraphBuilder g;
    int32_t x = g.input("x", DType::F32, shape);
    const Shape norm(shape.begin() + (axis < 0 ? axis + static_cast<int64_t>(shape.size()) : axis), shape.end());
    std::vector<int32_t> ins = {x, g.constant("scale", Value::f32(norm, randomValues(static_cast<size_t>(numElements(norm)), rng)))};
    if (with_bias) ins.push_back(g.constant("bias", Value::f32(norm, randomValues(static_cast<size_t>(numElements(norm)), rng))));
    g.output(g.node("LayerNormalization", ins, attrs({Attribute::Int("axis", axis), Attribute::Float("epsilon", 1e-5f)})));
    std::vector<float> in = randomValues(static_cast<size_t>(numElements(shape)), rng);
    for (size_t i = 0; i < in.size(); ++i) in[i] += 3.f;  // a mean far from 0
    expectSameAsReference(g, in, "LayerNorm " + shapeToString(shape), 1e-4f);
  }
}

// ConvTranspose (group 1): the GEMM and col2im against ref's direct loops,
// over the DB detectors' 2x2 stride 2, overlapping windows (3x3 and 4x4 at
// stride 2 with pads and output_padding), dilation, stride 1, output_shape
// and batches, with and without bias.
TEST(X86ConvTranspose, MatchesReference) {
  if (x86::availableGemmKernels().empty()) GTEST_SKIP() << "this CPU has no AVX2+FMA";
  std::mt19937 rng(61);
  struct Case { int64_t n, c, h, w, m, k, stride, pad, dil, out_pad; bool bias; std::vector<int64_t> out_shape; };
  const Case cases[] = {{1, 24, 10, 12, 16, 2, 2, 0, 1, 0, true, {}},  {2, 8, 7, 5, 12, 3, 2, 1, 1, 1, true, {}},
                        {1, 16, 9, 9, 8, 4, 2, 1, 1, 0, false, {}}, {1, 5, 6, 7, 3, 3, 1, 1, 2, 0, true, {}},
                        {1, 6, 5, 5, 7, 3, 1, 0, 1, 0, false, {}},  {1, 4, 6, 6, 5, 3, 2, 0, 1, 0, true, {1, 5, 12, 13}},
                        {1, 40, 20, 20, 36, 2, 2, 0, 1, 0, true, {}}};
  for (const Case& cs : cases) {
    GraphBuilder g;
    const int32_t x = g.input("x", DType::F32, {cs.n, cs.c, cs.h, cs.w});
    Attributes a = attrs({Attribute::Ints("strides", {cs.stride, cs.stride}), Attribute::Ints("dilations", {cs.dil, cs.dil})});
    if (cs.out_shape.empty()) {
      a.set(Attribute::Ints("pads", {cs.pad, cs.pad, cs.pad, cs.pad}));
      a.set(Attribute::Ints("output_padding", {cs.out_pad, cs.out_pad}));
    } else {
      a.set(Attribute::Ints("output_shape", cs.out_shape));
    }
    std::vector<int32_t> ins = {x, g.constant("W", Value::f32({cs.c, cs.m, cs.k, cs.k}, randomValues(cs.c * cs.m * cs.k * cs.k, rng)))};
    if (cs.bias) ins.push_back(g.constant("B", Value::f32({cs.m}, randomValues(cs.m, rng))));
    g.output(g.node("ConvTranspose", ins, a));
    expectSameAsReference(g, randomValues(cs.n * cs.c * cs.h * cs.w, rng),
                          "ConvTranspose c=" + std::to_string(cs.c) + " m=" + std::to_string(cs.m) + " k=" + std::to_string(cs.k) +
                              " s=" + std::to_string(cs.stride) + " d=" + std::to_string(cs.dil),
                          1e-4f, true);
  }
}

// LSTM: forward, reverse and bidirectional, both layouts, batches, with and
// without bias and initial states; Y, Y_h and Y_c each against ref's double
// loops. Peepholes stay on ref.
TEST(X86Lstm, MatchesReference) {
  if (x86::availableGemmKernels().empty()) GTEST_SKIP() << "this CPU has no AVX2+FMA";
  std::mt19937 rng(83);
  struct Case { const char* dir; int64_t layout, seq, batch, in, H; bool bias, states; };
  const Case cases[] = {{"forward", 0, 7, 1, 5, 8, true, false},        {"reverse", 0, 5, 3, 4, 6, false, true},
                        {"bidirectional", 0, 6, 2, 7, 5, true, true},   {"forward", 1, 9, 2, 3, 16, true, true},
                        {"bidirectional", 1, 4, 3, 10, 12, false, false}, {"forward", 0, 50, 1, 40, 64, true, false}};
  for (const Case& cs : cases)
    for (int out = 0; out < 3; ++out) {
      const int64_t dirs = std::string(cs.dir) == "bidirectional" ? 2 : 1, G = 4 * cs.H;
      // Weights as PyTorch initializes them, U(-1/sqrt(H), 1/sqrt(H)): with
      // U(-1, 1) the 50-step case saturates and float-versus-double rounding
      // compounds over the steps past 1e-4.
      auto weights = [&](int64_t n) {
        std::vector<float> v = randomValues(n, rng);
        for (float& f : v) f /= std::sqrt(static_cast<float>(cs.H));
        return v;
      };
      GraphBuilder g;
      const int32_t x = g.input("x", DType::F32, cs.layout ? Shape{cs.batch, cs.seq, cs.in} : Shape{cs.seq, cs.batch, cs.in});
      std::vector<int32_t> ins = {x, g.constant("W", Value::f32({dirs, G, cs.in}, weights(dirs * G * cs.in))),
                                  g.constant("R", Value::f32({dirs, G, cs.H}, weights(dirs * G * cs.H)))};
      ins.push_back(cs.bias ? g.constant("B", Value::f32({dirs, 2 * G}, weights(dirs * 2 * G))) : -1);
      if (cs.states) {
        const Shape st = cs.layout ? Shape{cs.batch, dirs, cs.H} : Shape{dirs, cs.batch, cs.H};
        ins.push_back(-1);  // sequence_lens
        ins.push_back(g.constant("h0", Value::f32(st, randomValues(dirs * cs.batch * cs.H, rng))));
        ins.push_back(g.constant("c0", Value::f32(st, randomValues(dirs * cs.batch * cs.H, rng))));
      }
      const int32_t y = g.node("LSTM", ins,
                               attrs({Attribute::String("direction", cs.dir), Attribute::Int("layout", cs.layout), Attribute::Int("hidden_size", cs.H)}),
                               3);
      g.output(y + out);  // Y, Y_h or Y_c
      expectSameAsReference(g, randomValues(cs.seq * cs.batch * cs.in, rng),
                            std::string("LSTM ") + cs.dir + " layout " + std::to_string(cs.layout) + " output " + std::to_string(out), 1e-4f, true);
    }
}

TEST(X86MatMul, MatchesReference) {
  std::mt19937 rng(47);
  struct Case { Shape a, b; };
  const Case cases[] = {{{3, 5, 7}, {7, 9}}, {{2, 3, 4, 5}, {2, 3, 5, 6}}, {{1, 128, 64}, {1, 64, 100}}, {{33, 17}, {17, 29}},
                        {{2, 50, 256}, {256, 1024}}};
  for (const Case& cs : cases) {
    GraphBuilder g;
    int32_t a = g.input("a", DType::F32, cs.a);
    std::vector<float> bv = randomValues(static_cast<size_t>(numElements(cs.b)), rng);
    int32_t b = g.constant("b", Value::f32(cs.b, bv));
    g.output(g.node("MatMul", {a, b}));
    expectSameAsReference(g, randomValues(static_cast<size_t>(numElements(cs.a)), rng), "MatMul " + shapeToString(cs.a) + shapeToString(cs.b),
                          1e-5f, true);
  }
  GraphBuilder g;  // broadcast batch dimensions stay on ref
  g.output(g.node("MatMul", {g.input("a", DType::F32, {2, 1, 4, 5}), g.constant("b", Value::f32({1, 3, 5, 6}, std::vector<float>(90, 1.f)))}));
  std::string used;
  runConv(g.model(), std::vector<float>(40, 1.f), "x86", &used);
  EXPECT_EQ(used, "ref");
}

// The largest |x86 - ref| of a 3x3 convolution (32 -> 48 channels, 28x28,
// pad 1: at stride 1, 49 Winograd tiles) in a session of the given
// precision, relative to ref's largest |output|.
float conv3x3RelativeError(int64_t stride, const std::string& precision) {
  std::mt19937 rng(59);
  GraphBuilder g;
  int32_t x = g.input("x", DType::F32, {1, 32, 28, 28});
  int32_t w = g.constant("W", Value::f32({48, 32, 3, 3}, randomValues(48 * 32 * 9, rng)));
  g.output(g.node("Conv", {x, w}, attrs({Attribute::Ints("pads", {1, 1, 1, 1}), Attribute::Ints("strides", {stride, stride})})));
  std::vector<float> in = randomValues(32 * 28 * 28, rng);
  std::string used;
  std::vector<float> want = runConv(g.model(), in, "ref", &used), got = runConv(g.model(), in, "x86", &used, precision);
  EXPECT_EQ(got.size(), want.size());
  float top = 0.f, err = 0.f;
  for (size_t i = 0; i < got.size() && i < want.size(); ++i) {
    top = std::max(top, std::fabs(want[i]));
    err = std::max(err, std::fabs(got[i] - want[i]));
  }
  return err / top;
}

// Fast math end to end: a bf16 session stays within bf16's error of the f32
// reference (relative to the output's largest magnitude), and is not exact.
// Stride 2: the im2col GEMM, in bf16.
TEST(X86Conv, Bf16SessionIsCloseToReference) {
  if (!x86::bf16GemmKernel()) GTEST_SKIP() << "this CPU has no AVX512-BF16";
  const float err = conv3x3RelativeError(2, "bf16");
  EXPECT_LT(err, 1e-2f);
  EXPECT_GT(err, 1e-5f);  // it did run in bf16 (bf16 keeps 8 bits of mantissa)
}

// On AVX512-BF16 a bf16 session keeps f32 Winograd for 3x3 stride 1 (as fast
// as bf16 there, and more exact): f32 accuracy. On AMX tiles it is bf16.
TEST(X86Conv, Bf16SessionKeepsF32WinogradUnlessOnTiles) {
  const x86::GemmKernel* k = x86::bf16GemmKernel();
  if (!k) GTEST_SKIP() << "this CPU has no AVX512-BF16";
  const float err = conv3x3RelativeError(1, "bf16");
  if (k->k_block_pairs == 0) EXPECT_LT(err, 1e-5f) << k->name;
  else EXPECT_GT(err, 1e-5f) << k->name;
  EXPECT_LT(err, 1e-2f);
}

// Ahead-of-time packing: the blob is kept, used, and a blob that does not fit
// (corrupted header, wrong size) is ignored in favour of packing again.
TEST(X86AheadOfTime, PackedBlobsAreUsedOrSafelyIgnored) {
  std::mt19937 rng(61);
  for (int64_t k : {3, 1}) {  // Winograd and plain GEMM weights
    GraphBuilder g;
    int32_t x = g.input("x", DType::F32, {1, 32, 28, 28});
    int32_t w = g.constant("W", Value::f32({16, 32, k, k}, randomValues(16 * 32 * k * k, rng)));
    g.output(g.node("Conv", {x, w}, attrs({Attribute::Ints("pads", {k / 2, k / 2, k / 2, k / 2})})));
    Model m = g.model();
    std::vector<float> in = randomValues(32 * 28 * 28, rng);
    std::string used;
    const std::vector<float> want = runConv(m, in, "ref", &used);
    int compiled = 0;
    ASSERT_TRUE(compileAheadOfTime(&m, "x86", &compiled).ok());
    ASSERT_EQ(compiled, 1);
    const BackendTarget& t = m.backends[m.graph.nodes[0].backend];
    ASSERT_EQ(t.name, "x86");
    ASSERT_GT(t.blob_size, 128u);
    auto check = [&](const Model& mm, const std::string& what) {
      std::string by;
      const std::vector<float> got = runConv(mm, in, "x86", &by);
      EXPECT_EQ(by, "x86") << what;
      ASSERT_EQ(got.size(), want.size());
      float top = 0.f;
      for (float v : want) top = std::max(top, std::fabs(v));
      for (size_t i = 0; i < got.size(); ++i) ASSERT_NEAR(got[i], want[i], 1e-4f * top) << what << " i=" << i;
    };
    check(m, "blob used");
    Model bad = m;
    BackendTarget& bt = bad.backends[bad.graph.nodes[0].backend];
    std::vector<uint8_t> bytes(bt.blob, bt.blob + bt.blob_size);
    bytes[9] ^= 0x20;  // the kernel name no longer matches
    bt = BackendTarget::withBlob("x86", bytes);
    check(bad, "corrupted header");
    bytes[9] ^= 0x20;
    bytes.resize(bytes.size() - 64);
    bt = BackendTarget::withBlob("x86", bytes);
    check(bad, "truncated blob");
  }
}

TEST(X86Conv, GroupedConvFallsBackToReference) {
  GraphBuilder g;
  int32_t x = g.input("x", DType::F32, {1, 4, 5, 5});
  int32_t w = g.constant("W", Value::f32({4, 2, 3, 3}, std::vector<float>(72, 1.f)));
  g.output(g.node("Conv", {x, w}, attrs({Attribute::Int("group", 2)})));
  std::string used;
  runConv(g.model(), std::vector<float>(100, 1.f), "x86", &used);
  EXPECT_EQ(used, "ref");
}

}  // namespace
}  // namespace test
}  // namespace zy
