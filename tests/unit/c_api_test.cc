// The public C API end to end on small models built in code; expected values
// by hand.
#include <thread>

#include "plan/memory_planner.h"
#include "test_util.h"
#include "zy/zy.h"
#include "zy/zy.hpp"

namespace zy {
namespace test {
namespace {

// y = Relu(x . W + b) with W = [[1,0,0],[0,1,0],[0,0,1],[1,1,1]], b = [0.5,-10,0].
std::vector<uint8_t> gemmReluModel(bool planned) {
  GraphBuilder g;
  int32_t x = g.input("x", DType::F32, {1, 4});
  int32_t w = g.constant("W", Value::f32({4, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1}));
  int32_t b = g.constant("b", Value::f32({3}, {0.5f, -10.f, 0}));
  g.output(g.node("Relu", {g.node("Gemm", {x, w, b})}));
  if (planned) {
    EXPECT_TRUE(applyMemoryPlan(&g.model()).ok());
  }
  return g.bytes();
}

std::string take(zy_status_t s) {
  std::string m = zy_status_message(s);
  zy_status_free(s);
  return m;
}

TEST(CApi, LoadDescribeRunRead) {
  for (bool planned : {false, true}) {
    std::vector<uint8_t> bytes = gemmReluModel(planned);
    zy_model_t* m = nullptr;
    ASSERT_EQ(zy_model_load_memory(bytes.data(), bytes.size(), &m), nullptr);
    ASSERT_EQ(zy_model_input_count(m), 1u);
    ASSERT_EQ(zy_model_output_count(m), 1u);
    zy_tensor_info_t info;
    ASSERT_EQ(zy_model_input_info(m, 0, &info), nullptr);
    EXPECT_STREQ(info.name, "x");
    EXPECT_EQ(info.dtype, ZY_DTYPE_F32);
    EXPECT_EQ(info.rank, 2);
    EXPECT_EQ(info.dims[1], 4);
    zy_session_options_t o;
    zy_session_options_init(&o);
    o.num_threads = 2;
    zy_session_t* s = nullptr;
    ASSERT_EQ(zy_session_create(m, &o, &s), nullptr);
    // x = [1,2,3,4]: x.W = [1+4, 2+4, 3+4] = [5,6,7]; + b = [5.5,-4,7]; Relu -> [5.5,0,7].
    float x[4] = {1, 2, 3, 4};
    int64_t dims[2] = {1, 4};
    ASSERT_EQ(zy_session_set_input(s, 0, ZY_DTYPE_F32, dims, 2, x, sizeof x), nullptr);
    ASSERT_EQ(zy_session_run(s), nullptr);
    const void* data;
    size_t bytes_out;
    ASSERT_EQ(zy_session_get_output(s, 0, &info, &data, &bytes_out), nullptr);
    ASSERT_EQ(bytes_out, 12u);
    const float* y = static_cast<const float*>(data);
    EXPECT_FLOAT_EQ(y[0], 5.5f);
    EXPECT_FLOAT_EQ(y[1], 0.f);
    EXPECT_FLOAT_EQ(y[2], 7.f);
    EXPECT_GT(zy_session_arena_bytes(s), 0u);
    zy_session_release(s);
    zy_model_release(m);
  }
}

// Runs the session and returns its three outputs (the Gemm-Relu model).
std::vector<float> runGemmRelu(zy_session_t* s) {
  EXPECT_EQ(zy_session_run(s), nullptr);
  zy_tensor_info_t info;
  const void* data = nullptr;
  size_t bytes = 0;
  EXPECT_EQ(zy_session_get_output(s, 0, &info, &data, &bytes), nullptr);
  const float* y = static_cast<const float*>(data);
  return bytes == 12 ? std::vector<float>(y, y + 3) : std::vector<float>{};
}

// zy_session_bind_input: later runs read the caller's memory as it is then,
// until set_input takes over; unaligned memory and aliased inputs are copied
// instead (dynamic models: DynamicShapes.BoundInputIsReadInPlace). x =
// [1,2,3,4] -> [5.5,0,7] and x = [2,2,2,2] -> Relu([4,4,4] + b) = [4.5,0,4], by hand.
TEST(CApi, BindInputReadsTheCallersMemoryInPlace) {
  const std::vector<float> first = {5.5f, 0.f, 7.f}, second = {4.5f, 0.f, 4.f};
  {
    std::vector<uint8_t> bytes = gemmReluModel(true);
    zy_model_t* m = nullptr;
    ASSERT_EQ(zy_model_load_memory(bytes.data(), bytes.size(), &m), nullptr);
    zy_session_t* s = nullptr;
    ASSERT_EQ(zy_session_create(m, nullptr, &s), nullptr);
    alignas(64) float buf[32] = {1, 2, 3, 4};
    const int64_t dims[2] = {1, 4};
    int in_place = -1;
    ASSERT_EQ(zy_session_bind_input(s, 0, ZY_DTYPE_F32, dims, 2, buf, 16, &in_place), nullptr);
    EXPECT_EQ(in_place, 1);
    EXPECT_EQ(runGemmRelu(s), first);
    for (int i = 0; i < 4; ++i) buf[i] = 2;  // read in place: the next run sees it
    EXPECT_EQ(runGemmRelu(s), second);
    EXPECT_EQ(buf[0], 2.f);
    EXPECT_EQ(buf[3], 2.f);
    // set_input copies again: later changes to the bound memory no longer count.
    const float x0[4] = {1, 2, 3, 4};
    ASSERT_EQ(zy_session_set_input(s, 0, ZY_DTYPE_F32, dims, 2, x0, sizeof x0), nullptr);
    for (int i = 0; i < 4; ++i) buf[i] = 9;
    EXPECT_EQ(runGemmRelu(s), first);
    // Not 64-byte aligned: copied, as set_input would.
    float* odd = buf + 1;
    for (int i = 0; i < 4; ++i) odd[i] = x0[i];
    ASSERT_EQ(zy_session_bind_input(s, 0, ZY_DTYPE_F32, dims, 2, odd, 16, &in_place), nullptr);
    EXPECT_EQ(in_place, 0);
    for (int i = 0; i < 4; ++i) odd[i] = 2;
    EXPECT_EQ(runGemmRelu(s), first);
    // The checks of set_input.
    const int64_t wrong[2] = {1, 5};
    zy_status_t st = zy_session_bind_input(s, 0, ZY_DTYPE_F32, wrong, 2, buf, 20, nullptr);
    EXPECT_EQ(zy_status_code(st), ZY_INVALID_ARGUMENT);
    EXPECT_EQ(take(st), "input 'x' expects shape [1,4], got [1,5]");
    st = zy_session_bind_input(s, 0, ZY_DTYPE_F32, dims, 2, nullptr, 16, nullptr);
    EXPECT_EQ(take(st), "input 'x' has no data");
    zy_session_release(s);
    zy_model_release(m);
  }
  // An input that Flatten aliases (its output shares the input's bytes) is copied.
  GraphBuilder g;
  int32_t x = g.input("x", DType::F32, {1, 4});
  g.output(g.node("Relu", {g.node("Flatten", {x})}));
  ASSERT_TRUE(applyMemoryPlan(&g.model()).ok());
  std::vector<uint8_t> bytes = g.bytes();
  zy_model_t* m = nullptr;
  ASSERT_EQ(zy_model_load_memory(bytes.data(), bytes.size(), &m), nullptr);
  zy_session_t* s = nullptr;
  ASSERT_EQ(zy_session_create(m, nullptr, &s), nullptr);
  alignas(64) float buf[16] = {-1, 2, -3, 4};
  const int64_t dims[2] = {1, 4};
  int in_place = -1;
  ASSERT_EQ(zy_session_bind_input(s, 0, ZY_DTYPE_F32, dims, 2, buf, 16, &in_place), nullptr);
  EXPECT_EQ(in_place, 0);
  ASSERT_EQ(zy_session_run(s), nullptr);
  zy_tensor_info_t info;
  const void* data = nullptr;
  size_t out_bytes = 0;
  ASSERT_EQ(zy_session_get_output(s, 0, &info, &data, &out_bytes), nullptr);
  ASSERT_EQ(out_bytes, 16u);
  EXPECT_EQ(std::vector<float>(static_cast<const float*>(data), static_cast<const float*>(data) + 4), (std::vector<float>{0, 2, 0, 4}));
  EXPECT_EQ(buf[0], -1.f);  // the caller's memory is never written
  zy_session_release(s);
  zy_model_release(m);
}

TEST(CApi, UnknownPrecisionIsAClearError) {
  std::vector<uint8_t> bytes = gemmReluModel(true);
  zy_model_t* m = nullptr;
  ASSERT_EQ(zy_model_load_memory(bytes.data(), bytes.size(), &m), nullptr);
  zy_session_options_t o;
  zy_session_options_init(&o);
  o.precision = "fp8";
  zy_session_t* s = nullptr;
  zy_status_t st = zy_session_create(m, &o, &s);
  EXPECT_EQ(zy_status_code(st), ZY_INVALID_ARGUMENT);
  EXPECT_EQ(take(st), "unknown precision 'fp8': use fp32, bf16 or fp16");
  EXPECT_EQ(s, nullptr);
  o.precision = "fp32";
  o.thread_placement = "scatter";
  st = zy_session_create(m, &o, &s);
  EXPECT_EQ(take(st), "unknown thread placement 'scatter': use none or compact");
  o.thread_placement = nullptr;
  o.precision = "bf16";  // accepted everywhere; backends without bf16 stay f32
  ASSERT_EQ(zy_session_create(m, &o, &s), nullptr);
  zy_session_release(s);
  zy_model_release(m);
}

TEST(CApi, ClearErrorsForBadInputs) {
  std::vector<uint8_t> bytes = gemmReluModel(true);
  zy_model_t* m = nullptr;
  ASSERT_EQ(zy_model_load_memory(bytes.data(), bytes.size(), &m), nullptr);
  zy_session_t* s = nullptr;
  ASSERT_EQ(zy_session_create(m, nullptr, &s), nullptr);
  float x[8] = {0};
  int64_t wrong[2] = {2, 4};
  zy_status_t st = zy_session_set_input(s, 0, ZY_DTYPE_F32, wrong, 2, x, sizeof x);
  EXPECT_EQ(zy_status_code(st), ZY_INVALID_ARGUMENT);
  EXPECT_EQ(take(st), "input 'x' expects shape [1,4], got [2,4]");
  int64_t dims[2] = {1, 4};
  st = zy_session_set_input(s, 0, ZY_DTYPE_I32, dims, 2, x, 16);
  EXPECT_EQ(take(st), "input 'x' expects dtype f32, got i32");
  st = zy_session_set_input(s, 3, ZY_DTYPE_F32, dims, 2, x, 16);
  EXPECT_NE(take(st).find("out of range"), std::string::npos);
  size_t idx;
  st = zy_session_input_index(s, "nope", &idx);
  EXPECT_EQ(zy_status_code(st), ZY_NOT_FOUND);
  zy_status_free(st);
  EXPECT_EQ(zy_session_input_index(s, "x", &idx), nullptr);
  EXPECT_EQ(idx, 0u);
  zy_session_release(s);
  zy_session_options_t o;
  zy_session_options_init(&o);
  o.backend_order = "npu9000";
  st = zy_session_create(m, &o, &s);
  EXPECT_EQ(zy_status_code(st), ZY_NOT_FOUND);
  EXPECT_NE(take(st).find("backend 'npu9000' is not built in, and no libzy_backend_npu9000.so is in the backend path"), std::string::npos);
  zy_model_release(m);
  st = zy_model_load_file("/no/such/file.zym", &m);
  EXPECT_EQ(zy_status_code(st), ZY_NOT_FOUND);
  zy_status_free(st);
  st = zy_model_load_file(nullptr, &m);
  EXPECT_EQ(take(st), "path is NULL");
  EXPECT_STREQ(zy_status_message(nullptr), "OK");
}

TEST(CppWrapper, RunsAndReportsErrors) {
  std::vector<uint8_t> bytes = gemmReluModel(true);
  api::Model m;
  ASSERT_TRUE(api::Model::loadMemory(bytes.data(), bytes.size(), &m).ok());
  api::Session s;
  ASSERT_TRUE(api::Session::create(m, 1, "ref", &s).ok());
  float x[4] = {0, 0, 0, 1};
  ASSERT_TRUE(s.setInput(0, ZY_DTYPE_F32, {1, 4}, x, sizeof x).ok());
  ASSERT_TRUE(s.run().ok());
  zy_tensor_info_t info;
  const void* data;
  size_t n;
  ASSERT_TRUE(s.output(0, &info, &data, &n).ok());
  // x.W = [1,1,1]; + b = [1.5,-9,1] -> Relu [1.5,0,1].
  EXPECT_FLOAT_EQ(static_cast<const float*>(data)[0], 1.5f);
  EXPECT_FLOAT_EQ(static_cast<const float*>(data)[2], 1.f);
  // Bound in place: x = [0,0,2,0] -> x.W = [0,0,2] + b = [0.5,-10,2] -> Relu [0.5,0,2].
  alignas(64) float bx[16] = {0, 0, 2, 0};
  bool in_place = false;
  ASSERT_TRUE(s.bindInput(0, ZY_DTYPE_F32, {1, 4}, bx, 16, &in_place).ok());
  EXPECT_TRUE(in_place);
  ASSERT_TRUE(s.run().ok());
  ASSERT_TRUE(s.output(0, &info, &data, &n).ok());
  EXPECT_FLOAT_EQ(static_cast<const float*>(data)[0], 0.5f);
  EXPECT_FLOAT_EQ(static_cast<const float*>(data)[2], 2.f);
  api::Model bad;
  api::Result r = api::Model::loadFile("/missing.zym", &bad);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.code(), ZY_NOT_FOUND);
}

TEST(CApi, SessionsOnOneModelRunOnSeparateThreads) {
  std::vector<uint8_t> bytes = gemmReluModel(true);
  zy_model_t* m = nullptr;
  ASSERT_EQ(zy_model_load_memory(bytes.data(), bytes.size(), &m), nullptr);
  auto work = [m](float v, float* out) {
    zy_session_t* s = nullptr;
    if (zy_session_create(m, nullptr, &s)) return;
    float x[4] = {v, 0, 0, 0};
    int64_t dims[2] = {1, 4};
    for (int i = 0; i < 50; ++i) {
      zy_status_free(zy_session_set_input(s, 0, ZY_DTYPE_F32, dims, 2, x, sizeof x));
      zy_status_free(zy_session_run(s));
    }
    const void* d;
    zy_status_free(zy_session_get_output(s, 0, nullptr, &d, nullptr));
    *out = static_cast<const float*>(d)[0];
    zy_session_release(s);
  };
  float a = -1, b = -1;
  std::thread t1(work, 1.f, &a), t2(work, 2.f, &b);
  t1.join();
  t2.join();
  EXPECT_FLOAT_EQ(a, 1.5f);  // 1 + 0.5
  EXPECT_FLOAT_EQ(b, 2.5f);
  zy_model_release(m);
}

}  // namespace
}  // namespace test
}  // namespace zy
