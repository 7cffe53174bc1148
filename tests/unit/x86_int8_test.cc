// x86 int8 kernels against backends/ref, bit for bit (docs/int8.md): the
// int8 convolution over a sweep of shapes, strides, pads, dilations, odd
// sizes, int8 and uint8 activations, per-channel scales, biases and fused
// Relu/Clip; QuantizeLinear, DequantizeLinear and QLinearAdd over lengths
// that leave vector tails; MaxPool, QLinearGlobalAveragePool, QLinearConcat
// and QGemm. Without AVX-512 VNNI the ops must fall back to ref
// and still give ref's bytes.
#include <array>
#include <cmath>
#include <cstring>
#include <random>
#include <tuple>

#include "exec/session.h"
#include "test_util.h"
#include "cpu_features.h"
#include "kernels/qs8_requantize_avx2.h"
#include "kernels/qs8_requantize_avx512.h"
#include "ops/requantize.h"

namespace zy {
namespace test {
namespace {

bool haveVnni() {
  const x86::CpuFeatures& f = x86::cpuFeatures();
  return f.avx512f && f.avx512bw && f.avx512vl && f.avx512vnni;
}

// Runs the model's op 0 with one backend order; returns output 0's bytes.
std::vector<uint8_t> runModel(const Model& m, const std::vector<uint8_t>& in, bool x86_first, std::string* used) {
  std::unique_ptr<Session> s;
  SessionOptions o;
  o.num_threads = 2;
  o.backend_order = x86_first ? std::vector<std::string>{"x86", "ref"} : std::vector<std::string>{"ref"};
  Status st = Session::create(m, o, &s);
  EXPECT_TRUE(st.ok()) << st.message();
  if (!st.ok()) return {};
  *used = s->opBackend(0);
  const Tensor& t = m.tensors[m.graph.inputs[0]];
  EXPECT_TRUE(s->setInput(0, t.dtype, t.shape.data(), static_cast<int32_t>(t.shape.size()), in.data(), in.size()).ok());
  st = s->run();
  EXPECT_TRUE(st.ok()) << st.message();
  const int32_t y = m.graph.outputs[0];
  const uint8_t* p = static_cast<const uint8_t*>(s->tensorData(y));
  return std::vector<uint8_t>(p, p + numElements(s->tensorShape(y)) * dtypeSize(m.tensors[y].dtype));
}

// What a kernel needs: AVX-512 (VNNI), AVX2 (the int8 GEMM and depthwise
// convolution: VNNI or VBMI, or their exact AVX2 forms), nothing (element-wise ops and pooling
// have portable versions behind the AVX-512 ones).
enum class Needs { Avx512, Avx2, Nothing };

// x86 (where the CPU allows) and ref give the same bytes.
void expectBitExact(GraphBuilder& g, const std::vector<uint8_t>& in, const std::string& what, Needs needs = Needs::Nothing) {
  g.output(g.model().graph.nodes.back().outputs[0]);
  std::string used_ref, used_x86;
  const std::vector<uint8_t> want = runModel(g.model(), in, false, &used_ref), got = runModel(g.model(), in, true, &used_x86);
  const bool runs = needs == Needs::Nothing || (needs == Needs::Avx2 && x86::cpuFeatures().avx2) || haveVnni();
  EXPECT_EQ(used_x86, runs ? "x86" : "ref") << what;
  ASSERT_EQ(got.size(), want.size()) << what;
  size_t diff = 0;
  for (size_t i = 0; i < got.size(); ++i) diff += got[i] != want[i];
  EXPECT_EQ(diff, 0u) << what << ": " << diff << " of " << got.size() << " bytes differ";
}

std::vector<uint8_t> randomBytes(std::mt19937& rng, size_t n) {
  std::uniform_int_distribution<int> d(0, 255);
  std::vector<uint8_t> v(n);
  for (auto& b : v) b = static_cast<uint8_t>(d(rng));
  return v;
}

Value scalarF(float f) { return Value::f32({}, {f}); }
Value zeroPoint(DType t, int v) { return t == DType::U8 ? Value::of(DType::U8, {}, std::vector<uint8_t>{static_cast<uint8_t>(v)}) : Value::of(DType::I8, {}, std::vector<int8_t>{static_cast<int8_t>(v)}); }

struct ConvCase {
  int64_t c, m, h, w, k, stride, pad, dilation;
  bool depthwise = false;  // group = c = m
};

TEST(X86Int8, ConvMatchesReferenceBitForBit) {
  std::mt19937 rng(2026);
  std::uniform_real_distribution<float> scale(0.5f, 2.f);
  const std::vector<ConvCase> cases = {
      {3, 8, 9, 11, 3, 1, 1, 1},    {16, 24, 14, 14, 1, 1, 0, 1}, {5, 13, 7, 7, 3, 2, 1, 1},  {32, 64, 8, 8, 3, 1, 1, 1},
      {7, 9, 10, 6, 5, 1, 2, 1},    {8, 17, 12, 12, 3, 1, 2, 2},  {64, 40, 5, 5, 1, 2, 0, 1}, {1, 1, 1, 1, 1, 1, 0, 1},
      {3, 16, 23, 23, 7, 2, 3, 1},  {48, 33, 3, 50, 3, 1, 1, 1},  {130, 12, 6, 6, 3, 1, 0, 1},
      // 768+ output pixels (a partial last panel), strided and dilated
      {5, 20, 30, 29, 3, 1, 1, 1},  {6, 12, 60, 57, 3, 2, 1, 1},  {4, 9, 30, 30, 3, 1, 2, 2},
      // The implicit im2col's runs: stride 3 (single pixels), 49 pixels (a
      // 1-pixel tail panel), rows narrower than a vector at stride 2, and
      // stride-2 windows whose last pixel is the plane's last byte.
      {4, 8, 11, 10, 3, 3, 1, 1},   {16, 24, 7, 7, 3, 1, 1, 1},   {5, 7, 9, 3, 3, 2, 1, 1},   {3, 5, 5, 31, 1, 2, 0, 1},
      // Panels of 1-4 pixels (qs8-gemm's tail kernel): 49, 50, 51 and 196
      // pixels, channel counts that fill its 4- and 8-panel blocks and leave a part.
      {8, 70, 7, 7, 1, 1, 0, 1},    {6, 33, 5, 10, 3, 1, 1, 1},   {5, 20, 3, 17, 3, 1, 1, 1}, {12, 40, 14, 14, 3, 1, 1, 1},
      {4, 1030, 7, 7, 1, 1, 0, 1},
      // Depthwise: stride 1 and 2, 3x3 and 5x5, pads 0 to 2, widths around 16.
      {16, 16, 13, 13, 3, 1, 1, 1, true}, {24, 24, 14, 14, 3, 2, 1, 1, true}, {8, 8, 7, 9, 5, 1, 2, 1, true},
      {32, 32, 28, 28, 5, 2, 2, 1, true}, {5, 5, 17, 3, 3, 2, 0, 1, true},   {3, 3, 33, 35, 3, 1, 1, 1, true},
      {6, 6, 15, 19, 7, 1, 3, 1, true},   {4, 4, 20, 20, 7, 2, 3, 1, true},   {9, 9, 7, 7, 3, 1, 1, 1, true},
      {6, 6, 9, 11, 2, 2, 0, 1, true},    {5, 5, 12, 13, 6, 1, 2, 1, true},
      // Depthwise planes padded in 3 and 4 blocks of 64 bytes per row, and wider ones (memset and copies).
      {3, 3, 112, 112, 3, 2, 1, 1, true}, {2, 2, 9, 200, 3, 2, 1, 1, true},  {2, 2, 5, 300, 3, 1, 1, 1, true}};
  int index = 0;
  for (const ConvCase& cc : cases)
    for (DType xt : {DType::U8, DType::I8})
      for (const char* act : {"", "Relu", "Clip"}) {
        ++index;
        GraphBuilder g;
        const int x = g.input("x", xt, {1, cc.c, cc.h, cc.w});
        const int64_t cg = cc.depthwise ? 1 : cc.c, kk = cg * cc.k * cc.k;
        std::vector<int8_t> w(static_cast<size_t>(cc.m * kk));
        for (auto& v : w) v = static_cast<int8_t>(std::uniform_int_distribution<int>(-127, 127)(rng));
        // Every third case has power-of-two scales: the requantization factor is
        // then 2^-k and ties (exactly .5) are frequent, which the spec rounds away from zero.
        const bool ties = index % 3 == 0;
        std::vector<float> ws(static_cast<size_t>(cc.m));
        for (size_t i = 0; i < ws.size(); ++i) ws[i] = ties ? std::ldexp(1.f, -8 - static_cast<int>(i % 4)) : scale(rng) / 256.f;
        std::vector<int32_t> bias(static_cast<size_t>(cc.m));
        for (auto& b : bias) b = std::uniform_int_distribution<int>(-3000, 3000)(rng);
        const int xzp = xt == DType::U8 ? 100 + index % 50 : -20 + index % 40;
        Attributes a = attrs({Attribute::Ints("kernel_shape", {cc.k, cc.k}), Attribute::Ints("strides", {cc.stride, cc.stride}),
                              Attribute::Ints("pads", {cc.pad, cc.pad, cc.pad, cc.pad}),
                              Attribute::Ints("dilations", {cc.dilation, cc.dilation}), Attribute::Int("group", cc.depthwise ? cc.c : 1)});
        if (*act) a.set(Attribute::String("activation", act));
        if (std::string(act) == "Clip") {
          a.set(Attribute::Float("activation_alpha", -0.5f));
          a.set(Attribute::Float("activation_beta", 2.f));
        }
        const float xs = ties ? 1.f / 16 : 0.02f * scale(rng), ys = ties ? 1.f / 512 : 0.05f * scale(rng);
        std::vector<int> ins = {x, g.constant("xs", scalarF(xs)), g.constant("xz", zeroPoint(xt, xzp)),
                                g.constant("w", Value::of(DType::I8, {cc.m, cg, cc.k, cc.k}, w)), g.constant("ws", Value::f32({cc.m}, ws)),
                                g.constant("wz", Value::of(DType::I8, {cc.m}, std::vector<int8_t>(static_cast<size_t>(cc.m), 0))),
                                g.constant("ys", scalarF(ys)), g.constant("yz", zeroPoint(xt, xt == DType::U8 ? 128 : -3))};
        if (index % 2) ins.push_back(g.constant("b", Value::of(DType::I32, {cc.m}, bias)));
        g.node("QLinearConv", ins, a);
        expectBitExact(g, randomBytes(rng, static_cast<size_t>(cc.c * cc.h * cc.w)),
                       std::string(cc.depthwise ? "depthwise" : "conv") + " c=" + std::to_string(cc.c) + " m=" + std::to_string(cc.m) + " " + std::to_string(cc.h) + "x" +
                           std::to_string(cc.w) + " k=" + std::to_string(cc.k) + " s=" + std::to_string(cc.stride) + " " +
                           dtypeName(xt) + " " + act,
                       Needs::Avx2);  // depthwise: qs8-dwconv2d/avx512vbmi, or its AVX2 form
      }
}

// One vector through qs8-requantize/avx512's store (its certified float path
// and its exact fallback), n lanes live ...
ZY_QS8_AVX512 void requantizeVector(const int32_t* acc, const Qs8Requant& rq, int64_t m, int n, uint8_t* y) {
  x86::Qs8ChannelRequant(rq, x86::Qs8OutputRange(rq), m).store(_mm512_loadu_si512(acc), y, n);
}
// ... and through qs8-requantize/avx2, 8 lanes at a time.
ZY_QS8_AVX2 void requantizeVectorAvx2(const int32_t* acc, const Qs8Requant& rq, int64_t m, int n, uint8_t* y) {
  for (int h = 0; h < 2 && 8 * h < n; ++h)
    x86::qs8StoreRowAvx2(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(acc + 8 * h)), rq, m, y + 8 * h, std::min(8, n - 8 * h));
}

// The store against the spec's arithmetic (ops/requantize.h), lane by lane:
// random sums, sums at and within a few units of ties (.5 after scaling),
// sums that saturate or wrap with the bias, Q31 factors with shifts 1..62,
// powers of two, a zero factor, and u8, i8 and narrowed (fused Relu) ranges.
TEST(X86Int8, RequantizingStoreMatchesTheSpec) {
  const bool avx512 = haveVnni(), avx2 = x86::cpuFeatures().avx2 && x86::cpuFeatures().fma;
  if (!avx512 && !avx2) GTEST_SKIP() << "qs8-requantize needs AVX2 and FMA";
  std::mt19937 rng(31);
  std::uniform_int_distribution<int32_t> any(INT32_MIN, INT32_MAX);
  struct Range { int32_t zp, lo, hi; };
  const Range ranges[] = {{128, 0, 255}, {-3, -128, 127}, {17, 17, 255}, {0, 0, 6}};
  size_t checked = 0, wrong = 0;
  for (int trial = 0; trial < 400; ++trial) {
    Requantizer r;
    if (trial % 7 == 0) r = {1 << 30, 30 + trial % 12};  // 2^-k: exact ties are common
    else if (trial % 31 == 5) r = {0, 1};                  // a zero factor
    else ASSERT_TRUE(Requantizer::fromReal(std::ldexp(std::uniform_real_distribution<double>(0.5, 1)(rng), -(trial % 40)), &r).ok());
    const Range range = ranges[trial % 4];
    Qs8Requant rq;
    rq.bias = {std::uniform_int_distribution<int32_t>(-5000, 5000)(rng), any(rng)};
    rq.multiplier = {r.multiplier, r.multiplier};
    rq.shift = {r.shift, r.shift};
    rq.scale = {static_cast<float>(std::ldexp(static_cast<double>(r.multiplier), -r.shift)), 0.f};
    rq.scale[1] = rq.scale[0];
    rq.zero_point = range.zp, rq.lo = range.lo, rq.hi = range.hi;
    const double factor = std::ldexp(static_cast<double>(r.multiplier), -r.shift);
    for (int64_t m = 0; m < 2; ++m)
      for (int vec = 0; vec < 16; ++vec) {
        alignas(64) int32_t acc[16];
        for (int i = 0; i < 16; ++i) {
          const int kind = (vec + i) % 4;
          if (kind == 0 || factor == 0) { acc[i] = any(rng) / (1 << (trial % 20)); continue; }
          // Near the tie k + 0.5 of the output before the zero point, a few units off.
          const double tie = std::uniform_int_distribution<int>(-300, 300)(rng) + 0.5;
          const double exact = tie / factor - static_cast<double>(rq.bias[m]);
          if (std::fabs(exact) > 2e9) { acc[i] = any(rng); continue; }
          acc[i] = static_cast<int32_t>(std::llround(exact)) + (kind == 1 ? 0 : std::uniform_int_distribution<int>(-3, 3)(rng));
        }
        const int n = vec == 15 ? 1 + trial % 16 : 16;
        uint8_t got[16] = {};
        uint8_t got2[16] = {};
        if (avx512) requantizeVector(acc, rq, m, n, got);
        if (avx2) requantizeVectorAvx2(acc, rq, m, n, got2);
        if (!avx512) std::memcpy(got, got2, sizeof got);
        for (int i = 0; i < n; ++i) {
          if (avx512 && avx2 && got2[i] != got[i]) ++wrong;  // the two stores agree
          const int32_t a = static_cast<int32_t>(static_cast<uint32_t>(acc[i]) + static_cast<uint32_t>(rq.bias[m]));  // wraps
          const int64_t q = std::clamp<int64_t>(range.zp + r.apply(a), range.lo, range.hi);
          const uint8_t want = static_cast<uint8_t>(q);
          ++checked;
          if (got[i] != want) {
            ++wrong;
            if (wrong < 10) ADD_FAILURE() << "sum " << acc[i] << " + bias " << rq.bias[m] << " x " << r.multiplier << " >> " << r.shift
                                          << ": got " << int(got[i]) << ", the spec gives " << int(want);
          }
        }
      }
  }
  EXPECT_EQ(wrong, 0u) << "of " << checked;
}

TEST(X86Int8, QuantizeAndDequantizeMatchReference) {
  std::mt19937 rng(7);
  std::normal_distribution<float> n(0.f, 3.f);
  for (int64_t len : {1, 15, 16, 17, 1000, 20001})
    for (DType t : {DType::U8, DType::I8}) {
      std::vector<float> x(static_cast<size_t>(len));
      for (auto& v : x) v = n(rng);
      x[0] = 0.25f;  // exactly halfway at scale 0.5: ties to even
      {
        GraphBuilder g;
        const int in = g.input("x", DType::F32, {len});
        g.node("QuantizeLinear", {in, g.constant("s", scalarF(0.5f)), g.constant("z", zeroPoint(t, t == DType::U8 ? 128 : 5))});
        std::vector<uint8_t> bytes(x.size() * 4);
        std::memcpy(bytes.data(), x.data(), bytes.size());
        expectBitExact(g, bytes, "QuantizeLinear len " + std::to_string(len) + " " + dtypeName(t));
      }
      GraphBuilder g;
      const int in = g.input("q", t, {len});
      g.node("DequantizeLinear", {in, g.constant("s", scalarF(0.0371f)), g.constant("z", zeroPoint(t, t == DType::U8 ? 131 : -7))});
      expectBitExact(g, randomBytes(rng, static_cast<size_t>(len)), "DequantizeLinear len " + std::to_string(len) + " " + dtypeName(t));
    }
}

TEST(X86Int8, AddMatchesReference) {
  std::mt19937 rng(11);
  // Scale pairs include exact ties (0.5 and 0.25 of the output scale) and ratios far apart.
  const std::vector<std::array<float, 3>> scales = {{0.5f, 0.25f, 1.f}, {0.02f, 0.03f, 0.05f}, {1e-3f, 0.3f, 0.2f}, {0.1f, 0.1f, 0.1f}};
  for (int64_t len : {1, 31, 4096, 9999})
    for (DType t : {DType::U8, DType::I8})
      for (size_t k = 0; k < scales.size(); ++k)
        for (const char* act : {"", "Relu"}) {
          GraphBuilder g;
          const int a = g.input("a", t, {2, len});
          const int b = g.constant("b", Value::of(t == DType::U8 ? DType::U8 : DType::I8, {2, len}, randomBytes(rng, static_cast<size_t>(2 * len))));
          Attributes at;
          if (*act) at.set(Attribute::String("activation", act));
          g.node("QLinearAdd", {a, g.constant("as", scalarF(scales[k][0])), g.constant("az", zeroPoint(t, t == DType::U8 ? 120 : 3)), b,
                                g.constant("bs", scalarF(scales[k][1])), g.constant("bz", zeroPoint(t, t == DType::U8 ? 140 : -9)),
                                g.constant("ys", scalarF(scales[k][2])), g.constant("yz", zeroPoint(t, t == DType::U8 ? 128 : 0))},
                 at);
          expectBitExact(g, randomBytes(rng, static_cast<size_t>(2 * len)),
                         "QLinearAdd len " + std::to_string(len) + " " + dtypeName(t) + " scales " + std::to_string(k) + " " + act);
        }
}

TEST(X86Int8, MulMatchesReference) {
  std::mt19937 rng(17);
  // Same shapes, and the squeeze-excitation scale [1, C, 1, 1] as either input.
  for (auto [a_shape, b_shape] : std::vector<std::pair<Shape, Shape>>{
           {{1, 6, 9, 9}, {1, 6, 9, 9}}, {{1, 6, 9, 9}, {1, 6, 1, 1}}, {{1, 6, 1, 1}, {1, 6, 9, 9}}, {{2, 3, 17}, {2, 3, 1}}})
    for (DType t : {DType::U8, DType::I8}) {
      GraphBuilder g;
      const int a = g.input("a", t, a_shape);
      const int b = g.constant("b", Value::of(t, b_shape, randomBytes(rng, static_cast<size_t>(numElements(b_shape)))));
      // 0.5 * 0.25 / (1 / 64) = 8 and 0.5 * 0.25 / 0.25 = 0.5: exact factors, ties included.
      g.node("QLinearMul", {a, g.constant("as", scalarF(0.5f)), g.constant("az", zeroPoint(t, t == DType::U8 ? 128 : 3)), b,
                            g.constant("bs", scalarF(0.25f)), g.constant("bz", zeroPoint(t, t == DType::U8 ? 100 : -5)),
                            g.constant("ys", scalarF(t == DType::U8 ? 0.25f : 30.f)), g.constant("yz", zeroPoint(t, t == DType::U8 ? 120 : 1))});
      expectBitExact(g, randomBytes(rng, static_cast<size_t>(numElements(a_shape))),
                     "QLinearMul " + shapeToString(a_shape) + " x " + shapeToString(b_shape) + " " + dtypeName(t));
    }
}

TEST(X86Int8, LookupMatchesReference) {
  std::mt19937 rng(19);
  const bool vbmi = x86::cpuFeatures().avx512vbmi;
  for (int64_t len : {1, 63, 64, 65, 5000})
    for (DType t : {DType::U8, DType::I8}) {
      GraphBuilder g;
      const int x = g.input("x", t, {len});
      g.node("QLinearLookup", {x, g.constant("table", Value::of(t == DType::U8 ? DType::I8 : DType::U8, {256}, randomBytes(rng, 256)))});
      g.output(g.model().graph.nodes.back().outputs[0]);
      std::string used_ref, used_x86;
      const std::vector<uint8_t> in = randomBytes(rng, static_cast<size_t>(len));
      const std::vector<uint8_t> want = runModel(g.model(), in, false, &used_ref), got = runModel(g.model(), in, true, &used_x86);
      EXPECT_EQ(used_x86, "x86") << (haveVnni() && vbmi ? "vpermi2b" : "portable");
      EXPECT_EQ(got, want) << "QLinearLookup len " << len << " " << dtypeName(t);
    }
}

// Resize in nearest mode moves data only: x86 gives ref's bytes for 8-bit
// and f32 data, over coordinate modes, nearest modes, up- and downsampling,
// by scales or by sizes.
TEST(X86Int8, ResizeNearestMatchesReference) {
  std::mt19937 rng(71);
  struct Case {
    const char* coords;
    const char* nearest;
    std::vector<float> scales;
    std::vector<int64_t> sizes;
  };
  const std::vector<Case> cases = {{"half_pixel", "round_prefer_floor", {1, 1, 2, 2}, {}},
                                   {"asymmetric", "floor", {1, 1, 2, 3}, {}},
                                   {"align_corners", "round_prefer_ceil", {1, 1, 1.5f, 0.5f}, {}},
                                   {"pytorch_half_pixel", "ceil", {}, {2, 3, 10, 5}},
                                   {"half_pixel", "round_prefer_floor", {1, 1, 0.5f, 0.5f}, {}}};
  for (DType t : {DType::U8, DType::I8, DType::F32})
    for (const Case& cs : cases) {
      GraphBuilder g;
      const int x = g.input("x", t, {2, 3, 7, 9});
      const int scales = cs.scales.empty() ? -1 : g.constant("scales", Value::f32({4}, cs.scales));
      std::vector<int> ins = {x, -1, scales};
      if (!cs.sizes.empty()) ins.push_back(g.constant("sizes", Value::i64({4}, cs.sizes)));
      g.node("Resize", ins, attrs({Attribute::String("coordinate_transformation_mode", cs.coords), Attribute::String("nearest_mode", cs.nearest)}));
      std::vector<uint8_t> in = randomBytes(rng, static_cast<size_t>(2 * 3 * 7 * 9) * dtypeSize(t));
      if (t == DType::F32) {  // finite values: ref's float path may quiet a random NaN's bits
        std::uniform_real_distribution<float> u(-10.f, 10.f);
        for (size_t i = 0; i < in.size(); i += 4) {
          const float v = u(rng);
          std::memcpy(in.data() + i, &v, 4);
        }
      }
      expectBitExact(g, in, std::string("Resize ") + dtypeName(t) + " " + cs.coords + " " + cs.nearest);
    }
}

TEST(X86Int8, MaxPoolGlobalAveragePoolConcatGemmAndMatMulMatchReference) {
  std::mt19937 rng(13);
  for (DType t : {DType::U8, DType::I8}) {
    const std::string d = dtypeName(t);
    for (auto [h, w, k, s, p, ceil] : std::vector<std::tuple<int64_t, int64_t, int64_t, int64_t, int64_t, int64_t>>{
             {112, 112, 3, 2, 1, 0}, {13, 17, 3, 2, 0, 1}, {8, 8, 2, 2, 0, 0}, {5, 9, 3, 1, 1, 0}, {7, 7, 5, 3, 2, 1}}) {
      GraphBuilder g;
      const int x = g.input("x", t, {1, 3, h, w});
      g.node("MaxPool", {x}, attrs({Attribute::Ints("kernel_shape", {k, k}), Attribute::Ints("strides", {s, s}),
                                    Attribute::Ints("pads", {p, p, p, p}), Attribute::Int("ceil_mode", ceil)}));
      expectBitExact(g, randomBytes(rng, static_cast<size_t>(3 * h * w)), "MaxPool " + d + " " + std::to_string(h) + "x" + std::to_string(w));
    }
    for (int64_t hw : {1, 49, 196}) {
      GraphBuilder g;
      const int x = g.input("x", t, {2, 5, hw, 1});
      g.node("QLinearGlobalAveragePool", {x, g.constant("xs", scalarF(0.1f)), g.constant("xz", zeroPoint(t, 7)),
                                          g.constant("ys", scalarF(hw == 49 ? 0.1f : 0.07f)), g.constant("yz", zeroPoint(t, 1))});
      expectBitExact(g, randomBytes(rng, static_cast<size_t>(10 * hw)), "QLinearGlobalAveragePool " + d + " hw " + std::to_string(hw),
                     Needs::Nothing);  // QLinearGlobalAveragePool
    }
    {
      // Input 1 shares the output's parameters (a copy), input 2 does not.
      GraphBuilder g;
      const int x = g.input("x", t, {1, 3, 5, 7});
      const int c = g.constant("c", Value::of(t, {1, 2, 5, 7}, randomBytes(rng, 70)));
      g.node("QLinearConcat", {g.constant("ys", scalarF(0.05f)), g.constant("yz", zeroPoint(t, 2)), x, g.constant("s1", scalarF(0.05f)),
                               g.constant("z1", zeroPoint(t, 2)), c, g.constant("s2", scalarF(0.025f)), g.constant("z2", zeroPoint(t, -1))},
             attrs({Attribute::Int("axis", 1)}));
      expectBitExact(g, randomBytes(rng, 105), "QLinearConcat " + d, Needs::Avx512);
    }
    for (int64_t rows : {1, 7, 130}) {
      // QLinearMatMul: A [2, rows, K] x constant B [K, N], per-column B scales.
      GraphBuilder g;
      const int64_t K = 45, N = 19;
      const int a = g.input("a", t, {2, rows, K});
      std::vector<int8_t> b(static_cast<size_t>(K * N));
      for (auto& v : b) v = static_cast<int8_t>(std::uniform_int_distribution<int>(-127, 127)(rng));
      std::vector<float> bs(static_cast<size_t>(N));
      for (size_t i = 0; i < bs.size(); ++i) bs[i] = 0.004f * static_cast<float>(1 + i % 5);
      g.node("QLinearMatMul", {a, g.constant("as", scalarF(0.02f)), g.constant("az", zeroPoint(t, -4)), g.constant("b", Value::of(DType::I8, {K, N}, b)),
                               g.constant("bs", Value::f32({N}, bs)), g.constant("bz", Value::of(DType::I8, {N}, std::vector<int8_t>(static_cast<size_t>(N), 0))),
                               g.constant("ys", scalarF(0.05f)), g.constant("yz", zeroPoint(t, 9))});
      expectBitExact(g, randomBytes(rng, static_cast<size_t>(2 * rows * K)), "QLinearMatMul " + d + " rows " + std::to_string(rows), Needs::Avx2);
    }
    for (int64_t rows : {1, 3, 50}) {
      GraphBuilder g;
      const int64_t K = 37, N = 21;
      const int a = g.input("a", t, {rows, K});
      std::vector<int8_t> b(static_cast<size_t>(N * K));
      for (auto& v : b) v = static_cast<int8_t>(std::uniform_int_distribution<int>(-127, 127)(rng));
      std::vector<int32_t> bias(static_cast<size_t>(N));
      for (auto& v : bias) v = std::uniform_int_distribution<int>(-500, 500)(rng);
      g.node("QGemm", {a, g.constant("as", scalarF(0.02f)), g.constant("az", zeroPoint(t, 3)), g.constant("b", Value::of(DType::I8, {N, K}, b)),
                       g.constant("bs", scalarF(0.01f)), g.constant("bz", Value::of(DType::I8, {}, std::vector<int8_t>{0})),
                       g.constant("c", Value::of(DType::I32, {N}, bias)), g.constant("ys", scalarF(0.03f)), g.constant("yz", zeroPoint(t, 0))},
             attrs({Attribute::Int("transB", 1)}));
      expectBitExact(g, randomBytes(rng, static_cast<size_t>(rows * K)), "QGemm " + d + " rows " + std::to_string(rows), Needs::Avx2);
    }
  }
}

}  // namespace
}  // namespace test
}  // namespace zy
