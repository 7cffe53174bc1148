// Helpers for runtime tests: build small models in code, run single ops.
#pragma once
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/model_builder.h"
#include "exec/op_evaluator.h"
#include "format/model_format.h"
#include "ops/shape_inference.h"

namespace zy {
namespace test {

using Value = TensorValue;

// Runs one op on the reference backend. Absent optional inputs: Value with
// dtype Undefined.
inline Status runOp(const std::string& type, const Attributes& attrs, const std::vector<Value>& inputs,
                    std::vector<Value>* outputs, size_t num_outputs = 1) {
  std::vector<ValueInfo> ins;
  for (const Value& v : inputs) ins.push_back(ValueInfo{v.dtype, v.shape, v.bytes.data()});
  std::vector<ValueInfo> outs;
  std::vector<std::vector<uint8_t>> data;
  ZY_RETURN_IF_ERROR(evaluateOp(type, attrs, ins, num_outputs, &outs, &data));
  outputs->clear();
  for (size_t i = 0; i < outs.size(); ++i) outputs->push_back(Value{outs[i].dtype, outs[i].shape, data[i]});
  return Status::OK();
}

// ModelBuilder whose shape-inference failures fail the test.
class GraphBuilder : public ModelBuilder {
 public:
  int32_t node(const std::string& type, std::vector<int32_t> inputs, Attributes attrs = {}, size_t num_outputs = 1) {
    const int32_t out = ModelBuilder::node(type, std::move(inputs), std::move(attrs), num_outputs);
    EXPECT_TRUE(status().ok()) << status().message();
    return out;
  }
  std::vector<uint8_t> bytes() {
    std::vector<uint8_t> out;
    Status s = writeModel(model(), &out);
    EXPECT_TRUE(s.ok()) << s.message();
    return out;
  }
};

// bf16 rounding as the fast-math kernels do it (nearest even), on the host.
inline float roundToBf16(float x) {
  uint32_t b;
  std::memcpy(&b, &x, 4);
  b += 0x7fffu + ((b >> 16) & 1u);
  b &= 0xffff0000u;
  std::memcpy(&x, &b, 4);
  return x;
}

}  // namespace test
}  // namespace zy
