// A session: one model bound to backends, with its arena and thread pool.
//
// Static models are planned once (by the compiler, or at creation) and run in
// one arena. Models with dimensions known only at run time are planned for
// the input shapes of a run: the first run with new shapes infers every
// shape as it goes (each op's inputs are computed by then, so value-dependent
// shapes resolve), then plans one arena for those shapes; later runs reuse it
// while every op's shapes stay the same.
#pragma once
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/attribute_views.h"
#include "core/model.h"
#include "core/status.h"
#include "exec/plugin_loader.h"
#include "exec/thread_pool.h"
#include "plan/memory_planner.h"
#include "zy/backend.h"

namespace zy {

struct SessionOptions {
  int num_threads = 0;                      // 0 = all cores
  std::vector<std::string> backend_order;   // empty = {"ref"}
  bool profile = false;                     // time every op of each run
  std::string precision = "fp32";           // or "bf16" / "fp16": opt-in fast math for backends that have it
  std::string thread_placement = "none";    // or "compact": workers pinned near the caller (exec/cpu_topology.h)
  std::string backend_path;                 // plugin directories or files, ':'-separated ("" = $ZY_BACKEND_PATH)
  // When a plugin backend fails (to load, start, prepare or run an op):
  // "cpu" = the op goes to the built-in CPU backends, with a warning;
  // "error" = the session fails, naming the backend and the op.
  std::string fallback = "cpu";
};

// A backend a session could use: built in, or a plugin file, and whether it
// can start on this machine (why not, if it cannot).
struct BackendInfo {
  std::string name, origin;  // origin: "built-in" or the plugin's path
  bool available = false;
  std::string reason;  // why it cannot start
  std::string detail;  // when it can: its describe_backend line (ISA, kernels, device)
};
// In the default order: the plugins in the search path, then the built-in backends.
std::vector<BackendInfo> listBackends(const std::string& backend_path);

// One op's timing in the last run (main graph and subgraph ops alike).
struct OpProfile {
  const Node* node;
  const char* backend;
  double start_us, duration_us, flops;
  const char* note;  // the backend's describe_op line ("" if none): e.g. an NPU's estimated cycles
};

class Session {
 public:
  ~Session();
  static Status create(const Model& model, const SessionOptions& options, std::unique_ptr<Session>* out);

  const Model& model() const { return model_; }
  // Copies an input in after checking dtype and shape (dimensions the model
  // fixes must match; dynamic ones take any size).
  Status setInput(size_t index, DType dtype, const int64_t* dims, int32_t rank, const void* data, size_t bytes);
  // Like setInput without the copy: later runs read the caller's memory in
  // place (never writing it) until the input is set or bound again; the
  // caller keeps it valid and unchanged until then. Memory that is not
  // 64-byte aligned (the arena's promise to kernels) or an input that an op
  // aliases (Reshape, Flatten: their outputs share its bytes) is copied as
  // setInput does; *in_place says which happened.
  Status bindInput(size_t index, DType dtype, const int64_t* dims, int32_t rank, const void* data, size_t bytes, bool* in_place);
  Status run();
  const void* tensorData(int32_t tensor) const { return data_[tensor]; }
  // The tensor's shape in the last run (the model's shape for static models).
  const Shape& tensorShape(int32_t tensor) const { return shapes_[tensor]; }
  size_t arenaBytes() const { return plan_.arena_size; }
  bool isDynamic() const { return dynamic_; }
  // How many times the arena was planned for new shapes (dynamic models).
  int replanCount() const { return replans_; }
  // The backend each op of the main graph runs on.
  // Ahead-of-time compilation (zy-compile --target): the blob that backend
  // `name`'s compile_op makes for each main-graph op placed on it, by node
  // index; ops with nothing to keep are left out.
  Status compileOps(const std::string& name, std::vector<std::pair<size_t, std::vector<uint8_t>>>* blobs);
  // Backend `name`'s compile_subgraph over main-graph ops `nodes` (placed on
  // it, in run order). *compiled is false when the backend has no such entry.
  Status compileSubgraph(const std::string& name, const std::vector<size_t>& nodes, std::vector<uint8_t>* blob, bool* compiled);
  // Each bound backend's answer for main-graph op `op`, in the session's
  // order: its name and "" if it takes the op, else its reason.
  std::vector<std::pair<std::string, std::string>> backendVerdicts(size_t op);
  // What op `op`'s backend says of it (describe_op), "" if nothing.
  const std::string& opNote(size_t op) const { return ops_[op].note; }
  std::string opBackend(size_t op) const { return ops_[op].state ? backends_[ops_[op].backend].api->name : "control flow"; }
  int numThreads() const { return pool_->numThreads(); }
  const std::vector<OpProfile>& profile() const { return profile_; }
  // What fell back to the CPU (fallback "cpu"): each plugin that could not be
  // used and each op that moved, with the reason.
  const std::vector<std::string>& warnings() const { return warnings_; }

 private:
  explicit Session(const Model& model) : model_(model) {}
  struct BoundBackend {
    const zy_backend_api_t* api = nullptr;
    void* instance = nullptr;
    std::shared_ptr<Plugin> plugin;  // keeps a plugin's library open; null for built-in backends
  };
  // An op prepared for one backend, with stable views handed across the ABI.
  struct OpInstance {
    const Node* node = nullptr;
    size_t backend = 0;
    void* state = nullptr;
    std::vector<zy_tensor_view_t> inputs, outputs;
    std::vector<zy_quant_view_t> quants;
    AttributeViews attrs;
    zy_op_view_t view{};
    std::string note;  // describe_op's line, once prepared
  };
  Status bindBackends(const SessionOptions& options);
  Status prepareOps();
  Status prepareGraph(const Graph& graph, std::vector<OpInstance>* ops);
  std::vector<std::vector<OpInstance>*> allOps();
  void allocateOwned(int32_t t, const Shape& shape);
  // Infers, allocates and runs op by op; If runs the branch its condition picks.
  Status runGraphEager(std::vector<OpInstance>& ops);
  Status runLoop(const Node& n);
  // Copies tensor src (shape and data) into dst's own buffer.
  void copyTensor(int32_t dst, int32_t src);
  void buildView(OpInstance& op, bool with_data);
  // Points an op's tensor views at the current shapes and data.
  void refreshView(OpInstance& op);
  zy_tensor_view_t tensorView(int32_t t, bool with_data, std::vector<zy_quant_view_t>& quants);
  Status runOp(OpInstance& op);
  // setInput's checks: the index, dtype, shape and size; *t and *given are the input's tensor and shape.
  Status checkInput(size_t index, DType dtype, const int64_t* dims, int32_t rank, const void* data, size_t bytes, int32_t* t,
                    Shape* given) const;
  // Points a static model's input back at its arena slot after a bind.
  void unbindInput(int32_t t);
  // A checked input copied into the session (into the arena, or owned storage when shapes are dynamic).
  void copyInput(int32_t t, const Shape& given, const void* data, size_t bytes);
  // Refreshes the views of the main-graph ops that read tensor t (its data moved).
  void refreshReaders(int32_t t);
  // Places the op on the first backend in `candidates` that takes it and
  // prepares it; with fallback "cpu", a plugin that fails to prepare it is
  // passed over with a warning.
  Status placeOp(OpInstance& op, const std::vector<size_t>& candidates, const BackendTarget* target);
  // Fallback "cpu" after a plugin failed to run op: the op moves to the
  // built-in backends for good.
  Status fallBackToCpu(OpInstance& op, const std::string& why);
  // Tells backends with set_residency which main-graph tensors stay with
  // them between ops (made and read only by the same instance).
  void applyResidency();
  // Output shapes of node k from the current input shapes and data.
  Status inferNode(const Node& n, std::vector<Shape>* out);
  Status allocateArena();
  // Dynamic models: run in the planned arena, checking each op's shapes;
  // *stale is set (and the run abandoned) when a shape differs from the plan.
  Status runPlannedDynamic(bool* stale);
  // Dynamic models: infer, allocate and run op by op, then plan for these shapes.
  Status runAndReplan();

  const Model& model_;
  bool dynamic_ = false;
  bool plan_valid_ = false;
  int replans_ = 0;
  MemoryPlan plan_;
  std::unique_ptr<ThreadPool> pool_;
  zy_host_t host_{};
  std::string precision_ = "fp32";  // host_.precision points here
  std::vector<BoundBackend> backends_;
  bool fallback_cpu_ = true;
  std::vector<std::string> warnings_;
  std::vector<OpInstance> ops_;                    // the main graph
  std::vector<std::vector<OpInstance>> subgraph_ops_;  // If branches
  std::shared_ptr<uint8_t> arena_;
  std::vector<void*> data_;                        // per tensor: arena slot, input buffer or constant
  std::vector<Shape> shapes_;                      // per tensor: current shape
  std::vector<std::vector<uint8_t>> owned_;        // dynamic models: inputs, and outputs of a replanning run
  std::vector<uint8_t> bound_;                     // per tensor: 1 = an input read in place from the caller's memory
  std::vector<void*> planned_data_;                // dynamic models: each tensor's slot in the planned arena
  bool profiling_ = false;
  std::vector<OpProfile> profile_;                 // the last run's op timings
  std::chrono::steady_clock::time_point run_start_;
};

}  // namespace zy
