// The runtime's in-memory model: what the loader produces from a .zym file,
// what the writer serializes, and what the compiler's exporter fills in.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/attributes.h"
#include "core/dtype.h"

namespace zy {

using Shape = std::vector<int64_t>;

// Number of elements; -1 if any dimension is unknown (negative).
int64_t numElements(const Shape& s);
std::string shapeToString(const Shape& s);

enum class TensorKind : uint8_t { Intermediate = 0, Constant = 1, Input = 2, Output = 3 };

struct QuantParams {
  std::vector<float> scale;
  std::vector<int64_t> zero_point;
  int32_t axis = -1;
  bool empty() const { return scale.empty(); }
};

struct Tensor {
  std::string name;
  DType dtype = DType::Undefined;
  Shape shape;
  TensorKind kind = TensorKind::Intermediate;
  QuantParams quant;
  // Constant data: points into the mapped file, or into `owned`.
  const uint8_t* data = nullptr;
  size_t nbytes = 0;
  std::shared_ptr<const std::vector<uint8_t>> owned;
  int64_t arena_offset = -1;

  bool isConstant() const { return kind == TensorKind::Constant; }
  // Byte size from dtype and shape; -1 if the shape is not fully known.
  int64_t byteSize() const;
  void setOwnedData(std::vector<uint8_t> bytes);
};

struct Node {
  std::string type;
  std::string domain;
  std::string name;
  std::vector<int32_t> inputs;   // -1 = omitted optional input
  std::vector<int32_t> outputs;
  Attributes attrs;
  int32_t backend = 0;

  // Label for error messages: node 'name' (Type)
  std::string label() const;
};

struct Graph {
  std::string name;
  std::vector<Node> nodes;
  std::vector<int32_t> inputs;
  std::vector<int32_t> outputs;
};

struct Metadata {
  std::string producer_name;
  std::string producer_version;
  std::string source_format;
  int64_t source_ir_version = 0;
  std::vector<std::pair<std::string, int64_t>> opset_imports;
  std::string description;
  int64_t onnxOpset() const;
};

// A backend assignment target. `blob` is what the backend compiled ahead of
// time for the ops assigned to this entry (zy-compile --target), handed back
// to it when a session prepares them; it points into the model's storage or
// into `owned`.
struct BackendTarget {
  std::string name;  // "any" = the session's order decides
  const uint8_t* blob = nullptr;
  size_t blob_size = 0;
  std::shared_ptr<std::vector<uint8_t>> owned;

  BackendTarget(std::string n = "any") : name(std::move(n)) {}
  static BackendTarget withBlob(std::string n, std::vector<uint8_t> bytes) {
    BackendTarget b(std::move(n));
    b.owned = std::make_shared<std::vector<uint8_t>>(std::move(bytes));
    b.blob = b.owned->data();
    b.blob_size = b.owned->size();
    return b;
  }
};

struct Model {
  uint32_t version_major = 1;
  uint32_t version_minor = 0;
  Metadata metadata;
  std::vector<Tensor> tensors;
  Graph graph;
  std::vector<Graph> subgraphs;
  // Backend assignment targets; entry 0 is "any" unless a file says otherwise.
  std::vector<BackendTarget> backends{BackendTarget()};
  uint64_t arena_size = 0;   // 0 with no tensor offsets = not planned
  uint32_t arena_alignment = 64;
  // Keeps the mapped file (or copied bytes) alive while tensors point into it.
  std::shared_ptr<void> storage;
};

}  // namespace zy
