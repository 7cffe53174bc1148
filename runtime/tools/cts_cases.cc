#include "cts_cases.h"

#include <cmath>
#include <random>

namespace zy {
namespace cts {
namespace {

std::mt19937& rng() {
  static std::mt19937 r(7);
  return r;
}

std::vector<int8_t> int8s(size_t n, int lo = -127, int hi = 127) {
  std::uniform_int_distribution<int> d(lo, hi);
  std::vector<int8_t> v(n);
  for (auto& x : v) x = static_cast<int8_t>(d(rng()));
  return v;
}
std::vector<float> floats(size_t n, float lo = -1.f, float hi = 1.f) {
  std::uniform_real_distribution<float> d(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng());
  return v;
}
int32_t scale(ModelBuilder& b, const std::string& name, float v) { return b.constant(name, TensorValue::f32({}, {v})); }
int32_t zeroPoint(ModelBuilder& b, const std::string& name, DType t, int v) {
  return t == DType::U8 ? b.constant(name, TensorValue::of(t, {}, std::vector<uint8_t>{static_cast<uint8_t>(v)}))
                        : b.constant(name, TensorValue::of(t, {}, std::vector<int8_t>{static_cast<int8_t>(v)}));
}
size_t count(const Shape& s) {
  size_t n = 1;
  for (int64_t d : s) n *= static_cast<size_t>(d);
  return n;
}

struct ConvSpec {
  DType x = DType::U8;
  int64_t c = 8, m = 16, h = 10, w = 10, k = 3, stride = 1, pad = 1, dilation = 1, group = 1;
  const char* activation = "";
  bool ties = false;  // power-of-two scales: exact rounding ties
};

void qconv(ModelBuilder& b, const ConvSpec& s) {
  const int x = b.input("x", s.x, {1, s.c, s.h, s.w});
  const Shape ws_shape = {s.m, s.c / s.group, s.k, s.k};
  std::vector<float> wscale(static_cast<size_t>(s.m));
  for (size_t i = 0; i < wscale.size(); ++i) wscale[i] = s.ties ? std::ldexp(1.f, -7 - static_cast<int>(i % 3)) : 0.002f * (1 + i % 5);
  std::vector<int32_t> bias(static_cast<size_t>(s.m));
  std::uniform_int_distribution<int> bd(-2000, 2000);
  for (auto& v : bias) v = bd(rng());
  Attributes a = attrs({Attribute::Ints("kernel_shape", {s.k, s.k}), Attribute::Ints("strides", {s.stride, s.stride}),
                        Attribute::Ints("pads", {s.pad, s.pad, s.pad, s.pad}), Attribute::Ints("dilations", {s.dilation, s.dilation}),
                        Attribute::Int("group", s.group)});
  if (*s.activation) a.set(Attribute::String("activation", s.activation));
  b.output(b.node("QLinearConv",
                  {x, scale(b, "xs", s.ties ? 1.f / 32 : 0.02f), zeroPoint(b, "xz", s.x, s.x == DType::U8 ? 121 : -3),
                   b.constant("w", TensorValue::of(DType::I8, ws_shape, int8s(count(ws_shape)))), b.constant("ws", TensorValue::f32({s.m}, wscale)),
                   b.constant("wz", TensorValue::of(DType::I8, {s.m}, std::vector<int8_t>(static_cast<size_t>(s.m), 0))),
                   scale(b, "ys", s.ties ? 1.f / 8 : 0.05f), zeroPoint(b, "yz", s.x, s.x == DType::U8 ? 128 : 1),
                   b.constant("b", TensorValue::of(DType::I32, {s.m}, bias))},
                  a));
}

void qgemm(ModelBuilder& b, bool trans_b) {
  const int64_t M = 5, K = 40, N = 12;
  const int a = b.input("a", DType::U8, {M, K});
  const Shape bs = trans_b ? Shape{N, K} : Shape{K, N};
  std::vector<int32_t> c(N);
  for (size_t i = 0; i < c.size(); ++i) c[i] = static_cast<int32_t>(i * 37) - 200;
  b.output(b.node("QGemm",
                  {a, scale(b, "as", 0.03f), zeroPoint(b, "az", DType::U8, 130), b.constant("b", TensorValue::of(DType::I8, bs, int8s(count(bs)))),
                   b.constant("bs", TensorValue::f32({}, {0.01f})), b.constant("bz", TensorValue::of(DType::I8, {}, std::vector<int8_t>{0})),
                   b.constant("c", TensorValue::of(DType::I32, {N}, c)), scale(b, "ys", 0.08f), zeroPoint(b, "yz", DType::U8, 120)},
                  attrs({Attribute::Int("transB", trans_b ? 1 : 0)})));
}

// x -> op(x) for an 8-bit input of `shape`, with per-tensor parameters.
void qunary(ModelBuilder& b, const std::string& type, DType t, const Shape& shape, const Attributes& a = {}) {
  const int x = b.input("x", t, shape);
  b.output(b.node(type, {x, scale(b, "xs", 0.04f), zeroPoint(b, "xz", t, 5), scale(b, "ys", 0.03f), zeroPoint(b, "yz", t, -2 + (t == DType::U8) * 130)}, a));
}

void qbinary(ModelBuilder& b, const std::string& type, const Shape& a_shape, const Shape& b_shape) {
  const int x = b.input("a", DType::I8, a_shape), y = b.input("b", DType::I8, b_shape);
  b.output(b.node(type, {x, scale(b, "as", 0.05f), zeroPoint(b, "az", DType::I8, 3), y, scale(b, "bs", 0.02f), zeroPoint(b, "bz", DType::I8, -4),
                         scale(b, "ys", 0.06f), zeroPoint(b, "yz", DType::I8, 0)}));
}

void fconv(ModelBuilder& b, int64_t c, int64_t m, int64_t k, int64_t stride, int64_t group, const char* activation) {
  const int x = b.input("x", DType::F32, {1, c, 12, 11});
  const Shape ws = {m, c / group, k, k};
  Attributes a = attrs({Attribute::Ints("kernel_shape", {k, k}), Attribute::Ints("strides", {stride, stride}),
                        Attribute::Ints("pads", {k / 2, k / 2, k / 2, k / 2}), Attribute::Int("group", group)});
  if (*activation) a.set(Attribute::String("activation", activation));
  b.output(b.node("Conv", {x, b.constant("w", TensorValue::f32(ws, floats(count(ws)))), b.constant("b", TensorValue::f32({m}, floats(m)))}, a));
}

Attributes pool(int64_t k, int64_t s, int64_t p) {
  return attrs({Attribute::Ints("kernel_shape", {k, k}), Attribute::Ints("strides", {s, s}), Attribute::Ints("pads", {p, p, p, p})});
}

std::vector<OpCase> makeCases() {
  std::vector<OpCase> v;
  auto q = [&](const std::string& name, std::function<void(ModelBuilder&)> f) { v.push_back({name, true, 0.f, std::move(f)}); };
  auto f = [&](const std::string& name, std::function<void(ModelBuilder&)> g) { v.push_back({name, false, 1e-4f, std::move(g)}); };
  // int8
  q("QLinearConv 3x3 pad 1, u8", [](ModelBuilder& b) { qconv(b, {}); });
  q("QLinearConv 3x3 stride 2, i8, Relu", [](ModelBuilder& b) { ConvSpec s; s.x = DType::I8; s.stride = 2; s.activation = "Relu"; qconv(b, s); });
  q("QLinearConv 1x1, exact ties", [](ModelBuilder& b) { ConvSpec s; s.k = 1; s.pad = 0; s.ties = true; qconv(b, s); });
  q("QLinearConv depthwise 3x3", [](ModelBuilder& b) { ConvSpec s; s.c = s.m = s.group = 12; qconv(b, s); });
  q("QLinearConv depthwise 5x5 stride 2, i8", [](ModelBuilder& b) { ConvSpec s; s.x = DType::I8; s.c = s.m = s.group = 8; s.k = 5; s.pad = 2; s.stride = 2; qconv(b, s); });
  q("QLinearConv 2 groups, dilation 2, Clip", [](ModelBuilder& b) {
    ConvSpec s; s.group = 2; s.dilation = 2; s.pad = 2; s.activation = "Clip"; qconv(b, s);
  });
  q("QGemm transB=1", [](ModelBuilder& b) { qgemm(b, true); });
  q("QGemm transB=0", [](ModelBuilder& b) { qgemm(b, false); });
  q("QLinearMatMul batched A", [](ModelBuilder& b) {
    const int a = b.input("a", DType::I8, {2, 3, 24});
    b.output(b.node("QLinearMatMul", {a, scale(b, "as", 0.02f), zeroPoint(b, "az", DType::I8, -5), b.constant("b", TensorValue::of(DType::I8, {24, 7}, int8s(168))),
                                      b.constant("bs", TensorValue::f32({}, {0.03f})), b.constant("bz", TensorValue::of(DType::I8, {}, std::vector<int8_t>{0})),
                                      scale(b, "ys", 0.1f), zeroPoint(b, "yz", DType::I8, 4)}));
  });
  q("MaxPool int8 3x3 stride 2 pad 1", [](ModelBuilder& b) { b.output(b.node("MaxPool", {b.input("x", DType::I8, {1, 6, 13, 13})}, pool(3, 2, 1))); });
  q("MaxPool u8 2x2 stride 2", [](ModelBuilder& b) { b.output(b.node("MaxPool", {b.input("x", DType::U8, {2, 3, 8, 9})}, pool(2, 2, 0))); });
  q("QLinearGlobalAveragePool", [](ModelBuilder& b) { qunary(b, "QLinearGlobalAveragePool", DType::U8, {1, 10, 7, 7}); });
  q("QLinearAdd", [](ModelBuilder& b) { qbinary(b, "QLinearAdd", {1, 4, 6, 6}, {1, 4, 6, 6}); });
  q("QLinearMul per channel", [](ModelBuilder& b) { qbinary(b, "QLinearMul", {1, 4, 6, 6}, {1, 4, 1, 1}); });
  q("QLinearConcat axis 1", [](ModelBuilder& b) {
    const int x = b.input("x", DType::I8, {1, 3, 4, 4}), y = b.input("y", DType::I8, {1, 5, 4, 4});
    b.output(b.node("QLinearConcat", {scale(b, "ys", 0.05f), zeroPoint(b, "yz", DType::I8, 2), x, scale(b, "xs", 0.05f), zeroPoint(b, "xz", DType::I8, 2), y,
                                      scale(b, "s2", 0.09f), zeroPoint(b, "z2", DType::I8, -7)},
                    attrs({Attribute::Int("axis", 1)})));
  });
  q("QLinearLookup", [](ModelBuilder& b) {
    const int x = b.input("x", DType::I8, {2, 50});
    b.output(b.node("QLinearLookup", {x, b.constant("table", TensorValue::of(DType::I8, {256}, int8s(256, -128, 127)))}));
  });
  q("Resize nearest x2, u8", [](ModelBuilder& b) {
    const int x = b.input("x", DType::U8, {1, 3, 5, 7});
    b.output(b.node("Resize", {x, -1, b.constant("scales", TensorValue::f32({4}, {1.f, 1.f, 2.f, 2.f}))}, attrs({Attribute::String("mode", "nearest")})));
  });
  q("Resize nearest to sizes, asymmetric floor, i8", [](ModelBuilder& b) {
    const int x = b.input("x", DType::I8, {1, 4, 6, 5});
    b.output(b.node("Resize", {x, -1, -1, b.constant("sizes", TensorValue::i64({4}, {1, 4, 9, 13}))},
                    attrs({Attribute::String("mode", "nearest"), Attribute::String("coordinate_transformation_mode", "asymmetric"),
                           Attribute::String("nearest_mode", "floor")})));
  });
  q("Flatten int8", [](ModelBuilder& b) { b.output(b.node("Flatten", {b.input("x", DType::I8, {2, 3, 4, 5})}, attrs({Attribute::Int("axis", 1)}))); });
  q("Reshape u8", [](ModelBuilder& b) {
    b.output(b.node("Reshape", {b.input("x", DType::U8, {2, 3, 4, 5}), b.constant("shape", TensorValue::i64({3}, {4, -1, 5}))}));
  });
  q("QuantizeLinear f32 -> u8", [](ModelBuilder& b) {
    b.output(b.node("QuantizeLinear", {b.input("x", DType::F32, {2, 33}), scale(b, "s", 0.01f), zeroPoint(b, "z", DType::U8, 128)}));
  });
  q("DequantizeLinear i8 -> f32", [](ModelBuilder& b) {
    b.output(b.node("DequantizeLinear", {b.input("x", DType::I8, {2, 33}), scale(b, "s", 0.01f), zeroPoint(b, "z", DType::I8, -3)}));
  });
  // float
  f("Conv 3x3, bias, Relu", [](ModelBuilder& b) { fconv(b, 8, 16, 3, 1, 1, "Relu"); });
  f("Conv 1x1", [](ModelBuilder& b) { fconv(b, 16, 24, 1, 1, 1, ""); });
  f("Conv 3x3 stride 2", [](ModelBuilder& b) { fconv(b, 5, 7, 3, 2, 1, ""); });
  f("Conv depthwise 3x3", [](ModelBuilder& b) { fconv(b, 12, 12, 3, 1, 12, "Clip"); });
  f("Gemm transB=1", [](ModelBuilder& b) {
    b.output(b.node("Gemm", {b.input("a", DType::F32, {4, 30}), b.constant("b", TensorValue::f32({9, 30}, floats(270))), b.constant("c", TensorValue::f32({9}, floats(9)))},
                    attrs({Attribute::Int("transB", 1)})));
  });
  f("MatMul batched", [](ModelBuilder& b) { b.output(b.node("MatMul", {b.input("a", DType::F32, {3, 5, 16}), b.input("b", DType::F32, {3, 16, 6})})); });
  f("Add broadcast", [](ModelBuilder& b) { b.output(b.node("Add", {b.input("a", DType::F32, {2, 3, 4, 5}), b.input("b", DType::F32, {1, 3, 1, 1})})); });
  f("Add same shape", [](ModelBuilder& b) { b.output(b.node("Add", {b.input("a", DType::F32, {3, 8, 5}), b.input("b", DType::F32, {3, 8, 5})})); });
  f("Mul", [](ModelBuilder& b) { b.output(b.node("Mul", {b.input("a", DType::F32, {4, 7}), b.input("b", DType::F32, {4, 7})})); });
  f("Relu", [](ModelBuilder& b) { b.output(b.node("Relu", {b.input("x", DType::F32, {3, 41})})); });
  f("Sigmoid", [](ModelBuilder& b) { b.output(b.node("Sigmoid", {b.input("x", DType::F32, {3, 41})})); });
  f("MaxPool 3x3 stride 2 pad 1", [](ModelBuilder& b) { b.output(b.node("MaxPool", {b.input("x", DType::F32, {1, 4, 11, 11})}, pool(3, 2, 1))); });
  f("AveragePool count_include_pad", [](ModelBuilder& b) {
    Attributes a = pool(3, 2, 1);
    a.set(Attribute::Int("count_include_pad", 1));
    b.output(b.node("AveragePool", {b.input("x", DType::F32, {1, 4, 11, 11})}, a));
  });
  f("GlobalAveragePool", [](ModelBuilder& b) { b.output(b.node("GlobalAveragePool", {b.input("x", DType::F32, {2, 5, 6, 7})})); });
  f("Softmax", [](ModelBuilder& b) { b.output(b.node("Softmax", {b.input("x", DType::F32, {4, 33})}, attrs({Attribute::Int("axis", -1)}))); });
  f("Concat axis 1", [](ModelBuilder& b) {
    b.output(b.node("Concat", {b.input("a", DType::F32, {2, 3, 4}), b.input("b", DType::F32, {2, 5, 4})}, attrs({Attribute::Int("axis", 1)})));
  });
  return v;
}

}  // namespace

const std::vector<OpCase>& opCases() {
  static const std::vector<OpCase> cases = makeCases();
  return cases;
}

}  // namespace cts
}  // namespace zy
