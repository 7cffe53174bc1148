// Zhongyuan runtime: a thin C++ wrapper over zy.h (RAII, exceptions-free).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "zy/zy.h"

namespace zy {
namespace api {

// Owns a zy_status_t; ok() when the call succeeded.
class Result {
 public:
  Result(zy_status_t s = nullptr) : s_(s, zy_status_free) {}
  bool ok() const { return s_ == nullptr; }
  zy_status_code_t code() const { return zy_status_code(s_.get()); }
  std::string message() const { return zy_status_message(s_.get()); }

 private:
  std::shared_ptr<zy_status_s> s_;
};

class Model {
 public:
  static Result loadFile(const std::string& path, Model* out) {
    zy_model_t* m = nullptr;
    Result r = zy_model_load_file(path.c_str(), &m);
    if (r.ok()) out->m_.reset(m, zy_model_release);
    return r;
  }
  static Result loadMemory(const void* data, size_t size, Model* out) {
    zy_model_t* m = nullptr;
    Result r = zy_model_load_memory(data, size, &m);
    if (r.ok()) out->m_.reset(m, zy_model_release);
    return r;
  }
  size_t inputCount() const { return zy_model_input_count(m_.get()); }
  size_t outputCount() const { return zy_model_output_count(m_.get()); }
  zy_tensor_info_t input(size_t i) const { zy_tensor_info_t t{}; zy_status_free(zy_model_input_info(m_.get(), i, &t)); return t; }
  zy_tensor_info_t output(size_t i) const { zy_tensor_info_t t{}; zy_status_free(zy_model_output_info(m_.get(), i, &t)); return t; }
  zy_model_t* get() const { return m_.get(); }

 private:
  std::shared_ptr<zy_model_t> m_;
};

class Session {
 public:
  // Keeps `model` alive for as long as the session lives.
  static Result create(const Model& model, int num_threads, const std::string& backends, Session* out) {
    zy_session_options_t o;
    zy_session_options_init(&o);
    o.num_threads = num_threads;
    o.backend_order = backends.empty() ? nullptr : backends.c_str();
    zy_session_t* s = nullptr;
    Result r = zy_session_create(model.get(), &o, &s);
    if (r.ok()) { out->model_ = model; out->s_.reset(s, zy_session_release); }
    return r;
  }
  Result setInput(size_t i, zy_dtype_t dtype, const std::vector<int64_t>& dims, const void* data, size_t bytes) {
    return zy_session_set_input(s_.get(), i, dtype, dims.data(), static_cast<int32_t>(dims.size()), data, bytes);
  }
  // No copy: runs read `data` in place until the input is set or bound again (zy_session_bind_input).
  Result bindInput(size_t i, zy_dtype_t dtype, const std::vector<int64_t>& dims, const void* data, size_t bytes, bool* in_place = nullptr) {
    int here = 0;
    Result r = zy_session_bind_input(s_.get(), i, dtype, dims.data(), static_cast<int32_t>(dims.size()), data, bytes, &here);
    if (in_place) *in_place = here != 0;
    return r;
  }
  Result run() { return zy_session_run(s_.get()); }
  Result output(size_t i, zy_tensor_info_t* info, const void** data, size_t* bytes) {
    return zy_session_get_output(s_.get(), i, info, data, bytes);
  }
  size_t arenaBytes() const { return zy_session_arena_bytes(s_.get()); }
  zy_session_t* get() const { return s_.get(); }

 private:
  Model model_;
  std::shared_ptr<zy_session_t> s_;
};

}  // namespace api
}  // namespace zy
