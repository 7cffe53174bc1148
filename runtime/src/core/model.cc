#include "core/model.h"

namespace zy {

int64_t numElements(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) {
    if (d < 0) return -1;
    if (d != 0 && n > (int64_t{1} << 62) / d) return -1;  // overflow guard
    n *= d;
  }
  return n;
}

std::string shapeToString(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) {
    if (i) out += ",";
    out += s[i] < 0 ? std::string("?") : std::to_string(s[i]);
  }
  return out + "]";
}

int64_t Tensor::byteSize() const {
  int64_t n = numElements(shape);
  const int64_t es = static_cast<int64_t>(dtypeSize(dtype));
  if (n < 0 || (es > 0 && n > (int64_t{1} << 62) / es)) return -1;
  return n * es;
}

void Tensor::setOwnedData(std::vector<uint8_t> bytes) {
  auto p = std::make_shared<const std::vector<uint8_t>>(std::move(bytes));
  data = p->data();
  nbytes = p->size();
  owned = std::move(p);
}

std::string Node::label() const {
  return "node '" + name + "' (" + type + ")";
}

int64_t Metadata::onnxOpset() const {
  for (const auto& [d, v] : opset_imports)
    if (d.empty() || d == "ai.onnx") return v;
  return 0;
}

}  // namespace zy
