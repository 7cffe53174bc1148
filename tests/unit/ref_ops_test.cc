// Reference-backend op tests. Expected values are worked out by hand in the
// comments; the ONNX node suite (tests/conformance) covers the rest.
#include <cmath>

#include "test_util.h"

namespace zy {
namespace test {
namespace {

using A = Attribute;

std::vector<float> run1(const std::string& type, const Attributes& a, const std::vector<Value>& in, Shape* shape = nullptr) {
  std::vector<Value> out;
  Status s = runOp(type, a, in, &out);
  EXPECT_TRUE(s.ok()) << type << ": " << s.message();
  if (out.empty()) return {};
  if (shape) *shape = out[0].shape;
  return out[0].floats();
}

void expectNear(const std::vector<float>& got, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "element " << i;
}

const Value kX33 = Value::f32({1, 1, 3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});

TEST(RefConv, Valid2x2) {
  // Each output is the sum of a 2x2 window of 1..9: 1+2+4+5, 2+3+5+6, ...
  Shape s;
  expectNear(run1("Conv", {}, {kX33, Value::f32({1, 1, 2, 2}, {1, 1, 1, 1})}, &s), {12, 16, 24, 28});
  EXPECT_EQ(s, (Shape{1, 1, 2, 2}));
}

TEST(RefConv, PaddedStrided) {
  // 3x3 ones, pads 1, stride 2: windows centred on (0,0),(0,2),(2,0),(2,2).
  expectNear(run1("Conv", attrs({A::Ints("pads", {1, 1, 1, 1}), A::Ints("strides", {2, 2})}),
                  {kX33, Value::f32({1, 1, 3, 3}, std::vector<float>(9, 1.f))}),
             {12, 16, 24, 28});
}

TEST(RefConv, GroupsDilationBiasAndFusedRelu) {
  // Channel 0 = 1..9, channel 1 = ones; 2x2 ones with dilation 2 hits the
  // corners: 1+3+7+9 = 20 and 4. Bias [-30, -1] then Relu: 0 and 3.
  std::vector<float> x(18, 1.f);
  for (int i = 0; i < 9; ++i) x[i] = static_cast<float>(i + 1);
  Attributes a = attrs({A::Int("group", 2), A::Ints("dilations", {2, 2}), A::String("activation", "Relu")});
  expectNear(run1("Conv", a, {Value::f32({1, 2, 3, 3}, x), Value::f32({2, 1, 2, 2}, std::vector<float>(8, 1.f)),
                              Value::f32({2}, {-30, -1})}),
             {0, 3});
}

TEST(RefConv, FusedResidualIsAddedBeforeTheActivation) {
  // Valid 2x2 ones: 12, 16, 24, 28; bias -20; residual [1, -10, 2, -9]:
  // -7, -14, 6, -1; Relu: 0, 0, 6, 0.
  expectNear(run1("Conv", attrs({A::String("activation", "Relu")}),
                  {kX33, Value::f32({1, 1, 2, 2}, {1, 1, 1, 1}), Value::f32({1}, {-20}), Value::f32({1, 1, 2, 2}, {1, -10, 2, -9})}),
             {0, 0, 6, 0});
}

TEST(RefConv, SameUpperPadsAtTheEnd) {
  // 2x2 kernel, SAME_UPPER: one pad row/column at the end; (2,2) sees only 9.
  Shape s;
  auto y = run1("Conv", attrs({A::String("auto_pad", "SAME_UPPER")}), {kX33, Value::f32({1, 1, 2, 2}, {1, 1, 1, 1})}, &s);
  EXPECT_EQ(s, (Shape{1, 1, 3, 3}));
  EXPECT_FLOAT_EQ(y[0], 12);
  EXPECT_FLOAT_EQ(y[8], 9);
  EXPECT_FLOAT_EQ(y[2], 3 + 6);
}

TEST(RefConvTranspose, Stride1And2) {
  Value x = Value::f32({1, 1, 2, 2}, {1, 2, 3, 4}), w = Value::f32({1, 1, 2, 2}, {1, 1, 1, 1});
  // Stride 1: overlapping 2x2 stamps of 1,2,3,4.
  expectNear(run1("ConvTranspose", {}, {x, w}), {1, 3, 2, 4, 10, 6, 3, 7, 4});
  // Stride 2: each input value fills its own 2x2 block.
  expectNear(run1("ConvTranspose", attrs({A::Ints("strides", {2, 2})}), {x, w}),
             {1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4});
}

TEST(RefGemm, TransposeAlphaBetaBroadcastC) {
  // A.B^T = [[4,2],[10,5]]; 2*that + 0.5*[1,2] = [[8.5,5],[20.5,11]].
  Attributes a = attrs({A::Int("transB", 1), A::Float("alpha", 2.f), A::Float("beta", 0.5f)});
  expectNear(run1("Gemm", a, {Value::f32({2, 3}, {1, 2, 3, 4, 5, 6}), Value::f32({2, 3}, {1, 0, 1, 0, 1, 0}),
                              Value::f32({2}, {1, 2})}),
             {8.5f, 5, 20.5f, 11});
}

TEST(RefMatMul, BatchBroadcastAndVectors) {
  Shape s;
  // [[1,2]]·[[1],[1]] = 3 and [[3,4]]·[[1],[1]] = 7; B broadcasts over the batch.
  expectNear(run1("MatMul", {}, {Value::f32({2, 1, 2}, {1, 2, 3, 4}), Value::f32({2, 1}, {1, 1})}, &s), {3, 7});
  EXPECT_EQ(s, (Shape{2, 1, 1}));
  // Vector · vector = scalar: 1+4+9.
  expectNear(run1("MatMul", {}, {Value::f32({3}, {1, 2, 3}), Value::f32({3}, {1, 2, 3})}, &s), {14});
  EXPECT_EQ(s, Shape{});
}

TEST(RefPool, MaxPoolCeilModeWithIndices) {
  std::vector<Value> out;
  Attributes a = attrs({A::Ints("kernel_shape", {2, 2}), A::Ints("strides", {2, 2}), A::Int("ceil_mode", 1)});
  ASSERT_TRUE(runOp("MaxPool", a, {kX33}, &out, 2).ok());
  expectNear(out[0].floats(), {5, 6, 8, 9});
  EXPECT_EQ(out[1].ints(), (std::vector<int64_t>{4, 5, 7, 8}));
}

TEST(RefPool, AveragePoolCountIncludePad) {
  Value x = Value::f32({1, 1, 2, 2}, {1, 2, 3, 4});
  Attributes a = attrs({A::Ints("kernel_shape", {3, 3}), A::Ints("pads", {1, 1, 1, 1})});
  // Every window covers all four values: 10/4 without pads, 10/9 with them.
  expectNear(run1("AveragePool", a, {x}), {2.5f, 2.5f, 2.5f, 2.5f});
  a.set(A::Int("count_include_pad", 1));
  expectNear(run1("AveragePool", a, {x}), std::vector<float>(4, 10.f / 9.f));
  expectNear(run1("GlobalAveragePool", {}, {x}), {2.5f});
  expectNear(run1("GlobalMaxPool", {}, {x}), {4});
}

TEST(RefNormalization, SoftmaxAndLegacyFlatten) {
  // Row [0, ln 3] -> [1/4, 3/4].
  expectNear(run1("Softmax", attrs({A::Int("axis", 1)}), {Value::f32({2, 2}, {1, 1, 0, std::log(3.f)})}),
             {0.5f, 0.5f, 0.25f, 0.75f});
  // Opset < 13: everything from `axis` on is one row of 4.
  expectNear(run1("Softmax", attrs({A::Int("axis", 1), A::Int("legacy_2d", 1)}), {Value::f32({1, 2, 2}, {0, 0, 0, 0})}),
             {0.25f, 0.25f, 0.25f, 0.25f});
}

TEST(RefNormalization, BatchNorm) {
  // ch0: (1-1)/sqrt(3+1)*2 + 0 = 0; ch1: (2-0)/sqrt(0+1)*1 + 1 = 3.
  expectNear(run1("BatchNormalization", attrs({A::Float("epsilon", 1.f)}),
                  {Value::f32({1, 2, 1, 1}, {1, 2}), Value::f32({2}, {2, 1}), Value::f32({2}, {0, 1}),
                   Value::f32({2}, {1, 0}), Value::f32({2}, {3, 0})}),
             {0, 3});
}

TEST(RefNormalization, ReduceMean) {
  Value x = Value::f32({2, 2}, {1, 2, 3, 5});
  Shape s;
  expectNear(run1("ReduceMean", attrs({A::Int("keepdims", 0)}), {x, Value::i64({1}, {-1})}, &s), {1.5f, 4});
  EXPECT_EQ(s, Shape{2});
  expectNear(run1("ReduceMean", {}, {x}, &s), {2.75f});
  EXPECT_EQ(s, (Shape{1, 1}));
  expectNear(run1("ReduceMean", attrs({A::Int("noop_with_empty_axes", 1)}), {x}, &s), {1, 2, 3, 5});
}

TEST(RefElementwise, Activations) {
  Value x = Value::f32({4}, {-3, 0, 3, 1});
  expectNear(run1("Relu", {}, {x}), {0, 0, 3, 1});
  expectNear(run1("HardSwish", {}, {x}), {0, 0, 3, 1.f * (1.f / 6 + 0.5f)});
  expectNear(run1("LeakyRelu", attrs({A::Float("alpha", 0.1f)}), {x}), {-0.3f, 0, 3, 1});
  expectNear(run1("HardSigmoid", {}, {Value::f32({3}, {-5, 0, 5})}), {0, 0.5f, 1});
  expectNear(run1("Sigmoid", {}, {Value::f32({1}, {0})}), {0.5f});
  expectNear(run1("Tanh", {}, {Value::f32({1}, {0})}), {0});
  expectNear(run1("PRelu", {}, {Value::f32({2}, {-2, 2}), Value::f32({1}, {0.5f})}), {-1, 2});
  expectNear(run1("Clip", {}, {Value::f32({3}, {-1, 3, 9}), Value::f32({}, {0}), Value::f32({}, {6})}), {0, 3, 6});
}

TEST(RefElementwise, BroadcastArithmetic) {
  Value col = Value::f32({2, 1}, {10, 20}), row = Value::f32({3}, {1, 2, 3});
  Shape s;
  expectNear(run1("Add", {}, {col, row}, &s), {11, 12, 13, 21, 22, 23});
  EXPECT_EQ(s, (Shape{2, 3}));
  expectNear(run1("Sub", {}, {col, row}), {9, 8, 7, 19, 18, 17});
  expectNear(run1("Mul", {}, {col, row}), {10, 20, 30, 20, 40, 60});
  expectNear(run1("Div", {}, {col, row}), {10, 5, 10.f / 3, 20, 10, 20.f / 3});
  expectNear(run1("Sum", {}, {col, row, Value::f32({1}, {100})}), {111, 112, 113, 121, 122, 123});
}

TEST(RefElementwise, PerChannelBroadcast) {
  // x[1,2,1,2] with a per-channel [2,1,1]: channel 0 gets 10, channel 1 gets 20.
  Value x = Value::f32({1, 2, 1, 2}, {1, 2, 3, 4}), c = Value::f32({2, 1, 1}, {10, 20});
  expectNear(run1("Add", {}, {x, c}), {11, 12, 23, 24});
  expectNear(run1("Mul", {}, {x, c}), {10, 20, 60, 80});
  expectNear(run1("Sub", {}, {c, x}), {9, 8, 17, 16});  // the small operand first
  // A leading broadcast ([2,1] against [3,2,1]) is not a per-channel block.
  expectNear(run1("Add", {}, {Value::f32({3, 2, 1}, {0, 0, 1, 1, 2, 2}), Value::f32({2, 1}, {5, 7})}), {5, 7, 6, 8, 7, 9});
}

TEST(RefElementwise, IntegerDivisionTruncatesAndRejectsZero) {
  std::vector<Value> out;
  ASSERT_TRUE(runOp("Div", {}, {Value::i64({2}, {7, -7}), Value::i64({2}, {2, 2})}, &out).ok());
  EXPECT_EQ(out[0].ints(), (std::vector<int64_t>{3, -3}));
  Status s = runOp("Div", {}, {Value::i64({1}, {1}), Value::i64({1}, {0})}, &out);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("division by zero"), std::string::npos);
}

TEST(RefElementwise, Cast) {
  std::vector<Value> out;
  ASSERT_TRUE(runOp("Cast", attrs({A::Int("to", 7)}), {Value::f32({2}, {1.7f, -1.7f})}, &out).ok());
  EXPECT_EQ(out[0].dtype, DType::I64);
  EXPECT_EQ(out[0].ints(), (std::vector<int64_t>{1, -1}));
  ASSERT_TRUE(runOp("Cast", attrs({A::Int("to", 9)}), {Value::f32({2}, {0, 2})}, &out).ok());
  EXPECT_EQ(out[0].dtype, DType::Bool);
  EXPECT_EQ(out[0].bytes, (std::vector<uint8_t>{0, 1}));
  // f16 of 1.5 is 0x3E00.
  ASSERT_TRUE(runOp("Cast", attrs({A::Int("to", 10)}), {Value::f32({1}, {1.5f})}, &out).ok());
  EXPECT_EQ(out[0].bytes, (std::vector<uint8_t>{0x00, 0x3E}));
}

TEST(RefTensor, ConcatSplitSlice) {
  expectNear(run1("Concat", attrs({A::Int("axis", -1)}), {Value::f32({2, 1}, {1, 2}), Value::f32({2, 1}, {3, 4})}),
             {1, 3, 2, 4});
  std::vector<Value> out;
  ASSERT_TRUE(runOp("Split", attrs({A::Int("axis", 0)}), {Value::f32({3}, {1, 2, 3}), Value::i64({2}, {1, 2})}, &out, 2).ok());
  expectNear(out[0].floats(), {1});
  expectNear(out[1].floats(), {2, 3});
  // num_outputs (opset 18): ceil(5/2) = 3, then the rest.
  ASSERT_TRUE(runOp("Split", attrs({A::Int("num_outputs", 2)}), {Value::f32({5}, {1, 2, 3, 4, 5})}, &out, 2).ok());
  expectNear(out[0].floats(), {1, 2, 3});
  expectNear(out[1].floats(), {4, 5});
  // Negative step: 8, 5, 2. Out-of-range bounds clamp to the whole axis.
  Value x = Value::f32({10}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9});
  expectNear(run1("Slice", {}, {x, Value::i64({1}, {8}), Value::i64({1}, {1}), Value::i64({1}, {0}), Value::i64({1}, {-3})}),
             {8, 5, 2});
  expectNear(run1("Slice", {}, {x, Value::i64({1}, {-1000}), Value::i64({1}, {1000})}), x.floats());
}

TEST(RefTensor, TransposeGatherPad) {
  expectNear(run1("Transpose", attrs({A::Ints("perm", {1, 0})}), {Value::f32({2, 3}, {1, 2, 3, 4, 5, 6})}),
             {1, 4, 2, 5, 3, 6});
  Value m = Value::f32({2, 3}, {1, 2, 3, 4, 5, 6});
  expectNear(run1("Gather", attrs({A::Int("axis", 1)}), {m, Value::i64({2}, {-1, 0})}), {3, 1, 6, 4});
  std::vector<Value> out;
  Status s = runOp("Gather", attrs({A::Int("axis", 1)}), {m, Value::i64({1}, {3})}, &out);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("out of range"), std::string::npos);
  Value v = Value::f32({3}, {1, 2, 3});
  Value pads = Value::i64({2}, {2, 2});
  expectNear(run1("Pad", attrs({A::String("mode", "reflect")}), {v, pads}), {3, 2, 1, 2, 3, 2, 1});
  expectNear(run1("Pad", attrs({A::String("mode", "edge")}), {v, pads}), {1, 1, 1, 2, 3, 3, 3});
  expectNear(run1("Pad", {}, {v, pads, Value::f32({}, {9})}), {9, 9, 1, 2, 3, 9, 9});
}

TEST(RefTensor, ReshapeFamilyAndShape) {
  Value x = Value::f32({2, 3, 4}, std::vector<float>(24, 1.f));
  Shape s;
  run1("Reshape", {}, {x, Value::i64({2}, {0, -1})}, &s);
  EXPECT_EQ(s, (Shape{2, 12}));
  run1("Flatten", attrs({A::Int("axis", 0)}), {x}, &s);
  EXPECT_EQ(s, (Shape{1, 24}));
  run1("Unsqueeze", {}, {x, Value::i64({2}, {0, -1})}, &s);
  EXPECT_EQ(s, (Shape{1, 2, 3, 4, 1}));
  run1("Squeeze", {}, {Value::f32({1, 3, 1}, {1, 2, 3})}, &s);
  EXPECT_EQ(s, Shape{3});
  std::vector<Value> out;
  ASSERT_TRUE(runOp("Shape", attrs({A::Int("start", 1)}), {x}, &out).ok());
  EXPECT_EQ(out[0].ints(), (std::vector<int64_t>{3, 4}));
}

TEST(RefResize, NearestAndLinear) {
  Value none{DType::Undefined, {}, {}};
  Value x = Value::f32({1, 1, 1, 2}, {1, 2});
  Value scales = Value::f32({4}, {1, 1, 1, 2});
  expectNear(run1("Resize", attrs({A::String("coordinate_transformation_mode", "asymmetric")}), {x, none, scales}),
             {1, 1, 2, 2});
  // half_pixel: source x = (i + 0.5)/2 - 0.5 = -0.25, 0.25, 0.75, 1.25 -> clamped 0, .25, .75, 1.
  expectNear(run1("Resize", attrs({A::String("mode", "linear")}), {Value::f32({1, 1, 1, 2}, {1, 3}), none, scales}),
             {1, 1.5f, 2.5f, 3});
}

// int8 models resize in nearest mode on the 8-bit data itself (values only
// move); half_pixel + round_prefer_floor at 2x: source = ceil((i + 0.5) / 2 - 1) = 0, 0, 1, 1.
TEST(RefResize, NearestOn8BitDataAndLinearRefused) {
  Value none{DType::Undefined, {}, {}};
  Value scales = Value::f32({4}, {1, 1, 2, 2});
  std::vector<Value> out;
  ASSERT_TRUE(runOp("Resize", {}, {Value::of(DType::I8, {1, 1, 2, 2}, std::vector<int8_t>{-7, 3, 100, -128}), none, scales}, &out).ok());
  EXPECT_EQ(out[0].dtype, DType::I8);
  const std::vector<int8_t> want = {-7, -7, 3, 3, -7, -7, 3, 3, 100, 100, -128, -128, 100, 100, -128, -128};
  ASSERT_EQ(out[0].bytes.size(), want.size());
  EXPECT_EQ(0, std::memcmp(out[0].bytes.data(), want.data(), want.size()));
  Status st = runOp("Resize", attrs({A::String("mode", "linear")}),
                    {Value::of(DType::U8, {1, 1, 2, 2}, std::vector<uint8_t>{1, 2, 3, 4}), none, scales}, &out);
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("nearest"), std::string::npos) << st.message();
}

TEST(RefKernels, RejectUnsupportedDtypesClearly) {
  std::vector<Value> out;
  Value xi = Value::i64({1, 1, 2, 2}, {1, 2, 3, 4});
  Status s = runOp("Conv", {}, {xi, xi}, &out);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("only float types"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace test
}  // namespace zy
