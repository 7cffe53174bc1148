// ONNX (opsets 7-18) -> zy dialect. Every op is located by its ONNX node name,
// and every opset's form is normalized to the newest one.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

namespace mlir {
namespace zy {

struct ConstantInput {
  ::zy::DType dtype;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
};

struct ImportOptions {
  // Fixes (symbolic or not) dimensions of graph inputs: name -> shape.
  std::map<std::string, std::vector<int64_t>> input_shapes;
  // Graph inputs to treat as constants with these values (tests use this for
  // shape-like inputs such as a Reshape target).
  std::map<std::string, ConstantInput> constant_inputs;
};

// On failure returns null and sets *error to a message that names the file
// and, where it applies, the ONNX node and op.
OwningOpRef<ModuleOp> importOnnxFile(MLIRContext* ctx, const std::string& path, const ImportOptions& options,
                                     std::string* error);
OwningOpRef<ModuleOp> importOnnxBytes(MLIRContext* ctx, const std::string& bytes, const std::string& base_dir,
                                      const ImportOptions& options, std::string* error);

// True if the importer takes this node: an op the runtime supports, or one
// the importer rewrites (Constant, Upsample, Scatter) or builds regions for (If, Loop).
bool isImportableOp(const std::string& domain, const std::string& type);

// Reads a TensorProto file (.pb), e.g. ONNX test data.
bool readTensorProtoFile(const std::string& path, ConstantInput* out, std::string* name, std::string* error);

// Parses "1x3x224x224" (also "1,3,224,224").
bool parseShape(const std::string& text, std::vector<int64_t>* out);

}  // namespace zy
}  // namespace mlir
