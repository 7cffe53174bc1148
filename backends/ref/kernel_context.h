// What a reference kernel sees: typed access to the op's tensors and
// attributes over the backend ABI's plain-C views.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "core/attributes.h"
#include "core/dtype.h"
#include "core/model.h"
#include "core/status.h"
#include "zy/backend.h"

namespace zy {
namespace ref {

struct TensorArg {
  DType dtype = DType::Undefined;
  Shape shape;
  void* data = nullptr;
  bool present() const { return dtype != DType::Undefined; }
  int64_t size() const { return numElements(shape); }
  int64_t rank() const { return static_cast<int64_t>(shape.size()); }
  template <typename T> T* as() const { return static_cast<T*>(data); }
};

class KernelContext {
 public:
  KernelContext(const zy_op_view_t* op, const zy_host_t* host, const Attributes* attrs);

  size_t numInputs() const { return inputs_.size(); }
  size_t numOutputs() const { return outputs_.size(); }
  bool hasInput(size_t i) const { return i < inputs_.size() && inputs_[i].present(); }
  const TensorArg& input(size_t i) const { return i < inputs_.size() ? inputs_[i] : absent_; }
  const TensorArg& output(size_t i) const { return i < outputs_.size() ? outputs_[i] : absent_; }
  const Attributes& attrs() const { return *attrs_; }
  const std::string& opType() const { return type_; }
  // Runs fn(begin, end) over [0, n) on the session's threads.
  void parallelFor(size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn) const;

 private:
  const zy_host_t* host_;
  const Attributes* attrs_;
  std::string type_;
  std::vector<TensorArg> inputs_, outputs_;
  TensorArg absent_;
};

using KernelFn = Status (*)(KernelContext&);

struct KernelInfo {
  KernelFn fn;
  // Element types the kernel takes for its first input (empty = any).
  std::vector<DType> dtypes;
};

using KernelRegistry = std::map<std::string, KernelInfo>;

// Each kernel family registers its ops (one file per family).
void registerElementwiseKernels(KernelRegistry& r);
void registerConvKernels(KernelRegistry& r);
void registerGemmKernels(KernelRegistry& r);
void registerPoolKernels(KernelRegistry& r);
void registerNormalizationKernels(KernelRegistry& r);
void registerTensorKernels(KernelRegistry& r);
void registerResizeKernels(KernelRegistry& r);
void registerMathKernels(KernelRegistry& r);
void registerReduceKernels(KernelRegistry& r);
void registerIndexKernels(KernelRegistry& r);
void registerRecurrentKernels(KernelRegistry& r);
void registerQuantizationKernels(KernelRegistry& r);

const KernelRegistry& kernelRegistry();

// Numeric types most math kernels are instantiated for.
inline size_t elemSize(const TensorArg& t) { return dtypeSize(t.dtype); }

inline const std::vector<DType>& floatTypes() {
  static const std::vector<DType> v = {DType::F32, DType::F64};
  return v;
}

// Reads element i of an integer tensor (i32 or i64) as int64.
inline int64_t readIndex(const TensorArg& t, int64_t i) {
  return t.dtype == DType::I32 ? t.as<int32_t>()[i] : t.as<int64_t>()[i];
}
std::vector<int64_t> readIntTensor(const TensorArg& t);
std::vector<float> readFloatTensor(const TensorArg& t);

}  // namespace ref
}  // namespace zy
