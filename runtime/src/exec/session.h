// A session: one model bound to backends, with its arena and thread pool.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/attribute_views.h"
#include "core/model.h"
#include "core/status.h"
#include "exec/thread_pool.h"
#include "plan/memory_planner.h"
#include "zy/backend.h"

namespace zy {

struct SessionOptions {
  int num_threads = 0;                      // 0 = all cores
  std::vector<std::string> backend_order;   // empty = {"ref"}
};

class Session {
 public:
  ~Session();
  static Status create(const Model& model, const SessionOptions& options, std::unique_ptr<Session>* out);

  const Model& model() const { return model_; }
  // Copies an input into the arena after checking dtype and shape.
  Status setInput(size_t index, DType dtype, const int64_t* dims, int32_t rank, const void* data, size_t bytes);
  Status run();
  const void* tensorData(int32_t tensor) const { return data_[tensor]; }
  size_t arenaBytes() const { return plan_.arena_size; }
  // The backend each op of the main graph runs on.
  std::string opBackend(size_t op) const { return backends_[ops_[op].backend].api->name; }
  int numThreads() const { return pool_->numThreads(); }

 private:
  Session(const Model& model) : model_(model) {}
  struct BoundBackend {
    const zy_backend_api_t* api = nullptr;
    void* instance = nullptr;
  };
  // An op prepared for one backend, with stable views handed across the ABI.
  struct OpInstance {
    size_t node = 0;
    size_t backend = 0;
    void* state = nullptr;
    std::vector<zy_tensor_view_t> inputs, outputs;
    std::vector<zy_quant_view_t> quants;
    AttributeViews attrs;
    zy_op_view_t view{};
  };
  Status bindBackends(const SessionOptions& options);
  Status prepareOps();
  void buildView(OpInstance& op, bool with_data);
  zy_tensor_view_t tensorView(int32_t t, bool with_data, std::vector<zy_quant_view_t>& quants);

  const Model& model_;
  MemoryPlan plan_;
  std::unique_ptr<ThreadPool> pool_;
  zy_host_t host_{};
  std::vector<BoundBackend> backends_;
  std::vector<OpInstance> ops_;
  std::shared_ptr<uint8_t> arena_;
  std::vector<void*> data_;   // per tensor: arena slot or constant data
};

}  // namespace zy
