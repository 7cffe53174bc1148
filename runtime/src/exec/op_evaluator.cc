#include "exec/op_evaluator.h"

#include "core/attribute_views.h"
#include "exec/backend_registry.h"
#include "ops/shape_inference.h"

namespace zy {

Status evaluateOp(const std::string& type, const Attributes& attrs, const std::vector<ValueInfo>& inputs,
                  size_t num_outputs, std::vector<ValueInfo>* out_info, std::vector<std::vector<uint8_t>>* out_data) {
  ZY_RETURN_IF_ERROR(inferOutputs(type, attrs, inputs, num_outputs, out_info));
  const zy_backend_api_t* api = findBuiltinBackend("ref");
  if (!api) return Status(ZY_INTERNAL, "the reference backend is not linked in");
  out_data->assign(num_outputs, {});
  std::vector<zy_tensor_view_t> in_views(inputs.size()), out_views(num_outputs);
  auto view = [](const ValueInfo& v, void* data) {
    zy_tensor_view_t t{};
    if (!v.present()) return t;
    t.dtype = static_cast<zy_dtype_t>(v.dtype);
    t.rank = static_cast<int32_t>(v.shape.size());
    t.dims = v.shape.data();
    t.data = data;
    t.byte_size = static_cast<size_t>(numElements(v.shape)) * dtypeSize(v.dtype);
    t.is_constant = 1;
    return t;
  };
  for (size_t i = 0; i < inputs.size(); ++i) {
    static uint64_t empty_tensor = 0;  // stands in for the data of zero-element tensors
    const bool empty = inputs[i].present() && numElements(inputs[i].shape) == 0;
    if (inputs[i].present() && !inputs[i].data && !empty) return invalidArgument(strFormat("input %zu has no data", i));
    in_views[i] = view(inputs[i], empty ? &empty_tensor : const_cast<void*>(inputs[i].data));
  }
  for (size_t i = 0; i < num_outputs; ++i) {
    (*out_data)[i].assign(static_cast<size_t>(numElements((*out_info)[i].shape)) * dtypeSize((*out_info)[i].dtype), 0);
    out_views[i] = view((*out_info)[i], (*out_data)[i].data());
    out_views[i].is_constant = 0;
  }
  AttributeViews attr_views;
  attr_views.build(attrs);
  zy_op_view_t op{};
  op.type = type.c_str();
  op.domain = "";
  op.name = type.c_str();
  op.num_inputs = in_views.size();
  op.inputs = in_views.data();
  op.num_outputs = out_views.size();
  op.outputs = out_views.data();
  op.num_attrs = attr_views.size();
  op.attrs = attr_views.data();

  zy_host_t host{ZY_BACKEND_ABI_VERSION, 1, nullptr, nullptr, "fp32"};
  void* backend = nullptr;
  char err[512] = {0};
  if (api->create(&host, &backend, err, sizeof err) != ZY_OK) return Status(ZY_BACKEND_ERROR, err);
  void* state = nullptr;
  zy_status_code_t rc = api->prepare_op(backend, &op, &state, err, sizeof err);
  if (rc == ZY_OK) {
    rc = api->run_op(backend, state, &op, err, sizeof err);
    api->release_op(backend, state);
  }
  api->destroy(backend);
  return rc == ZY_OK ? Status::OK() : Status(rc, err);
}

}  // namespace zy
