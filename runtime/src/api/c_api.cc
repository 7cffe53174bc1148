// The C API: a thin layer over Model and Session that turns Status into
// zy_status_t and never lets an exception cross the boundary.
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <new>

#include "core/string_list.h"
#include "exec/session.h"
#include "format/model_format.h"
#include "zy/zy.h"

struct zy_status_s {
  zy_status_code_t code;
  std::string message;
};

struct zy_model_s {
  zy::Model model;
};

struct zy_session_s {
  std::unique_ptr<zy::Session> session;
};

namespace {

zy_status_t makeStatus(const zy::Status& s) {
  if (s.ok()) return nullptr;
  return new (std::nothrow) zy_status_s{s.code(), s.message()};
}

zy_status_t makeStatus(zy_status_code_t code, const char* msg) { return makeStatus(zy::Status(code, msg)); }

// Runs body, mapping exceptions (allocation failures) to a status.
template <typename F>
zy_status_t guarded(F&& body) {
  try {
    return makeStatus(body());
  } catch (const std::bad_alloc&) {
    return makeStatus(ZY_OUT_OF_MEMORY, "out of memory");
  } catch (const std::exception& e) {
    return makeStatus(ZY_INTERNAL, e.what());
  } catch (...) {
    return makeStatus(ZY_INTERNAL, "unknown internal error");
  }
}

zy_status_t nullArg(const char* what) { return makeStatus(ZY_INVALID_ARGUMENT, (std::string(what) + " is NULL").c_str()); }

void fillInfo(const zy::Tensor& t, const zy::Shape& shape, zy_tensor_info_t* out) {
  std::memset(out, 0, sizeof *out);
  out->name = t.name.c_str();
  out->dtype = static_cast<zy_dtype_t>(t.dtype);
  out->rank = static_cast<int32_t>(shape.size());
  for (size_t i = 0; i < shape.size() && i < ZY_MAX_RANK; ++i) out->dims[i] = shape[i];
}

}  // namespace

extern "C" {

zy_status_code_t zy_status_code(zy_status_t s) { return s ? s->code : ZY_OK; }
const char* zy_status_message(zy_status_t s) { return s ? s->message.c_str() : "OK"; }
void zy_status_free(zy_status_t s) { delete s; }

const char* zy_dtype_name(zy_dtype_t t) { return zy::dtypeName(static_cast<zy::DType>(t)); }
size_t zy_dtype_size(zy_dtype_t t) { return zy::isValidDType(t) ? zy::dtypeSize(static_cast<zy::DType>(t)) : 0; }

zy_status_t zy_model_load_file(const char* path, zy_model_t** out_model) {
  if (!path) return nullArg("path");
  if (!out_model) return nullArg("out_model");
  *out_model = nullptr;
  return guarded([&] {
    auto m = std::make_unique<zy_model_s>();
    ZY_RETURN_IF_ERROR(zy::loadModelFile(path, &m->model));
    *out_model = m.release();
    return zy::Status::OK();
  });
}

zy_status_t zy_model_load_memory(const void* data, size_t size, zy_model_t** out_model) {
  if (!data) return nullArg("data");
  if (!out_model) return nullArg("out_model");
  *out_model = nullptr;
  return guarded([&] {
    auto m = std::make_unique<zy_model_s>();
    ZY_RETURN_IF_ERROR(zy::loadModelMemory(data, size, &m->model));
    *out_model = m.release();
    return zy::Status::OK();
  });
}

void zy_model_release(zy_model_t* model) { delete model; }

size_t zy_model_input_count(const zy_model_t* m) { return m ? m->model.graph.inputs.size() : 0; }
size_t zy_model_output_count(const zy_model_t* m) { return m ? m->model.graph.outputs.size() : 0; }

zy_status_t zy_model_input_info(const zy_model_t* m, size_t i, zy_tensor_info_t* out) {
  if (!m) return nullArg("model");
  if (!out) return nullArg("out_info");
  if (i >= m->model.graph.inputs.size()) return makeStatus(ZY_INVALID_ARGUMENT, "input index is out of range");
  const zy::Tensor& t = m->model.tensors[m->model.graph.inputs[i]];
  fillInfo(t, t.shape, out);
  return nullptr;
}

zy_status_t zy_model_output_info(const zy_model_t* m, size_t i, zy_tensor_info_t* out) {
  if (!m) return nullArg("model");
  if (!out) return nullArg("out_info");
  if (i >= m->model.graph.outputs.size()) return makeStatus(ZY_INVALID_ARGUMENT, "output index is out of range");
  const zy::Tensor& t = m->model.tensors[m->model.graph.outputs[i]];
  fillInfo(t, t.shape, out);
  return nullptr;
}

const char* zy_model_producer(const zy_model_t* m) { return m ? m->model.metadata.producer_name.c_str() : ""; }
int64_t zy_model_source_opset(const zy_model_t* m) { return m ? m->model.metadata.onnxOpset() : 0; }

void zy_session_options_init(zy_session_options_t* o) {
  if (!o) return;
  std::memset(o, 0, sizeof *o);
  o->struct_size = sizeof *o;
  o->num_threads = 0;
  o->backend_order = nullptr;
  o->enable_profiling = 0;
}

zy_status_t zy_session_create(zy_model_t* model, const zy_session_options_t* options, zy_session_t** out) {
  if (!model) return nullArg("model");
  if (!out) return nullArg("out_session");
  *out = nullptr;
  return guarded([&] {
    zy::SessionOptions so;
    if (options) {
      // Older callers pass a shorter struct; fields past its end keep their defaults.
      if (options->struct_size < offsetof(zy_session_options_t, enable_profiling))
        return zy::invalidArgument("options were not initialized with zy_session_options_init");
      if (options->struct_size >= offsetof(zy_session_options_t, enable_profiling) + sizeof(int32_t))
        so.profile = options->enable_profiling != 0;
      if (options->struct_size >= offsetof(zy_session_options_t, precision) + sizeof(const char*) && options->precision)
        so.precision = options->precision;
      if (options->struct_size >= offsetof(zy_session_options_t, thread_placement) + sizeof(const char*) && options->thread_placement)
        so.thread_placement = options->thread_placement;
      if (options->struct_size >= offsetof(zy_session_options_t, backend_path) + sizeof(const char*) && options->backend_path)
        so.backend_path = options->backend_path;
      if (options->struct_size >= offsetof(zy_session_options_t, fallback) + sizeof(const char*) && options->fallback)
        so.fallback = options->fallback;
      if (options->num_threads < 0) return zy::invalidArgument("num_threads must be >= 0");
      so.num_threads = options->num_threads;
      if (options->backend_order) so.backend_order = zy::splitList(options->backend_order, ',');
    }
    auto s = std::make_unique<zy_session_s>();
    ZY_RETURN_IF_ERROR(zy::Session::create(model->model, so, &s->session));
    *out = s.release();
    return zy::Status::OK();
  });
}

void zy_session_release(zy_session_t* s) { delete s; }

zy_status_t zy_session_set_input(zy_session_t* s, size_t index, zy_dtype_t dtype, const int64_t* dims, int32_t rank,
                                 const void* data, size_t bytes) {
  if (!s) return nullArg("session");
  if (rank > 0 && !dims) return nullArg("dims");
  return guarded([&] { return s->session->setInput(index, static_cast<zy::DType>(dtype), dims, rank, data, bytes); });
}

zy_status_t zy_session_bind_input(zy_session_t* s, size_t index, zy_dtype_t dtype, const int64_t* dims, int32_t rank,
                                  const void* data, size_t bytes, int* out_in_place) {
  if (!s) return nullArg("session");
  if (rank > 0 && !dims) return nullArg("dims");
  return guarded([&] {
    bool in_place = false;
    const zy::Status st = s->session->bindInput(index, static_cast<zy::DType>(dtype), dims, rank, data, bytes, &in_place);
    if (out_in_place) *out_in_place = st.ok() && in_place;
    return st;
  });
}

zy_status_t zy_session_input_index(const zy_session_t* s, const char* name, size_t* out_index) {
  if (!s) return nullArg("session");
  if (!name) return nullArg("name");
  if (!out_index) return nullArg("out_index");
  const zy::Model& m = s->session->model();
  for (size_t i = 0; i < m.graph.inputs.size(); ++i)
    if (m.tensors[m.graph.inputs[i]].name == name) { *out_index = i; return nullptr; }
  return makeStatus(ZY_NOT_FOUND, (std::string("the model has no input named '") + name + "'").c_str());
}

zy_status_t zy_session_run(zy_session_t* s) {
  if (!s) return nullArg("session");
  return guarded([&] { return s->session->run(); });
}

zy_status_t zy_session_get_output(zy_session_t* s, size_t index, zy_tensor_info_t* out_info, const void** out_data,
                                  size_t* out_bytes) {
  if (!s) return nullArg("session");
  const zy::Model& m = s->session->model();
  if (index >= m.graph.outputs.size()) return makeStatus(ZY_INVALID_ARGUMENT, "output index is out of range");
  const int32_t t = m.graph.outputs[index];
  const zy::Shape& shape = s->session->tensorShape(t);  // this run's shape (dynamic models)
  if (out_info) fillInfo(m.tensors[t], shape, out_info);
  if (out_data) *out_data = s->session->tensorData(t);
  if (out_bytes) *out_bytes = static_cast<size_t>(std::max<int64_t>(0, zy::numElements(shape))) * zy::dtypeSize(m.tensors[t].dtype);
  return nullptr;
}

size_t zy_session_arena_bytes(const zy_session_t* s) { return s ? s->session->arenaBytes() : 0; }

zy_status_t zy_list_backends(const char* backend_path, zy_backend_info_t* infos, size_t capacity, size_t* count) {
  if (!count) return nullArg("count");
  if (capacity && !infos) return nullArg("infos");
  return guarded([&] {
    const std::vector<zy::BackendInfo> all = zy::listBackends(backend_path ? backend_path : "");
    *count = all.size();
    for (size_t i = 0; i < all.size() && i < capacity; ++i) {
      zy_backend_info_t& o = infos[i];
      std::snprintf(o.name, sizeof o.name, "%s", all[i].name.c_str());
      std::snprintf(o.origin, sizeof o.origin, "%s", all[i].origin.c_str());
      o.available = all[i].available ? 1 : 0;
      std::snprintf(o.reason, sizeof o.reason, "%s", all[i].reason.c_str());
      std::snprintf(o.detail, sizeof o.detail, "%s", all[i].detail.c_str());
    }
    return zy::Status::OK();
  });
}

const char* zy_session_op_backend(const zy_session_t* s, size_t index) {
  if (!s || index >= s->session->model().graph.nodes.size()) return nullptr;
  thread_local std::string name;
  name = s->session->opBackend(index);
  return name.c_str();
}

const char* zy_session_profile_note(const zy_session_t* s, size_t index) {
  if (!s || index >= s->session->profile().size()) return "";
  const char* n = s->session->profile()[index].note;
  return n ? n : "";
}

size_t zy_session_warning_count(const zy_session_t* s) { return s ? s->session->warnings().size() : 0; }
const char* zy_session_warning(const zy_session_t* s, size_t index) {
  return s && index < s->session->warnings().size() ? s->session->warnings()[index].c_str() : nullptr;
}

size_t zy_session_profile_count(const zy_session_t* s) { return s ? s->session->profile().size() : 0; }

zy_status_t zy_session_profile_entry(const zy_session_t* s, size_t index, zy_op_profile_t* out) {
  if (!s) return nullArg("session");
  if (!out) return nullArg("out_entry");
  const auto& p = s->session->profile();
  if (index >= p.size()) return makeStatus(ZY_INVALID_ARGUMENT, "profile index is out of range");
  out->name = p[index].node->name.c_str();
  out->type = p[index].node->type.c_str();
  out->backend = p[index].backend;
  out->start_us = p[index].start_us;
  out->duration_us = p[index].duration_us;
  out->flops = p[index].flops;
  return nullptr;
}

}  // extern "C"
