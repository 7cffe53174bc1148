// Builds small models in code: tensors, constants and nodes, with output
// shapes from shape inference. Used by the tests and by zy-backend-cts.
#pragma once
#include <cstring>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "ops/shape_inference.h"

namespace zy {

// A tensor value: dtype, shape and little-endian bytes.
struct TensorValue {
  DType dtype = DType::F32;
  Shape shape;
  std::vector<uint8_t> bytes;

  static TensorValue f32(Shape s, const std::vector<float>& v) { return of(DType::F32, std::move(s), v); }
  static TensorValue i64(Shape s, const std::vector<int64_t>& v) { return of(DType::I64, std::move(s), v); }
  // Any element type: v's bytes as a tensor of dtype t.
  template <typename T>
  static TensorValue of(DType t, Shape s, const std::vector<T>& v) {
    TensorValue x{t, std::move(s), std::vector<uint8_t>(v.size() * sizeof(T))};
    if (!v.empty()) std::memcpy(x.bytes.data(), v.data(), x.bytes.size());
    return x;
  }
  std::vector<float> floats() const {
    std::vector<float> v(bytes.size() / 4);
    if (!v.empty()) std::memcpy(v.data(), bytes.data(), bytes.size());
    return v;
  }
  std::vector<int64_t> ints() const {
    std::vector<int64_t> v(bytes.size() / 8);
    if (!v.empty()) std::memcpy(v.data(), bytes.data(), bytes.size());
    return v;
  }
};

class ModelBuilder {
 public:
  int32_t input(const std::string& name, DType dtype, Shape shape) {
    int32_t t = add(name, dtype, std::move(shape), TensorKind::Input);
    model_.graph.inputs.push_back(t);
    return t;
  }
  int32_t constant(const std::string& name, const TensorValue& v) {
    int32_t t = add(name, v.dtype, v.shape, TensorKind::Constant);
    model_.tensors[t].setOwnedData(v.bytes);
    return t;
  }
  // Adds a node and returns its first output (-1, and status() set, when
  // shape inference rejects it).
  int32_t node(const std::string& type, std::vector<int32_t> inputs, Attributes attrs = {}, size_t num_outputs = 1) {
    Node n;
    n.type = type;
    n.name = type + "_" + std::to_string(model_.graph.nodes.size());
    n.inputs = inputs;
    n.attrs = attrs;
    std::vector<ValueInfo> ins, outs;
    for (int32_t i : inputs) {
      if (i < 0) { ins.emplace_back(); continue; }
      const Tensor& t = model_.tensors[i];
      ins.push_back(ValueInfo{t.dtype, t.shape, t.isConstant() ? t.data : nullptr});
    }
    Status s = inferOutputs(type, attrs, ins, num_outputs, &outs);
    if (!s.ok() && status_.ok()) status_ = s.withContext(n.label());
    for (size_t k = 0; k < num_outputs && k < outs.size(); ++k)
      n.outputs.push_back(add(n.name + ":" + std::to_string(k), outs[k].dtype, outs[k].shape, TensorKind::Intermediate));
    model_.graph.nodes.push_back(n);
    return n.outputs.empty() ? -1 : n.outputs[0];
  }
  void output(int32_t t) {
    if (t < 0) return;
    model_.tensors[t].kind = TensorKind::Output;
    model_.graph.outputs.push_back(t);
  }
  Model& model() { return model_; }
  // The first error of node(): shape inference that rejected a node.
  const Status& status() const { return status_; }

 private:
  int32_t add(const std::string& name, DType dtype, Shape shape, TensorKind kind) {
    Tensor t;
    t.name = name;
    t.dtype = dtype;
    t.shape = std::move(shape);
    t.kind = kind;
    model_.tensors.push_back(std::move(t));
    return static_cast<int32_t>(model_.tensors.size() - 1);
  }
  Model model_;
  Status status_;
};

inline Attributes attrs(std::initializer_list<Attribute> list) {
  Attributes a;
  for (const auto& x : list) a.set(x);
  return a;
}

}  // namespace zy
