// .zym writing, reading and verification: round trips, version checks, and
// rejection of malformed files (truncated, bit-flipped, random, inconsistent).
#include <random>

#include "test_util.h"
#include "zy_model_generated.h"

namespace zy {
namespace test {
namespace {

// x[1,4] -> Gemm(W[4,3], b[3]) -> Relu -> y[1,3]
Model smallModel() {
  GraphBuilder g;
  int32_t x = g.input("x", DType::F32, {1, 4});
  int32_t w = g.constant("W", Value::f32({4, 3}, {1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 1}));
  int32_t b = g.constant("b", Value::f32({3}, {0.5f, -10.f, 0}));
  int32_t h = g.node("Gemm", {x, w, b});
  g.output(g.node("Relu", {h}));
  return g.model();
}

std::vector<uint8_t> smallModelBytes() {
  std::vector<uint8_t> out;
  EXPECT_TRUE(writeModel(smallModel(), &out).ok());
  return out;
}

TEST(ModelFormat, RoundTripKeepsEverything) {
  Model m = smallModel();
  m.metadata.producer_name = "unit-test";
  m.metadata.opset_imports = {{"", 13}};
  m.tensors[1].quant.scale = {0.5f};
  m.tensors[1].quant.zero_point = {3};
  std::vector<uint8_t> blob(200);
  for (size_t i = 0; i < blob.size(); ++i) blob[i] = static_cast<uint8_t>(i * 7);
  m.backends.push_back(BackendTarget::withBlob("x86", blob));  // an ahead-of-time blob for the Gemm
  m.graph.nodes[0].backend = 1;
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(writeModel(m, &bytes).ok());
  Model r;
  Status s = loadModelMemory(bytes.data(), bytes.size(), &r);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(r.metadata.producer_name, "unit-test");
  EXPECT_EQ(r.metadata.onnxOpset(), 13);
  ASSERT_EQ(r.tensors.size(), m.tensors.size());
  EXPECT_EQ(r.tensors[1].shape, (Shape{4, 3}));
  EXPECT_EQ(r.tensors[1].quant.scale, std::vector<float>{0.5f});
  EXPECT_EQ(r.tensors[1].quant.zero_point, std::vector<int64_t>{3});
  ASSERT_EQ(r.graph.nodes.size(), 2u);
  EXPECT_EQ(r.graph.nodes[0].type, "Gemm");
  EXPECT_EQ(r.graph.nodes[1].type, "Relu");
  // Constant data is 64-byte aligned in the buffer, used in place.
  EXPECT_EQ(reinterpret_cast<uintptr_t>(r.tensors[1].data) % 64, 0u);
  EXPECT_EQ(std::memcmp(r.tensors[1].data, m.tensors[1].data, 48), 0);
  // So is a backend's blob.
  ASSERT_EQ(r.backends.size(), 2u);
  EXPECT_EQ(r.backends[0].name, "any");
  EXPECT_EQ(r.backends[1].name, "x86");
  EXPECT_EQ(r.graph.nodes[0].backend, 1);
  ASSERT_EQ(r.backends[1].blob_size, blob.size());
  EXPECT_EQ(reinterpret_cast<uintptr_t>(r.backends[1].blob) % 64, 0u);
  EXPECT_EQ(std::memcmp(r.backends[1].blob, blob.data(), blob.size()), 0);
}

TEST(ModelFormat, RejectsUnknownMajorVersion) {
  Model m = smallModel();
  m.version_major = 2;
  std::vector<uint8_t> bytes;
  ASSERT_TRUE(writeModel(m, &bytes).ok());
  Model r;
  Status s = loadModelMemory(bytes.data(), bytes.size(), &r);
  EXPECT_EQ(s.code(), ZY_UNSUPPORTED);
  EXPECT_NE(s.message().find("unsupported .zym format version 2.0"), std::string::npos) << s.message();
}

TEST(ModelFormat, RejectsNonZymAndMissingFiles) {
  Model r;
  const char junk[] = "definitely not a model file";
  EXPECT_EQ(loadModelMemory(junk, sizeof junk, &r).code(), ZY_INVALID_MODEL);
  Status s = loadModelFile("/nonexistent/model.zym", &r);
  EXPECT_EQ(s.code(), ZY_NOT_FOUND);
  EXPECT_NE(s.message().find("/nonexistent/model.zym"), std::string::npos);
}

TEST(ModelFormat, RejectsEveryTruncation) {
  std::vector<uint8_t> bytes = smallModelBytes();
  for (size_t n = 0; n < bytes.size(); n += 7) {
    Model r;
    EXPECT_FALSE(loadModelMemory(bytes.data(), n, &r).ok()) << "truncated to " << n;
  }
}

TEST(ModelFormat, BitFlipsNeverCrash) {
  // Every single-bit flip either still loads (a valid file) or is rejected;
  // under ASan/UBSan this also proves no out-of-bounds read.
  std::vector<uint8_t> bytes = smallModelBytes();
  int rejected = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    for (int bit = 0; bit < 8; bit += 3) {
      std::vector<uint8_t> b = bytes;
      b[i] ^= static_cast<uint8_t>(1u << bit);
      Model r;
      rejected += loadModelMemory(b.data(), b.size(), &r).ok() ? 0 : 1;
    }
  }
  EXPECT_GT(rejected, 0);
}

TEST(ModelFormat, RandomBytesAreRejected) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 500; ++trial) {
    std::vector<uint8_t> b(8 + rng() % 512);
    for (auto& x : b) x = static_cast<uint8_t>(rng());
    if (trial % 2) std::memcpy(b.data() + 4, "ZYM1", 4);  // get past the identifier check
    Model r;
    EXPECT_FALSE(loadModelMemory(b.data(), b.size(), &r).ok());
  }
}

TEST(ModelValidation, IndexOutOfRange) {
  Model m = smallModel();
  m.graph.nodes[1].inputs[0] = 99;
  Status s = validateModel(m);
  EXPECT_EQ(s.code(), ZY_INVALID_MODEL);
  EXPECT_NE(s.message().find("input index 99 is out of range"), std::string::npos) << s.message();
}

TEST(ModelValidation, CycleOrUseBeforeDefinition) {
  Model m = smallModel();
  std::swap(m.graph.nodes[0], m.graph.nodes[1]);
  Status s = validateModel(m);
  EXPECT_NE(s.message().find("used before it is computed"), std::string::npos) << s.message();
}

TEST(ModelValidation, ConstantSizeMustMatchShape) {
  Model m = smallModel();
  m.tensors[1].shape = {4, 4};
  Status s = validateModel(m);
  EXPECT_NE(s.message().find("has 48 bytes of data but f32[4,4] needs 64"), std::string::npos) << s.message();
}

TEST(ModelValidation, StoredShapesMustAgreeWithTheOps) {
  Model m = smallModel();
  m.tensors.back().shape = {1, 7};  // Relu output
  Status s = validateModel(m);
  EXPECT_NE(s.message().find("stored as f32[1,7] but the op computes f32[1,3]"), std::string::npos) << s.message();
}

TEST(ModelValidation, ArenaOffsetsMustFit) {
  Model m = smallModel();
  for (Tensor& t : m.tensors)
    if (!t.isConstant()) t.arena_offset = 0;
  m.arena_size = 8;
  Status s = validateModel(m);
  EXPECT_NE(s.message().find("lies outside the 8-byte arena"), std::string::npos) << s.message();
}

TEST(ModelValidation, TensorWrittenTwice) {
  Model m = smallModel();
  m.graph.nodes[1].outputs[0] = m.graph.nodes[0].outputs[0];
  EXPECT_NE(validateModel(m).message().find("written more than once"), std::string::npos);
}

}  // namespace
}  // namespace test
}  // namespace zy
