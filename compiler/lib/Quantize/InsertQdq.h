// Puts QuantizeLinear/DequantizeLinear pairs around the ops that run in int8
// (the QDQ form), from calibrated ranges; zy-fold-qdq then makes them int8 ops.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "Calibration.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir {
namespace zy {

// Asymmetric int8 parameters of an activation: real = scale * (q - zero_point).
struct QuantParams {
  float scale = 1.f;
  int32_t zero_point = 0;
  static QuantParams forRange(TensorRange r);
};

// One op that became int8, for the report and the accuracy search.
struct QuantizedLayer {
  std::string name;      // the op's node name (the int8 op keeps it)
  std::string type;      // its ONNX op type before quantization
  std::string producer;  // node name of the op whose float output is quantized (the op, or its fused Relu/Clip)
  std::vector<std::string> input_producers;  // node names of its activation inputs' producers ("" for model inputs)
  QuantParams output;
};

// Inserts the QDQ form into f. ranges: calibrated ranges of f's float values.
// Weights become per-output-channel symmetric int8 in [-127, 127]; biases stay
// float (zy-fold-qdq requantizes them). Ops named in keep_float stay float.
// tensors receives each quantized tensor's parameters, by its producer's node
// name ("input" for model inputs).
std::vector<QuantizedLayer> insertQdq(func::FuncOp f, const llvm::DenseMap<Value, TensorRange>& ranges,
                                      const std::set<std::string>& keep_float, std::map<std::string, QuantParams>* tensors);

}  // namespace zy
}  // namespace mlir
