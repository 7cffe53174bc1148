// Malformed ONNX files (truncated, bit-flipped, random, inconsistent) are
// rejected with an error message; none crashes the compiler.
#include <gtest/gtest.h>
#include <onnx/onnx_pb.h>

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <random>

#include "zy/Compiler.h"

namespace {

// Conv(x, W[2,1,3,3] initializer, B) -> Relu -> GlobalAveragePool.
onnx::ModelProto smallModel() {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  g->set_name("g");
  auto* in = g->add_input();
  in->set_name("x");
  auto* tt = in->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int d : {1, 1, 5, 5}) tt->mutable_shape()->add_dim()->set_dim_value(d);
  auto* w = g->add_initializer();
  w->set_name("W");
  w->set_data_type(onnx::TensorProto::FLOAT);
  for (int d : {2, 1, 3, 3}) w->add_dims(d);
  for (int i = 0; i < 18; ++i) w->add_float_data(0.1f * static_cast<float>(i));
  auto* b = g->add_initializer();
  b->set_name("B");
  b->set_data_type(onnx::TensorProto::FLOAT);
  b->add_dims(2);
  b->set_raw_data(std::string(8, '\0'));
  auto* conv = g->add_node();
  conv->set_op_type("Conv");
  conv->set_name("conv");
  conv->add_input("x");
  conv->add_input("W");
  conv->add_input("B");
  conv->add_output("c");
  auto* pads = conv->add_attribute();
  pads->set_name("pads");
  pads->set_type(onnx::AttributeProto::INTS);
  for (int p : {1, 1, 1, 1}) pads->add_ints(p);
  auto* relu = g->add_node();
  relu->set_op_type("Relu");
  relu->add_input("c");
  relu->add_output("r");
  auto* gap = g->add_node();
  gap->set_op_type("GlobalAveragePool");
  gap->add_input("r");
  gap->add_output("y");
  auto* out = g->add_output();
  out->set_name("y");
  out->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::FLOAT);
  return m;
}

// One file per test process: ctest runs the tests of this binary in parallel.
std::string tempPath() {
  return ::testing::TempDir() + "/zy_onnx_robustness_" + std::to_string(::getpid()) + ".onnx";
}

bool compileBytes(const std::string& bytes, std::string* error) {
  {
    std::ofstream f(tempPath(), std::ios::binary);
    f << bytes;
  }
  std::vector<uint8_t> zym;
  bool ok = mlir::succeeded(mlir::zy::compileOnnxFile(tempPath(), {}, &zym, error));
  std::remove(tempPath().c_str());
  if (!ok) {
    EXPECT_FALSE(error->empty());
  }
  return ok;
}

TEST(OnnxRobustness, ValidModelCompiles) {
  std::string err;
  EXPECT_TRUE(compileBytes(smallModel().SerializeAsString(), &err)) << err;
}

TEST(OnnxRobustness, TruncatedFilesAreRejected) {
  std::string bytes = smallModel().SerializeAsString();
  int rejected = 0, total = 0;
  for (size_t n = 0; n < bytes.size(); n += 3, ++total) {
    std::string err;
    rejected += compileBytes(bytes.substr(0, n), &err) ? 0 : 1;
  }
  // A protobuf cut at a field boundary can still parse; the rest must fail.
  EXPECT_GT(rejected, total * 3 / 4);
}

TEST(OnnxRobustness, BitFlipsNeverCrash) {
  std::string bytes = smallModel().SerializeAsString();
  int rejected = 0;
  for (size_t i = 0; i < bytes.size(); ++i)
    for (int bit : {0, 5}) {
      std::string b = bytes;
      b[i] = static_cast<char>(b[i] ^ (1 << bit));
      std::string err;
      rejected += compileBytes(b, &err) ? 0 : 1;
    }
  EXPECT_GT(rejected, 0);
}

TEST(OnnxRobustness, RandomBytesAreRejected) {
  std::mt19937 rng(3);
  for (int trial = 0; trial < 200; ++trial) {
    std::string b(1 + rng() % 400, '\0');
    for (char& c : b) c = static_cast<char>(rng());
    std::string err;
    EXPECT_FALSE(compileBytes(b, &err));
  }
}

TEST(OnnxRobustness, InconsistentModelsNameTheProblem) {
  std::string err;
  onnx::ModelProto m = smallModel();
  m.mutable_graph()->mutable_initializer(0)->add_float_data(1.f);  // 19 values for 18
  EXPECT_FALSE(compileBytes(m.SerializeAsString(), &err));
  EXPECT_NE(err.find("tensor 'W' has 19 values, its shape needs 18"), std::string::npos) << err;
  m = smallModel();
  m.mutable_graph()->mutable_node(1)->set_input(0, "nowhere");
  EXPECT_FALSE(compileBytes(m.SerializeAsString(), &err));
  EXPECT_NE(err.find("input 'nowhere' is never defined"), std::string::npos) << err;
  m = smallModel();
  m.mutable_graph()->mutable_initializer(0)->set_dims(1, 2);  // W [2,2,3,3]: channels no longer fit
  m.mutable_graph()->mutable_initializer(0)->clear_float_data();
  for (int i = 0; i < 36; ++i) m.mutable_graph()->mutable_initializer(0)->add_float_data(1.f);
  EXPECT_FALSE(compileBytes(m.SerializeAsString(), &err));
  EXPECT_NE(err.find("node 'conv' (Conv): input has 1 channels but weight [2,2,3,3]"), std::string::npos) << err;
  m = smallModel();
  m.mutable_opset_import(0)->set_version(99);
  EXPECT_FALSE(compileBytes(m.SerializeAsString(), &err));
  EXPECT_NE(err.find("ONNX opset 99 is not supported"), std::string::npos) << err;
  m = smallModel();
  m.mutable_graph()->mutable_initializer(1)->set_raw_data(std::string(4, '\0'));
  EXPECT_FALSE(compileBytes(m.SerializeAsString(), &err));
  EXPECT_NE(err.find("tensor 'B' has 4 bytes of data, its shape needs 8"), std::string::npos) << err;
}

}  // namespace
