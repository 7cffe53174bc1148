// ARM kernels against backends/ref (run under qemu-aarch64 by scripts/test.sh,
// as a core with every extension and as a Cortex-A72 without dotprod):
// fp32 convolutions within 1e-5 of each value, int8 ones bit for bit, over
// shapes, strides, pads, dilations, odd sizes and depthwise ones; the int8
// GEMM on smmla (I8MM), sdot or smull/sadalp, as the emulated core allows.
#include <cmath>
#include <cstring>
#include <random>
#include <tuple>

#include "cpu_features.h"
#include "exec/session.h"
#include "test_util.h"

namespace zy {
namespace test {
namespace {

// Runs op 0 of the model with one backend order; returns output 0's bytes.
std::vector<uint8_t> runModel(const Model& m, const std::vector<uint8_t>& in, bool arm_first, std::string* used,
                              const std::string& precision = "fp32") {
  std::unique_ptr<Session> s;
  SessionOptions o;
  o.precision = precision;
  o.num_threads = 2;
  o.backend_order = arm_first ? std::vector<std::string>{"arm", "ref"} : std::vector<std::string>{"ref"};
  Status st = Session::create(m, o, &s);
  EXPECT_TRUE(st.ok()) << st.message();
  if (!st.ok()) return {};
  *used = s->opBackend(0);
  const Tensor& t = m.tensors[m.graph.inputs[0]];
  EXPECT_TRUE(s->setInput(0, t.dtype, t.shape.data(), static_cast<int32_t>(t.shape.size()), in.data(), in.size()).ok());
  EXPECT_TRUE(s->run().ok());
  const int32_t y = m.graph.outputs[0];
  const uint8_t* p = static_cast<const uint8_t*>(s->tensorData(y));
  return std::vector<uint8_t>(p, p + numElements(s->tensorShape(y)) * dtypeSize(m.tensors[y].dtype));
}

// f32 outputs (as bytes) within tol of the reference's largest magnitude.
void expectCloseF32(const std::vector<uint8_t>& got, const std::vector<uint8_t>& want, float tol, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  std::vector<float> gf(got.size() / 4), wf(want.size() / 4);
  std::memcpy(gf.data(), got.data(), got.size());
  std::memcpy(wf.data(), want.data(), want.size());
  float scale = 0.f;
  for (float v : wf) scale = std::max(scale, std::fabs(v));
  for (size_t i = 0; i < gf.size(); ++i) ASSERT_NEAR(gf[i], wf[i], tol * scale) << what << " element " << i;
}

std::vector<uint8_t> f32Bytes(const std::vector<float>& v) {
  std::vector<uint8_t> b(v.size() * 4);
  std::memcpy(b.data(), v.data(), b.size());
  return b;
}

struct ConvCase {
  int64_t c, m, h, w, k, stride, pad, dilation;
  bool depthwise = false;  // group = c = m
};
const std::vector<ConvCase> kCases = {{3, 8, 9, 11, 3, 1, 1, 1}, {16, 24, 14, 14, 1, 1, 0, 1}, {5, 13, 7, 7, 3, 2, 1, 1},
                                      {32, 20, 8, 8, 3, 1, 1, 1}, {7, 9, 10, 6, 5, 1, 2, 1},   {8, 17, 12, 12, 3, 1, 2, 2},
                                      {1, 1, 1, 1, 1, 1, 0, 1},    {3, 16, 23, 23, 7, 2, 3, 1},
                                      // Depthwise: stride 1 and 2, 3x3 and 5x5, widths around the vector sizes.
                                      {16, 16, 13, 13, 3, 1, 1, 1, true}, {8, 8, 14, 9, 3, 2, 1, 1, true}, {6, 6, 11, 17, 5, 1, 2, 1, true},
                                      {4, 4, 20, 20, 5, 2, 2, 1, true}};

Attributes convAttrs(const ConvCase& c) {
  return attrs({Attribute::Ints("kernel_shape", {c.k, c.k}), Attribute::Ints("strides", {c.stride, c.stride}),
                Attribute::Ints("pads", {c.pad, c.pad, c.pad, c.pad}), Attribute::Ints("dilations", {c.dilation, c.dilation}),
                Attribute::Int("group", c.depthwise ? c.c : 1)});
}
int64_t groupChannels(const ConvCase& c) { return c.depthwise ? 1 : c.c; }

TEST(ArmKernels, F32ConvMatchesReference) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  for (const ConvCase& cc : kCases)
    for (const char* act : {"", "Relu"}) {
      GraphBuilder g;
      const int x = g.input("x", DType::F32, {1, cc.c, cc.h, cc.w});
      std::vector<float> w(static_cast<size_t>(cc.m * groupChannels(cc) * cc.k * cc.k)), b(static_cast<size_t>(cc.m)), in(static_cast<size_t>(cc.c * cc.h * cc.w));
      for (auto* v : {&w, &b, &in})
        for (float& f : *v) f = u(rng);
      Attributes a = convAttrs(cc);
      if (*act) a.set(Attribute::String("activation", act));
      g.node("Conv", {x, g.constant("w", Value::f32({cc.m, groupChannels(cc), cc.k, cc.k}, w)), g.constant("b", Value::f32({cc.m}, b))}, a);
      g.output(g.model().graph.nodes.back().outputs[0]);
      std::vector<uint8_t> bytes(in.size() * 4);
      std::memcpy(bytes.data(), in.data(), bytes.size());
      std::string used_ref, used_arm;
      const std::vector<uint8_t> want = runModel(g.model(), bytes, false, &used_ref), got = runModel(g.model(), bytes, true, &used_arm);
      EXPECT_EQ(used_arm, "arm");
      ASSERT_EQ(got.size(), want.size());
      for (size_t i = 0; i < got.size() / 4; ++i) {
        float a1, b1;
        std::memcpy(&a1, got.data() + 4 * i, 4);
        std::memcpy(&b1, want.data() + 4 * i, 4);
        ASSERT_NEAR(a1, b1, 1e-5f * std::max(1.f, std::fabs(b1))) << "conv c=" << cc.c << " k=" << cc.k << " element " << i;
      }
    }
}

// Shapes that take the Winograd F(4x4, 3x3) path (3x3, stride 1, enough
// channels and tiles), with edges that cut tiles: within 1e-4 of the output's
// largest magnitude, every fused activation kind included.
// ConvTranspose (group 1, the shared GEMM + col2im op): PP-OCR's 2x2
// stride 2, overlapping 3x3 and 4x4 windows with pads and output_padding,
// dilation, with and without bias.
TEST(ArmKernels, ConvTransposeMatchesReference) {
  std::mt19937 rng(59);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  auto values = [&](int64_t n) {
    std::vector<float> v(static_cast<size_t>(n));
    for (float& f : v) f = u(rng);
    return v;
  };
  struct Case { int64_t c, h, w, m, k, stride, pad, dil, out_pad; bool bias; };
  for (const Case& cs : std::vector<Case>{{24, 10, 12, 16, 2, 2, 0, 1, 0, true}, {8, 7, 5, 12, 3, 2, 1, 1, 1, true},
                                          {16, 9, 9, 8, 4, 2, 1, 1, 0, false}, {5, 6, 7, 3, 3, 1, 1, 2, 0, true}}) {
    GraphBuilder g;
    const int x = g.input("x", DType::F32, {1, cs.c, cs.h, cs.w});
    std::vector<int> ins = {x, g.constant("W", Value::f32({cs.c, cs.m, cs.k, cs.k}, values(cs.c * cs.m * cs.k * cs.k)))};
    if (cs.bias) ins.push_back(g.constant("B", Value::f32({cs.m}, values(cs.m))));
    g.output(g.node("ConvTranspose", ins,
                    attrs({Attribute::Ints("strides", {cs.stride, cs.stride}), Attribute::Ints("dilations", {cs.dil, cs.dil}),
                           Attribute::Ints("pads", {cs.pad, cs.pad, cs.pad, cs.pad}), Attribute::Ints("output_padding", {cs.out_pad, cs.out_pad})})));
    const std::vector<uint8_t> in = f32Bytes(values(cs.c * cs.h * cs.w));
    std::string used_ref, used_arm;
    const std::vector<uint8_t> want = runModel(g.model(), in, false, &used_ref), got = runModel(g.model(), in, true, &used_arm);
    const std::string what = "ConvTranspose k=" + std::to_string(cs.k) + " s=" + std::to_string(cs.stride);
    EXPECT_EQ(used_arm, "arm") << what;
    expectCloseF32(got, want, 1e-4f, what);
  }
}

TEST(ArmKernels, WinogradMatchesReference) {
  std::mt19937 rng(31);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  struct Case { int64_t c, h, w, m, pad; const char* act; };
  const Case cases[] = {{32, 28, 28, 16, 1, "Relu"}, {33, 30, 29, 13, 1, ""}, {128, 14, 15, 24, 1, "Clip"}, {40, 31, 33, 8, 0, "Silu"}};
  for (const Case& cs : cases) {
    GraphBuilder g;
    const int x = g.input("x", DType::F32, {1, cs.c, cs.h, cs.w});
    std::vector<float> w(static_cast<size_t>(cs.m * cs.c * 9)), b(static_cast<size_t>(cs.m)), in(static_cast<size_t>(cs.c * cs.h * cs.w));
    for (auto* v : {&w, &b, &in})
      for (float& f : *v) f = u(rng);
    Attributes a = attrs({Attribute::Ints("kernel_shape", {3, 3}), Attribute::Ints("pads", {cs.pad, cs.pad, cs.pad, cs.pad})});
    if (*cs.act) a.set(Attribute::String("activation", cs.act));
    if (std::strcmp(cs.act, "Clip") == 0) { a.set(Attribute::Float("activation_alpha", 0.f)); a.set(Attribute::Float("activation_beta", 6.f)); }
    g.node("Conv", {x, g.constant("w", Value::f32({cs.m, cs.c, 3, 3}, w)), g.constant("b", Value::f32({cs.m}, b))}, a);
    g.output(g.model().graph.nodes.back().outputs[0]);
    std::string used_ref, used_arm;
    const std::vector<uint8_t> want = runModel(g.model(), f32Bytes(in), false, &used_ref), got = runModel(g.model(), f32Bytes(in), true, &used_arm);
    EXPECT_EQ(used_arm, "arm");
    expectCloseF32(got, want, 1e-4f, "Winograd c=" + std::to_string(cs.c));
  }
}

TEST(ArmKernels, Int8ConvMatchesReferenceBitForBit) {
  std::mt19937 rng(5);
  const char* kernel = arm::cpuFeatures().i8mm ? "smmla" : arm::cpuFeatures().dotprod ? "sdot" : "smull/sadalp";
  int index = 0;
  for (const ConvCase& cc : kCases)
    for (DType xt : {DType::U8, DType::I8})
      for (const char* act : {"", "Relu"}) {
        ++index;
        const bool ties = index % 3 == 0;  // power-of-two scales: exact ties, rounded away from zero
        GraphBuilder g;
        const int x = g.input("x", xt, {1, cc.c, cc.h, cc.w});
        std::vector<int8_t> w(static_cast<size_t>(cc.m * groupChannels(cc) * cc.k * cc.k));
        for (auto& v : w) v = static_cast<int8_t>(std::uniform_int_distribution<int>(-127, 127)(rng));
        std::vector<float> ws(static_cast<size_t>(cc.m));
        for (size_t i = 0; i < ws.size(); ++i) ws[i] = ties ? std::ldexp(1.f, -8 - static_cast<int>(i % 4)) : 0.003f * (1 + i % 7);
        std::vector<int32_t> bias(static_cast<size_t>(cc.m));
        for (auto& v : bias) v = std::uniform_int_distribution<int>(-3000, 3000)(rng);
        auto zp = [&](int v) {
          return xt == DType::U8 ? Value::of(DType::U8, {}, std::vector<uint8_t>{static_cast<uint8_t>(v)})
                                 : Value::of(DType::I8, {}, std::vector<int8_t>{static_cast<int8_t>(v)});
        };
        Attributes a = convAttrs(cc);
        if (*act) a.set(Attribute::String("activation", act));
        g.node("QLinearConv",
               {x, g.constant("xs", Value::f32({}, {ties ? 1.f / 16 : 0.021f})), g.constant("xz", zp(xt == DType::U8 ? 120 : -7)),
                g.constant("w", Value::of(DType::I8, {cc.m, groupChannels(cc), cc.k, cc.k}, w)), g.constant("ws", Value::f32({cc.m}, ws)),
                g.constant("wz", Value::of(DType::I8, {cc.m}, std::vector<int8_t>(static_cast<size_t>(cc.m), 0))),
                g.constant("ys", Value::f32({}, {ties ? 1.f / 512 : 0.047f})), g.constant("yz", zp(xt == DType::U8 ? 128 : 2)),
                g.constant("b", Value::of(DType::I32, {cc.m}, bias))},
               a);
        g.output(g.model().graph.nodes.back().outputs[0]);
        std::vector<uint8_t> in(static_cast<size_t>(cc.c * cc.h * cc.w));
        for (auto& v : in) v = static_cast<uint8_t>(std::uniform_int_distribution<int>(0, 255)(rng));
        std::string used_ref, used_arm;
        const std::vector<uint8_t> want = runModel(g.model(), in, false, &used_ref), got = runModel(g.model(), in, true, &used_arm);
        EXPECT_EQ(used_arm, "arm") << kernel;
        EXPECT_EQ(got, want) << kernel << " int8 conv c=" << cc.c << " m=" << cc.m << " k=" << cc.k << " s=" << cc.stride << " " << dtypeName(xt) << " " << act;
      }
}

// fp16 sessions: convolutions on f16-gemm where the core has FP16 arithmetic,
// within fp16's error (sums of K products rounded to 11 bits) of ref's f32.
TEST(ArmKernels, F16ConvIsCloseToReference) {
  std::mt19937 rng(21);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  const bool fp16 = arm::cpuFeatures().fp16;
  for (const ConvCase& cc : kCases) {
    if (cc.depthwise) continue;
    GraphBuilder g;
    const int x = g.input("x", DType::F32, {1, cc.c, cc.h, cc.w});
    std::vector<float> w(static_cast<size_t>(cc.m * cc.c * cc.k * cc.k)), in(static_cast<size_t>(cc.c * cc.h * cc.w));
    for (auto* v : {&w, &in})
      for (float& f : *v) f = u(rng);
    g.node("Conv", {x, g.constant("w", Value::f32({cc.m, cc.c, cc.k, cc.k}, w))}, convAttrs(cc));
    g.output(g.model().graph.nodes.back().outputs[0]);
    std::vector<uint8_t> bytes(in.size() * 4);
    std::memcpy(bytes.data(), in.data(), bytes.size());
    std::string used_ref, used_arm;
    const std::vector<uint8_t> want = runModel(g.model(), bytes, false, &used_ref), got = runModel(g.model(), bytes, true, &used_arm, "fp16");
    EXPECT_EQ(used_arm, "arm");
    ASSERT_EQ(got.size(), want.size());
    float top = 0.f, diff = 0.f;
    for (size_t i = 0; i < got.size() / 4; ++i) {
      float a, b;
      std::memcpy(&a, got.data() + 4 * i, 4);
      std::memcpy(&b, want.data() + 4 * i, 4);
      top = std::max(top, std::fabs(b));
      diff = std::max(diff, std::fabs(a - b));
    }
    // K up to 147 products of values in [-1, 1]: fp16 sums stay within 1% of the largest output.
    EXPECT_LE(diff, (fp16 ? 1e-2f : 1e-5f) * std::max(1.f, top)) << "conv c=" << cc.c << " k=" << cc.k;
  }
}

// int8 MaxPool and QLinearGlobalAveragePool (shared with x86) against ref, bit for bit.
// fp32 MaxPool and AveragePool (pads, strides, ceil_mode, count_include_pad,
// windows that reach past the input) and GlobalAveragePool.
TEST(ArmKernels, F32PoolsMatchReference) {
  std::mt19937 rng(41);
  std::uniform_real_distribution<float> u(-2.f, 2.f);
  struct Case { int64_t h, w, k, s, p, ceil, include_pad; };
  const Case cases[] = {{28, 28, 3, 2, 1, 0, 0}, {9, 13, 2, 2, 0, 1, 0}, {7, 7, 3, 1, 1, 0, 1}, {10, 11, 3, 2, 1, 1, 1}, {5, 6, 5, 3, 2, 1, 0}};
  for (const char* type : {"MaxPool", "AveragePool"})
    for (const Case& c : cases) {
      GraphBuilder g;
      const int x = g.input("x", DType::F32, {1, 5, c.h, c.w});
      Attributes a = attrs({Attribute::Ints("kernel_shape", {c.k, c.k}), Attribute::Ints("strides", {c.s, c.s}),
                            Attribute::Ints("pads", {c.p, c.p, c.p, c.p}), Attribute::Int("ceil_mode", c.ceil)});
      if (std::strcmp(type, "AveragePool") == 0) a.set(Attribute::Int("count_include_pad", c.include_pad));
      g.node(type, {x}, a);
      g.output(g.model().graph.nodes.back().outputs[0]);
      std::vector<float> in(static_cast<size_t>(5 * c.h * c.w));
      for (float& v : in) v = u(rng);
      std::string used_ref, used_arm;
      const std::vector<uint8_t> want = runModel(g.model(), f32Bytes(in), false, &used_ref), got = runModel(g.model(), f32Bytes(in), true, &used_arm);
      EXPECT_EQ(used_arm, "arm") << type;
      expectCloseF32(got, want, 1e-6f, std::string(type) + " " + std::to_string(c.h) + "x" + std::to_string(c.w) + " k=" + std::to_string(c.k));
    }
  GraphBuilder g;
  const int x = g.input("x", DType::F32, {2, 6, 7, 9});
  g.node("GlobalAveragePool", {x});
  g.output(g.model().graph.nodes.back().outputs[0]);
  std::vector<float> in(2 * 6 * 63);
  for (float& v : in) v = u(rng);
  std::string used_ref, used_arm;
  const std::vector<uint8_t> want = runModel(g.model(), f32Bytes(in), false, &used_ref), got = runModel(g.model(), f32Bytes(in), true, &used_arm);
  EXPECT_EQ(used_arm, "arm");
  expectCloseF32(got, want, 1e-6f, "GlobalAveragePool");
}

TEST(ArmKernels, Int8PoolsMatchReference) {
  std::mt19937 rng(29);
  for (DType t : {DType::U8, DType::I8}) {
    for (auto [h, w, k, s, p] : std::vector<std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t>>{{28, 28, 3, 2, 1}, {9, 13, 2, 2, 0}, {7, 7, 3, 1, 1}}) {
      GraphBuilder g;
      const int x = g.input("x", t, {1, 4, h, w});
      g.node("MaxPool", {x}, attrs({Attribute::Ints("kernel_shape", {k, k}), Attribute::Ints("strides", {s, s}), Attribute::Ints("pads", {p, p, p, p})}));
      g.output(g.model().graph.nodes.back().outputs[0]);
      std::vector<uint8_t> in(static_cast<size_t>(4 * h * w));
      for (auto& v : in) v = static_cast<uint8_t>(std::uniform_int_distribution<int>(0, 255)(rng));
      std::string used_ref, used_arm;
      EXPECT_EQ(runModel(g.model(), in, true, &used_arm), runModel(g.model(), in, false, &used_ref)) << "MaxPool " << h << "x" << w;
      EXPECT_EQ(used_arm, "arm");
    }
    GraphBuilder g;
    const int x = g.input("x", t, {1, 6, 7, 7});
    auto zp = [&](int v) { return t == DType::U8 ? Value::of(DType::U8, {}, std::vector<uint8_t>{static_cast<uint8_t>(v)})
                                                 : Value::of(DType::I8, {}, std::vector<int8_t>{static_cast<int8_t>(v)}); };
    g.node("QLinearGlobalAveragePool", {x, g.constant("xs", Value::f32({}, {0.1f})), g.constant("xz", zp(7)), g.constant("ys", Value::f32({}, {0.07f})),
                                        g.constant("yz", zp(1))});
    g.output(g.model().graph.nodes.back().outputs[0]);
    std::vector<uint8_t> in(6 * 49);
    for (auto& v : in) v = static_cast<uint8_t>(std::uniform_int_distribution<int>(0, 255)(rng));
    std::string used_ref, used_arm;
    EXPECT_EQ(runModel(g.model(), in, true, &used_arm), runModel(g.model(), in, false, &used_ref)) << "QLinearGlobalAveragePool";
    EXPECT_EQ(used_arm, "arm");
  }
}

// Element-wise int8 ops (portable, shared) against ref, bit for bit: quantize
// with exact ties, dequantize, add and multiply with ties, a lookup table.
TEST(ArmKernels, Int8ElementwiseMatchReference) {
  std::mt19937 rng(31);
  auto bytes = [&](size_t n) {
    std::vector<uint8_t> v(n);
    for (auto& b : v) b = static_cast<uint8_t>(std::uniform_int_distribution<int>(0, 255)(rng));
    return v;
  };
  for (DType t : {DType::U8, DType::I8}) {
    auto zp = [&](int v) { return t == DType::U8 ? Value::of(DType::U8, {}, std::vector<uint8_t>{static_cast<uint8_t>(v)})
                                                 : Value::of(DType::I8, {}, std::vector<int8_t>{static_cast<int8_t>(v)}); };
    auto check = [&](GraphBuilder& g, const std::vector<uint8_t>& in, const std::string& what) {
      g.output(g.model().graph.nodes.back().outputs[0]);
      std::string used_ref, used_arm;
      EXPECT_EQ(runModel(g.model(), in, true, &used_arm), runModel(g.model(), in, false, &used_ref)) << what << " " << dtypeName(t);
      EXPECT_EQ(used_arm, "arm") << what;
    };
    {
      GraphBuilder g;
      const int x = g.input("x", DType::F32, {37});
      g.node("QuantizeLinear", {x, g.constant("s", Value::f32({}, {0.5f})), g.constant("z", zp(3))});
      std::vector<float> v(37);
      for (size_t i = 0; i < v.size(); ++i) v[i] = (static_cast<float>(i) - 18.f) * 0.25f;  // multiples of 0.5 / 2: ties
      std::vector<uint8_t> in(v.size() * 4);
      std::memcpy(in.data(), v.data(), in.size());
      check(g, in, "QuantizeLinear");
    }
    {
      GraphBuilder g;
      const int x = g.input("x", t, {41});
      g.node("DequantizeLinear", {x, g.constant("s", Value::f32({}, {0.0371f})), g.constant("z", zp(-7 + (t == DType::U8) * 140))});
      check(g, bytes(41), "DequantizeLinear");
    }
    for (const char* type : {"QLinearAdd", "QLinearMul"})
      for (const Shape& bs : {Shape{1, 6, 5, 5}, Shape{1, 6, 1, 1}}) {
        if (std::string(type) == "QLinearAdd" && bs[2] == 1) continue;
        GraphBuilder g;
        const int a = g.input("a", t, {1, 6, 5, 5});
        const int b = g.constant("b", Value::of(t, bs, bytes(static_cast<size_t>(numElements(bs)))));
        g.node(type, {a, g.constant("as", Value::f32({}, {0.5f})), g.constant("az", zp(3)), b, g.constant("bs", Value::f32({}, {0.25f})),
                      g.constant("bz", zp(-5 + (t == DType::U8) * 130)), g.constant("ys", Value::f32({}, {std::string(type) == "QLinearAdd" ? 1.f : 8.f})),
                      g.constant("yz", zp(1))});
        check(g, bytes(150), std::string(type) + " " + shapeToString(bs));
      }
    for (int64_t rows : {1, 5, 29}) {
      // QGemm (transB, bias) over rows of A: the int8 GEMM with A's rows as pixels.
      GraphBuilder g;
      const int64_t K = 37, N = 19;
      const int a = g.input("a", t, {rows, K});
      std::vector<int8_t> b(static_cast<size_t>(N * K));
      for (auto& v : b) v = static_cast<int8_t>(std::uniform_int_distribution<int>(-127, 127)(rng));
      std::vector<int32_t> bias(static_cast<size_t>(N));
      for (auto& v : bias) v = std::uniform_int_distribution<int>(-500, 500)(rng);
      g.node("QGemm", {a, g.constant("as", Value::f32({}, {0.02f})), g.constant("az", zp(3)), g.constant("b", Value::of(DType::I8, {N, K}, b)),
                       g.constant("bs", Value::f32({}, {0.01f})), g.constant("bz", Value::of(DType::I8, {}, std::vector<int8_t>{0})),
                       g.constant("c", Value::of(DType::I32, {N}, bias)), g.constant("ys", Value::f32({}, {0.03f})), g.constant("yz", zp(0))},
             attrs({Attribute::Int("transB", 1)}));
      check(g, bytes(static_cast<size_t>(rows * K)), "QGemm rows " + std::to_string(rows));
    }
    {
      GraphBuilder g;
      const int x = g.input("x", t, {70});
      g.node("QLinearLookup", {x, g.constant("table", Value::of(t, {256}, bytes(256)))});
      check(g, bytes(70), "QLinearLookup");
    }
  }
}

// Binary element-wise ops (the shared row ops at 4 lanes) against ref: same
// shapes, a per-channel operand on either side, a repeated row, a scalar.
TEST(ArmKernels, BinaryOpsMatchReference) {
  std::mt19937 rng(23);
  std::uniform_real_distribution<float> u(0.5f, 2.f);
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{2, 3, 5, 7}, {2, 3, 5, 7}}, {{2, 3, 5, 7}, {2, 3, 1, 1}}, {{1, 3, 1, 1}, {1, 3, 4, 4}}, {{4, 9}, {9}}, {{4, 9}, {}}};
  for (const char* type : {"Add", "Sub", "Mul", "Div"})
    for (const auto& [as, bs] : shapes) {
      GraphBuilder g;
      const int a = g.input("a", DType::F32, as);
      std::vector<float> bv(static_cast<size_t>(numElements(bs))), av(static_cast<size_t>(numElements(as)));
      for (auto* v : {&av, &bv})
        for (float& f : *v) f = u(rng);
      g.node(type, {a, g.constant("b", Value::f32(bs, bv))});
      g.output(g.model().graph.nodes.back().outputs[0]);
      std::vector<uint8_t> bytes(av.size() * 4);
      std::memcpy(bytes.data(), av.data(), bytes.size());
      std::string used_ref, used_arm;
      const std::vector<uint8_t> want = runModel(g.model(), bytes, false, &used_ref), got = runModel(g.model(), bytes, true, &used_arm);
      EXPECT_EQ(used_arm, "arm") << type << " " << shapeToString(as) << " " << shapeToString(bs);
      EXPECT_EQ(got, want) << type << " " << shapeToString(as) << " " << shapeToString(bs);  // one IEEE operation per element
    }
}

// MatMul (batched, B shared or per batch) and Gemm (transB, C, Relu) against ref.
TEST(ArmKernels, MatMulAndGemmMatchReference) {
  std::mt19937 rng(37);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  auto values = [&](int64_t n) {
    std::vector<float> v(static_cast<size_t>(n));
    for (float& f : v) f = u(rng);
    return v;
  };
  auto compare = [&](GraphBuilder& g, const std::vector<float>& in, const std::string& what) {
    g.output(g.model().graph.nodes.back().outputs[0]);
    std::vector<uint8_t> bytes(in.size() * 4);
    std::memcpy(bytes.data(), in.data(), bytes.size());
    std::string used_ref, used_arm;
    const std::vector<uint8_t> want = runModel(g.model(), bytes, false, &used_ref), got = runModel(g.model(), bytes, true, &used_arm);
    EXPECT_EQ(used_arm, "arm") << what;
    ASSERT_EQ(got.size(), want.size()) << what;
    for (size_t i = 0; i < got.size() / 4; ++i) {
      float a, b;
      std::memcpy(&a, got.data() + 4 * i, 4);
      std::memcpy(&b, want.data() + 4 * i, 4);
      ASSERT_NEAR(a, b, 1e-5f * std::max(1.f, std::fabs(b))) << what << " element " << i;
    }
  };
  for (auto [batch, M, K, N, shared] : std::vector<std::tuple<int64_t, int64_t, int64_t, int64_t, bool>>{
           {1, 1, 7, 5, true}, {2, 13, 33, 17, true}, {3, 9, 16, 8, false}, {1, 30, 64, 40, true}}) {
    GraphBuilder g;
    const int a = g.input("a", DType::F32, {batch, M, K});
    g.node("MatMul", {a, g.constant("b", Value::f32(shared ? Shape{K, N} : Shape{batch, K, N}, values((shared ? 1 : batch) * K * N)))});
    compare(g, values(batch * M * K), "MatMul " + std::to_string(M) + "x" + std::to_string(K) + "x" + std::to_string(N));
  }
  {
    // Batch dimensions that broadcast against each other ([1, 6] with [6, 1]:
    // 36 products, not 6) stay on ref.
    GraphBuilder g;
    const int a = g.input("a", DType::F32, {1, 6, 2, 3});
    g.output(g.node("MatMul", {a, g.constant("b", Value::f32({6, 1, 3, 4}, values(72)))}));
    const std::vector<float> in = values(36);
    std::vector<uint8_t> bytes(in.size() * 4);
    std::memcpy(bytes.data(), in.data(), bytes.size());
    std::string used_ref, used_arm;
    const std::vector<uint8_t> want = runModel(g.model(), bytes, false, &used_ref), got = runModel(g.model(), bytes, true, &used_arm);
    EXPECT_EQ(used_arm, "ref");
    EXPECT_EQ(got, want);
  }
  for (int64_t tb : {0, 1}) {
    GraphBuilder g;
    const int64_t M = 6, K = 20, N = 11;
    const int a = g.input("a", DType::F32, {M, K});
    g.node("Gemm", {a, g.constant("b", Value::f32(tb ? Shape{N, K} : Shape{K, N}, values(K * N))), g.constant("c", Value::f32({N}, values(N)))},
           attrs({Attribute::Int("transB", tb), Attribute::String("activation", "Relu")}));
    compare(g, values(M * K), "Gemm transB=" + std::to_string(tb));
  }
}

// Standalone activations (the portable vector ones at 4 lanes, exp included) against ref.
TEST(ArmKernels, ActivationsMatchReference) {
  std::mt19937 rng(41);
  std::normal_distribution<float> n(0.f, 4.f);
  std::vector<float> v(203);
  for (float& f : v) f = n(rng);
  std::vector<uint8_t> bytes(v.size() * 4);
  std::memcpy(bytes.data(), v.data(), bytes.size());
  for (const char* type : {"Relu", "Sigmoid", "HardSwish", "HardSigmoid", "LeakyRelu", "Clip"}) {
    GraphBuilder g;
    const int x = g.input("x", DType::F32, {203});
    if (std::string(type) == "Clip") g.node(type, {x, g.constant("lo", Value::f32({}, {-1.f})), g.constant("hi", Value::f32({}, {2.5f}))});
    else g.node(type, {x});
    g.output(g.model().graph.nodes.back().outputs[0]);
    std::string used_ref, used_arm;
    const std::vector<uint8_t> want = runModel(g.model(), bytes, false, &used_ref), got = runModel(g.model(), bytes, true, &used_arm);
    EXPECT_EQ(used_arm, "arm") << type;
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size() / 4; ++i) {
      float a, b;
      std::memcpy(&a, got.data() + 4 * i, 4);
      std::memcpy(&b, want.data() + 4 * i, 4);
      ASSERT_NEAR(a, b, 1e-6f * std::max(1.f, std::fabs(b))) << type << " element " << i;
    }
  }
}

// Softmax and LayerNormalization rows (the portable kernels at 4 lanes) against ref.
TEST(ArmKernels, SoftmaxAndLayerNormMatchReference) {
  std::mt19937 rng(9);
  std::normal_distribution<float> n(0.f, 3.f);
  for (int64_t len : {1, 3, 4, 7, 64, 257}) {
    std::vector<float> in(static_cast<size_t>(5 * len)), scale(static_cast<size_t>(len)), bias(static_cast<size_t>(len));
    for (auto* v : {&in, &scale, &bias})
      for (float& f : *v) f = n(rng);
    std::vector<uint8_t> bytes(in.size() * 4);
    std::memcpy(bytes.data(), in.data(), bytes.size());
    for (int which = 0; which < 2; ++which) {
      GraphBuilder g;
      const int x = g.input("x", DType::F32, {5, len});
      if (which == 0) g.node("Softmax", {x}, attrs({Attribute::Int("axis", -1)}));
      else g.node("LayerNormalization", {x, g.constant("s", Value::f32({len}, scale)), g.constant("b", Value::f32({len}, bias))},
                  attrs({Attribute::Int("axis", -1)}));
      g.output(g.model().graph.nodes.back().outputs[0]);
      std::string used_ref, used_arm;
      const std::vector<uint8_t> want = runModel(g.model(), bytes, false, &used_ref), got = runModel(g.model(), bytes, true, &used_arm);
      EXPECT_EQ(used_arm, "arm");
      ASSERT_EQ(got.size(), want.size());
      for (size_t i = 0; i < got.size() / 4; ++i) {
        float a, b;
        std::memcpy(&a, got.data() + 4 * i, 4);
        std::memcpy(&b, want.data() + 4 * i, 4);
        ASSERT_NEAR(a, b, 1e-5f * std::max(1.f, std::fabs(b))) << (which ? "LayerNormalization" : "Softmax") << " len " << len << " element " << i;
      }
    }
  }
}

}  // namespace
}  // namespace test
}  // namespace zy
