// The int8 arithmetic spec (docs/int8.md): requantization constants and
// rounding, and the reference int8 ops on cases worked out by hand.
#include <cmath>

#include "ops/requantize.h"
#include "test_util.h"

namespace zy {
namespace test {
namespace {

Value i8(Shape s, const std::vector<int8_t>& v) { return Value::of(DType::I8, std::move(s), v); }
Value u8(Shape s, const std::vector<uint8_t>& v) { return Value::of(DType::U8, std::move(s), v); }
Value i32(Shape s, const std::vector<int32_t>& v) { return Value::of(DType::I32, std::move(s), v); }
Value scalarF(float f) { return Value::f32({}, {f}); }
Value scalarI8(int8_t v) { return i8({}, {v}); }

std::vector<int> run8(const std::string& type, const Attributes& a, const std::vector<Value>& in) {
  std::vector<Value> out;
  Status s = runOp(type, a, in, &out);
  EXPECT_TRUE(s.ok()) << type << ": " << s.message();
  std::vector<int> v;
  if (out.empty()) return v;
  for (size_t i = 0; i < out[0].bytes.size(); ++i)
    v.push_back(out[0].dtype == DType::I8 ? static_cast<int8_t>(out[0].bytes[i]) : out[0].bytes[i]);
  return v;
}

TEST(Int8Spec, RequantizerOfAPowerOfTwo) {
  // 0.5 = 2^30 * 2^-31.
  Requantizer r;
  ASSERT_TRUE(Requantizer::fromReal(0.5, &r).ok());
  EXPECT_EQ(r.multiplier, 1 << 30);
  EXPECT_EQ(r.shift, 31);
  // Ties go away from zero: 1.5 -> 2, 2.5 -> 3, -1.5 -> -2, -2.5 -> -3.
  EXPECT_EQ(r.apply(3), 2);
  EXPECT_EQ(r.apply(5), 3);
  EXPECT_EQ(r.apply(-3), -2);
  EXPECT_EQ(r.apply(-5), -3);
  EXPECT_EQ(r.apply(4), 2);
}

TEST(Int8Spec, RequantizerOfOneIsExact) {
  Requantizer r;
  ASSERT_TRUE(Requantizer::fromReal(1.0, &r).ok());
  for (int32_t v : {0, 1, -1, 127, -128, 1 << 20, -(1 << 30), 2147483647}) EXPECT_EQ(r.apply(v), v);
}

TEST(Int8Spec, RequantizerMatchesRealArithmetic) {
  // 0.3 ~ 1288490189 * 2^-32 (0.3 * 2^32 = 1288490188.8, rounded up).
  Requantizer r;
  ASSERT_TRUE(Requantizer::fromReal(0.3, &r).ok());
  EXPECT_EQ(r.multiplier, 1288490189);
  EXPECT_EQ(r.shift, 32);
  // 1000 * 0.3 = 300; 7 * 0.3 = 2.1 -> 2; -12 * 0.3 = -3.6 -> -4.
  EXPECT_EQ(r.apply(1000), 300);
  EXPECT_EQ(r.apply(7), 2);
  EXPECT_EQ(r.apply(-12), -4);
}

TEST(Int8Spec, RequantizerLimits) {
  Requantizer r;
  EXPECT_FALSE(Requantizer::fromReal(std::ldexp(1.0, 31), &r).ok());  // too large
  EXPECT_FALSE(Requantizer::fromReal(-1.0, &r).ok());
  ASSERT_TRUE(Requantizer::fromReal(1e-12, &r).ok());  // below 2^-31: everything rounds to 0
  EXPECT_EQ(r.apply(2147483647), 0);
}

TEST(Int8Spec, FusedReluAndClipBecomeTheOutputRange) {
  QuantRange q;
  ASSERT_TRUE(outputRange(attrs({Attribute::String("activation", "Relu")}), DType::I8, 0.1f, -5, &q).ok());
  EXPECT_EQ(q.lo, -5);
  EXPECT_EQ(q.hi, 127);
  // Clip(0, 6) at scale 6/255 and zero point -128: [-128, 127].
  ASSERT_TRUE(outputRange(attrs({Attribute::String("activation", "Clip"), Attribute::Float("activation_alpha", 0.f),
                                 Attribute::Float("activation_beta", 1.f)}),
                          DType::I8, 0.02f, -10, &q)
                  .ok());
  EXPECT_EQ(q.lo, -10);  // 0 / 0.02 - 10
  EXPECT_EQ(q.hi, 40);   // 1 / 0.02 - 10
  EXPECT_FALSE(outputRange(attrs({Attribute::String("activation", "Sigmoid")}), DType::I8, 0.1f, 0, &q).ok());
}

TEST(Int8Spec, QLinearConvPerChannelWithBias) {
  // x = [1, 2, 3, 4] - zp 1 -> [0, 1, 2, 3]; 1x1 conv, two output channels
  // with weights 2 and -3 at scales 0.5 and 0.25, x scale 1, y scale 1, y zp 10.
  // channel 0: (2 * x' + bias 1) * 0.5 = [0.5, 1.5, 2.5, 3.5] -> [1, 2, 3, 4] + 10
  // channel 1: (-3 * x' + 0) * 0.25 = [0, -0.75, -1.5, -2.25] -> [0, -1, -2, -2] + 10
  auto y = run8("QLinearConv", {},
                {i8({1, 1, 2, 2}, {1, 2, 3, 4}), scalarF(1.f), scalarI8(1), i8({2, 1, 1, 1}, {2, -3}),
                 Value::f32({2}, {0.5f, 0.25f}), i8({2}, {0, 0}), scalarF(1.f), scalarI8(10), i32({2}, {1, 0})});
  EXPECT_EQ(y, (std::vector<int>{11, 12, 13, 14, 10, 9, 8, 8}));
}

TEST(Int8Spec, QLinearConvFusedReluClampsAtTheZeroPoint) {
  // y = -x' with y zp 3: [3, 2, 1, 0], Relu keeps >= 3.
  auto y = run8("QLinearConv", attrs({Attribute::String("activation", "Relu")}),
                {i8({1, 1, 2, 2}, {0, 1, 2, 3}), scalarF(1.f), scalarI8(0), i8({1, 1, 1, 1}, {-1}), scalarF(1.f), scalarI8(0),
                 scalarF(1.f), scalarI8(3)});
  EXPECT_EQ(y, (std::vector<int>{3, 3, 3, 3}));
}

TEST(Int8Spec, QLinearAddRoundsOnceAwayFromZero) {
  // a scale 0.5, b scale 0.25, y scale 1: 0.5 * a + 0.25 * b, one rounding.
  // (1, 1) -> 0.75 -> 1; (1, 2) -> 1.0; (-1, -2) -> -1.0; (3, 0) -> 1.5 -> 2;
  // (-3, 0) -> -1.5 -> -2; (1, -1) -> 0.25 -> 0.
  auto y = run8("QLinearAdd", {},
                {i8({6}, {1, 1, -1, 3, -3, 1}), scalarF(0.5f), scalarI8(0), i8({6}, {1, 2, -2, 0, 0, -1}), scalarF(0.25f),
                 scalarI8(0), scalarF(1.f), scalarI8(0)});
  EXPECT_EQ(y, (std::vector<int>{1, 1, -1, 2, -2, 0}));
}

TEST(Int8Spec, QLinearAddUsesTwentyBitMultipliers) {
  // a scale 1 - 2^-24, b scale 1, y scale 2: ra = 0.5 - 2^-25, rb = 0.5 (its
  // frexp exponent E = 0), so K = 20 and Ma = llround(2^19 - 2^-5) = 2^19: the
  // factor is exactly 0.5, and a = 1 rounds away from zero to 1 (the exact
  // product, 0.49999997, would round to 0). a = -1 gives -1; a = 2 gives 1.
  auto y = run8("QLinearAdd", {},
                {i8({3}, {1, -1, 2}), scalarF(1.f - 0x1p-24f), scalarI8(0), i8({3}, {0, 0, 0}), scalarF(1.f), scalarI8(0),
                 scalarF(2.f), scalarI8(0)});
  EXPECT_EQ(y, (std::vector<int>{1, -1, 1}));
}

TEST(Int8Spec, QLinearMulBroadcasts) {
  // [2, 3] * 4 at scales 0.5, 0.5 -> y scale 1: 0.25 * [8, 12] = [2, 3].
  auto y = run8("QLinearMul", {},
                {u8({2}, {2, 3}), scalarF(0.5f), u8({}, {0}), u8({1}, {4}), scalarF(0.5f), u8({}, {0}), scalarF(1.f), u8({}, {0})});
  EXPECT_EQ(y, (std::vector<int>{2, 3}));
}

TEST(Int8Spec, QLinearGlobalAveragePoolRoundsTheMean) {
  // Channel 0: mean of [1, 2, 3, 4] - 0 = 2.5 -> 3; channel 1: mean of
  // [-1, -2, -3, -4] = -2.5 -> -3 (y scale = x scale).
  auto y = run8("QLinearGlobalAveragePool", {},
                {i8({1, 2, 2, 2}, {1, 2, 3, 4, -1, -2, -3, -4}), scalarF(0.1f), scalarI8(0), scalarF(0.1f), scalarI8(0)});
  EXPECT_EQ(y, (std::vector<int>{3, -3}));
}

TEST(Int8Spec, QLinearConcatRequantizesEachInput) {
  // y scale 1, zp 0: [10, 20] at scale 1 copied; [3] at scale 0.5 zp 1 -> (3 - 1) * 0.5 = 1.
  auto y = run8("QLinearConcat", attrs({Attribute::Int("axis", 0)}),
                {scalarF(1.f), scalarI8(0), i8({2}, {10, 20}), scalarF(1.f), scalarI8(0), i8({1}, {3}), scalarF(0.5f), scalarI8(1)});
  EXPECT_EQ(y, (std::vector<int>{10, 20, 1}));
}

TEST(Int8Spec, QGemmTransposedWithBias) {
  // A = [[1, 2]], B^T = [[3, 4], [-1, 1]] -> [11, 1] + C [1, -2] = [12, -1], times 0.5 -> [6, -0.5 -> -1].
  auto y = run8("QGemm", attrs({Attribute::Int("transB", 1)}),
                {i8({1, 2}, {1, 2}), scalarF(1.f), scalarI8(0), i8({2, 2}, {3, 4, -1, 1}), scalarF(0.5f), scalarI8(0),
                 i32({2}, {1, -2}), scalarF(1.f), scalarI8(0)});
  EXPECT_EQ(y, (std::vector<int>{6, -1}));
}

TEST(Int8Spec, QLinearLookupIndexesByTheByte) {
  // int8 -1 is byte 255, -128 is byte 128.
  std::vector<int8_t> table(256);
  for (int i = 0; i < 256; ++i) table[i] = static_cast<int8_t>(i / 2 - 64);
  auto y = run8("QLinearLookup", {}, {i8({4}, {0, 1, -1, -128}), i8({256}, table)});
  EXPECT_EQ(y, (std::vector<int>{-64, -64, 63, 0}));
}

TEST(Int8Spec, QGemmNeedsAnInt8Output) {
  std::vector<Value> out;
  EXPECT_FALSE(runOp("QGemm", {}, {i8({1, 1}, {1}), scalarF(1.f), scalarI8(0), i8({1, 1}, {1}), scalarF(1.f), scalarI8(0)}, &out).ok());
}

}  // namespace
}  // namespace test
}  // namespace zy
