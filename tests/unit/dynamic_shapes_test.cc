// Models with dimensions known only at run time: the session infers shapes
// per run, plans a new arena when they change and keeps it while they don't.
#include <cmath>

#include "exec/session.h"
#include "test_util.h"

namespace zy {
namespace test {
namespace {

// x[?, 4] -> Tanh -> Softmax(axis 1) -> y[?, 4], plus s = Shape(x) (i64[2]).
Model dynamicModel() {
  Model m;
  auto add = [&](const char* name, Shape shape, DType dt, TensorKind kind) {
    Tensor t;
    t.name = name;
    t.dtype = dt;
    t.shape = std::move(shape);
    t.kind = kind;
    m.tensors.push_back(t);
    return static_cast<int32_t>(m.tensors.size() - 1);
  };
  int32_t x = add("x", {-1, 4}, DType::F32, TensorKind::Input);
  int32_t h = add("h", {-1, 4}, DType::F32, TensorKind::Intermediate);
  int32_t y = add("y", {-1, 4}, DType::F32, TensorKind::Output);
  int32_t s = add("s", {2}, DType::I64, TensorKind::Output);
  Node tanh_node{"Tanh", "", "tanh", {x}, {h}, {}, 0};
  Node softmax{"Softmax", "", "softmax", {h}, {y}, attrs({Attribute::Int("axis", 1)}), 0};
  Node shape{"Shape", "", "shape", {x}, {s}, {}, 0};
  m.graph.nodes = {tanh_node, softmax, shape};
  m.graph.inputs = {x};
  m.graph.outputs = {y, s};
  return m;
}

// Softmax of tanh over a row, by hand.
std::vector<float> expected(const std::vector<float>& row) {
  std::vector<float> e;
  float sum = 0;
  for (float v : row) { e.push_back(std::exp(std::tanh(v))); sum += e.back(); }
  for (float& v : e) v /= sum;
  return e;
}

// A bound input of a dynamic model: each run reads the caller's rows as they
// are then, in the shape given at binding.
TEST(DynamicShapes, BoundInputIsReadInPlace) {
  Model m = dynamicModel();
  ASSERT_TRUE(validateModel(m).ok());
  std::unique_ptr<Session> s;
  ASSERT_TRUE(Session::create(m, SessionOptions{}, &s).ok());
  alignas(64) float x[8] = {0.5f, -1.f, 2.f, 0.f, 1.f, 1.f, -0.5f, 3.f};
  const int64_t dims[2] = {2, 4};
  bool in_place = false;
  Status st = s->bindInput(0, DType::F32, dims, 2, x, sizeof x, &in_place);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_TRUE(in_place);
  for (int round = 0; round < 2; ++round) {
    ASSERT_TRUE(s->run().ok());
    const float* y = static_cast<const float*>(s->tensorData(m.graph.outputs[0]));
    EXPECT_EQ(s->tensorShape(m.graph.outputs[0]), (Shape{2, 4}));
    for (int r = 0; r < 2; ++r) {
      const std::vector<float> want = expected({x[4 * r], x[4 * r + 1], x[4 * r + 2], x[4 * r + 3]});
      for (int c = 0; c < 4; ++c) EXPECT_NEAR(y[4 * r + c], want[c], 1e-6f) << "round " << round;
    }
    for (float& v : x) v = -v;  // the next run must see this
  }
}

TEST(DynamicShapes, ReplansOnlyWhenShapesChange) {
  Model m = dynamicModel();
  ASSERT_TRUE(validateModel(m).ok());
  std::unique_ptr<Session> s;
  SessionOptions one_thread;
  one_thread.num_threads = 1;
  Status st = Session::create(m, one_thread, &s);
  ASSERT_TRUE(st.ok()) << st.message();
  EXPECT_TRUE(s->isDynamic());
  auto runWith = [&](int64_t rows) {
    std::vector<float> x(static_cast<size_t>(rows * 4));
    for (size_t i = 0; i < x.size(); ++i) x[i] = 0.25f * static_cast<float>(i % 7) - 0.5f;
    int64_t dims[2] = {rows, 4};
    Status r = s->setInput(0, DType::F32, dims, 2, x.data(), x.size() * 4);
    ASSERT_TRUE(r.ok()) << r.message();
    r = s->run();
    ASSERT_TRUE(r.ok()) << r.message();
    const int32_t y = m.graph.outputs[0], sh = m.graph.outputs[1];
    EXPECT_EQ(s->tensorShape(y), (Shape{rows, 4}));
    const int64_t* shape_out = static_cast<const int64_t*>(s->tensorData(sh));
    EXPECT_EQ(shape_out[0], rows);
    EXPECT_EQ(shape_out[1], 4);
    const float* out = static_cast<const float*>(s->tensorData(y));
    for (int64_t r0 = 0; r0 < rows; ++r0) {
      std::vector<float> want = expected(std::vector<float>(x.begin() + r0 * 4, x.begin() + r0 * 4 + 4));
      for (int k = 0; k < 4; ++k) EXPECT_NEAR(out[r0 * 4 + k], want[k], 1e-6f);
    }
  };
  runWith(2);
  EXPECT_EQ(s->replanCount(), 1);
  runWith(2);  // same shapes: the plan stays
  runWith(2);
  EXPECT_EQ(s->replanCount(), 1);
  runWith(5);  // new shapes: infer and plan again
  EXPECT_EQ(s->replanCount(), 2);
  runWith(5);
  EXPECT_EQ(s->replanCount(), 2);
  runWith(1);
  EXPECT_EQ(s->replanCount(), 3);
}

TEST(DynamicShapes, FixedDimensionsAreStillChecked) {
  Model m = dynamicModel();
  std::unique_ptr<Session> s;
  SessionOptions one_thread;
  one_thread.num_threads = 1;
  ASSERT_TRUE(Session::create(m, one_thread, &s).ok());
  std::vector<float> x(15);
  int64_t dims[2] = {3, 5};
  Status st = s->setInput(0, DType::F32, dims, 2, x.data(), x.size() * 4);
  EXPECT_EQ(st.message(), "input 'x' expects shape [?,4], got [3,5]");
  EXPECT_FALSE(s->run().ok());  // no input yet
}

}  // namespace
}  // namespace test
}  // namespace zy
