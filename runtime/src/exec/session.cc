#include "exec/session.h"

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <climits>
#include <cstring>

#include "exec/backend_registry.h"
#include "ops/shape_inference.h"

namespace zy {

namespace {

void hostParallelFor(void* ctx, size_t n, size_t grain, zy_parallel_fn_t fn, void* arg) {
  static_cast<ThreadPool*>(ctx)->parallelFor(n, grain, [&](size_t b, size_t e) { fn(arg, b, e); });
}

}  // namespace

Session::~Session() {
  for (auto* list : allOps())
    for (OpInstance& op : *list)
      if (op.state) backends_[op.backend].api->release_op(backends_[op.backend].instance, op.state);
  for (BoundBackend& b : backends_)
    if (b.instance) b.api->destroy(b.instance);
}

Status Session::create(const Model& model, const SessionOptions& options, std::unique_ptr<Session>* out) {
  std::unique_ptr<Session> s(new Session(model));
  s->shapes_.reserve(model.tensors.size());
  for (const Tensor& t : model.tensors) {
    s->shapes_.push_back(t.shape);
    if (t.isConstant()) continue;
    for (int64_t d : t.shape) s->dynamic_ |= d < 0;
  }
  s->dynamic_ |= !model.subgraphs.empty();  // control flow: shapes follow the branch taken
  s->data_.assign(model.tensors.size(), nullptr);
  s->owned_.resize(model.tensors.size());
  for (size_t i = 0; i < model.tensors.size(); ++i)
    if (model.tensors[i].isConstant()) s->data_[i] = const_cast<uint8_t*>(model.tensors[i].data);
  if (!s->dynamic_) {
    // The compiler's plan when the file has one, else plan here.
    if (model.arena_size > 0) {
      s->plan_.arena_size = model.arena_size;
      for (const Tensor& t : model.tensors) s->plan_.offsets.push_back(t.arena_offset);
    } else {
      ZY_RETURN_IF_ERROR(planMemory(model, &s->plan_));
    }
    ZY_RETURN_IF_ERROR(s->allocateArena());
  }
  s->profiling_ = options.profile;
  if (options.thread_placement != "none" && options.thread_placement != "compact")
    return invalidArgument("unknown thread placement '" + options.thread_placement + "': use none or compact");
  s->pool_ = ThreadPool::create(options.num_threads, options.thread_placement == "compact");
  s->host_.abi_version = ZY_BACKEND_ABI_VERSION;
  s->host_.num_threads = s->pool_->numThreads();
  s->host_.ctx = s->pool_.get();
  s->host_.parallel_for = hostParallelFor;
  if (options.precision != "fp32" && options.precision != "bf16" && options.precision != "fp16")
    return invalidArgument("unknown precision '" + options.precision + "': use fp32, bf16 or fp16");
  s->precision_ = options.precision;
  if (options.fallback != "cpu" && options.fallback != "error")
    return invalidArgument("unknown fallback '" + options.fallback + "': use cpu or error");
  s->fallback_cpu_ = options.fallback == "cpu";
  s->host_.precision = s->precision_.c_str();
  ZY_RETURN_IF_ERROR(s->bindBackends(options));
  ZY_RETURN_IF_ERROR(s->prepareOps());
  *out = std::move(s);
  return Status::OK();
}

Status Session::allocateArena() {
  const size_t bytes = std::max<size_t>(64, (plan_.arena_size + 63) / 64 * 64);
  uint8_t* arena = static_cast<uint8_t*>(std::aligned_alloc(64, bytes));
  if (!arena) return Status(ZY_OUT_OF_MEMORY, strFormat("cannot allocate a %zu-byte arena", bytes));
  std::memset(arena, 0, bytes);
  arena_.reset(arena, [](uint8_t* p) { std::free(p); });
  for (size_t i = 0; i < model_.tensors.size(); ++i) {
    if (model_.tensors[i].isConstant()) continue;
    if (dynamic_ && model_.tensors[i].kind == TensorKind::Input) continue;  // inputs keep their own buffers
    if (plan_.offsets[i] >= 0) data_[i] = arena + plan_.offsets[i];
  }
  return Status::OK();
}

namespace {

// One backend to bind: built in (api set) or a plugin file.
struct BackendEntry {
  std::string name;
  const zy_backend_api_t* api = nullptr;
  std::string file;
  bool optional = false;  // skipped when it cannot start here (not named by the user)
};

void serialParallelFor(void*, size_t n, size_t, zy_parallel_fn_t fn, void* arg) {
  if (n) fn(arg, 0, n);
}

}  // namespace

std::vector<BackendInfo> listBackends(const std::string& backend_path) {
  std::vector<BackendInfo> out;
  zy_host_t host{};
  host.abi_version = ZY_BACKEND_ABI_VERSION;
  host.num_threads = 1;
  host.parallel_for = serialParallelFor;
  host.precision = "fp32";
  auto probe = [&](const zy_backend_api_t* api, BackendInfo* info) {
    void* instance = nullptr;
    char err[256] = {0};
    info->available = api->create(&host, &instance, err, sizeof err) == ZY_OK;
    if (info->available && api->struct_size >= offsetof(zy_backend_api_t, describe_backend) + sizeof(void*) && api->describe_backend) {
      char line[256] = {0};
      api->describe_backend(instance, line, sizeof line);
      info->detail = line;
    }
    if (info->available) api->destroy(instance);
    else info->reason = *err ? err : "its create call failed without a reason";
  };
  for (const std::string& file : pluginFiles(backendSearchPath(backend_path))) {
    BackendInfo info;
    info.name = pluginNameFromFile(file);
    info.origin = file;
    std::shared_ptr<Plugin> plugin;
    Status st = loadPlugin(file, &plugin);
    if (st.ok()) probe(plugin->api(), &info);
    else info.reason = st.message();
    out.push_back(info);
  }
  for (const zy_backend_api_t* api : builtinBackends()) {
    BackendInfo info;
    info.name = api->name;
    info.origin = "built-in";
    probe(api, &info);
    out.push_back(info);
  }
  return out;
}

Status Session::bindBackends(const SessionOptions& options) {
  // By default the plugins in the backend path, then every built-in backend,
  // fastest first; a built-in one that cannot start here (a missing CPU
  // feature) is skipped. Named backends must start; plugins as the fallback
  // option says.
  const std::string path = backendSearchPath(options.backend_path);
  const bool by_default = options.backend_order.empty();
  std::vector<BackendEntry> order;
  bool any_plugin = false;
  if (by_default) {
    for (const std::string& f : pluginFiles(path)) order.push_back({pluginNameFromFile(f), nullptr, f, true});
    for (const zy_backend_api_t* api : builtinBackends()) order.push_back({api->name, api, "", true});
  } else {
    for (const std::string& name : options.backend_order) {
      if (const zy_backend_api_t* api = findBuiltinBackend(name)) { order.push_back({name, api, ""}); continue; }
      const std::string file = findPluginFile(path, name);
      if (file.empty())
        return Status(ZY_NOT_FOUND, "backend '" + name + "' is not built in, and no libzy_backend_" + name + ".so is in the backend path" +
                                        (path.empty() ? " (none set: use ZY_BACKEND_PATH or --backend-path)" : " '" + path + "'"));
      order.push_back({name, nullptr, file});
    }
  }
  for (const BackendEntry& e : order) any_plugin |= !e.file.empty();
  // Fallback "cpu": the built-in CPU backends stay behind the plugins.
  if (!by_default && any_plugin && fallback_cpu_)
    for (const zy_backend_api_t* api : builtinBackends())
      if (std::none_of(order.begin(), order.end(), [&](const BackendEntry& e) { return e.name == api->name; }))
        order.push_back({api->name, api, "", true});
  auto pluginProblem = [&](const BackendEntry& e, const Status& st) -> Status {
    if (!fallback_cpu_) return st;
    warnings_.push_back("backend '" + e.name + "' is not used: " + st.message());
    return Status::OK();
  };
  for (const BackendEntry& e : order) {
    BoundBackend b;
    b.api = e.api;
    if (!e.file.empty()) {
      Status st = loadPlugin(e.file, &b.plugin);
      if (!st.ok()) { ZY_RETURN_IF_ERROR(pluginProblem(e, st)); continue; }
      b.api = b.plugin->api();
    }
    if (std::any_of(backends_.begin(), backends_.end(), [&](const BoundBackend& o) { return std::string(o.api->name) == e.name; })) {
      warnings_.push_back("backend '" + e.name + "' appears twice; the first one is used");
      continue;
    }
    if (b.api->abi_version != ZY_BACKEND_ABI_VERSION)
      return Status(ZY_UNSUPPORTED, "backend '" + e.name + "' was built for ABI version " + std::to_string(b.api->abi_version));
    char err[256] = {0};
    if (b.api->create(&host_, &b.instance, err, sizeof err) != ZY_OK) {
      b.instance = nullptr;
      const std::string what = "backend '" + e.name + "'" + (e.file.empty() ? "" : " (" + e.file + ")") + " cannot start: " + err;
      if (!e.file.empty()) { ZY_RETURN_IF_ERROR(pluginProblem(e, Status(ZY_BACKEND_ERROR, what))); continue; }
      if (e.optional) continue;
      return Status(ZY_BACKEND_ERROR, what);
    }
    backends_.push_back(b);
  }
  if (backends_.empty()) return Status(ZY_UNSUPPORTED, "no backend can start on this machine");
  return Status::OK();
}

zy_tensor_view_t Session::tensorView(int32_t t, bool with_data, std::vector<zy_quant_view_t>& quants) {
  zy_tensor_view_t v{};
  if (t < 0) return v;  // omitted optional input: dtype UNDEFINED
  const Tensor& tt = model_.tensors[t];
  v.name = tt.name.c_str();
  v.dtype = static_cast<zy_dtype_t>(tt.dtype);
  v.rank = static_cast<int32_t>(shapes_[t].size());
  v.dims = shapes_[t].data();
  v.byte_size = static_cast<size_t>(std::max<int64_t>(0, numElements(shapes_[t]))) * dtypeSize(tt.dtype);
  v.is_constant = tt.isConstant();
  v.data = (with_data || tt.isConstant()) ? data_[t] : nullptr;
  if (!tt.quant.empty()) {
    quants.push_back({tt.quant.scale.size(), tt.quant.scale.data(), tt.quant.zero_point.data(), tt.quant.axis});
    v.quant = nullptr;  // patched after the vector stops growing
  }
  return v;
}

void Session::buildView(OpInstance& op, bool with_data) {
  const Node& n = *op.node;
  op.inputs.clear();
  op.outputs.clear();
  op.quants.clear();
  op.quants.reserve(n.inputs.size() + n.outputs.size());
  auto add = [&](std::vector<zy_tensor_view_t>& dst, int32_t t) {
    size_t before = op.quants.size();
    dst.push_back(tensorView(t, with_data, op.quants));
    if (op.quants.size() > before) dst.back().quant = &op.quants.back();
  };
  for (int32_t t : n.inputs) add(op.inputs, t);
  for (int32_t t : n.outputs) add(op.outputs, t);
  op.attrs.build(n.attrs);
  op.view.type = n.type.c_str();
  op.view.domain = n.domain.c_str();
  op.view.name = n.name.c_str();
  op.view.num_inputs = op.inputs.size();
  op.view.inputs = op.inputs.data();
  op.view.num_outputs = op.outputs.size();
  op.view.outputs = op.outputs.data();
  op.view.num_attrs = op.attrs.size();
  op.view.attrs = op.attrs.data();
}

std::vector<std::vector<Session::OpInstance>*> Session::allOps() {
  std::vector<std::vector<OpInstance>*> v = {&ops_};
  for (auto& g : subgraph_ops_) v.push_back(&g);
  return v;
}

Status Session::prepareGraph(const Graph& graph, std::vector<OpInstance>* ops) {
  ops->resize(graph.nodes.size());
  for (size_t k = 0; k < graph.nodes.size(); ++k) {
    const Node& node = graph.nodes[k];
    OpInstance& op = (*ops)[k];
    op.node = &node;
    buildView(op, false);
    if (node.type == "If" || node.type == "Loop" || node.type == "Fail") continue;  // control flow: the session runs it
    // The compiler's assignment first, then the session's order.
    std::vector<size_t> candidates;
    const BackendTarget& target = model_.backends[node.backend];
    const std::string& assigned = target.name;
    for (size_t b = 0; b < backends_.size(); ++b)
      if (assigned == backends_[b].api->name) candidates.push_back(b);
    for (size_t b = 0; b < backends_.size(); ++b)
      if (assigned != backends_[b].api->name) candidates.push_back(b);
    ZY_RETURN_IF_ERROR(placeOp(op, candidates, &target));
    buildView(op, true);
  }
  return Status::OK();
}

Status Session::placeOp(OpInstance& op, const std::vector<size_t>& candidates, const BackendTarget* target) {
  std::string reasons;
  for (size_t b : candidates) {
    const BoundBackend& bb = backends_[b];
    char reason[256] = {0};
    if (!bb.api->supports_op(bb.instance, &op.view, reason, sizeof reason)) {
      reasons += std::string(reasons.empty() ? "" : "; ") + bb.api->name + ": " + reason;
      continue;
    }
    // The compiler's blob goes only to the backend it was made for.
    const bool own = target && target->name == bb.api->name;
    op.view.blob = own ? target->blob : nullptr;
    op.view.blob_size = own ? target->blob_size : 0;
    char err[512] = {0};
    op.state = nullptr;
    if (bb.api->prepare_op(bb.instance, &op.view, &op.state, err, sizeof err) != ZY_OK) {
      op.state = nullptr;
      const std::string what = op.node->label() + ": backend '" + bb.api->name + "' failed to prepare it: " + err;
      if (!bb.plugin || !fallback_cpu_) return Status(ZY_BACKEND_ERROR, what);
      warnings_.push_back(what + "; it goes to the next backend");
      reasons += std::string(reasons.empty() ? "" : "; ") + bb.api->name + ": failed to prepare it";
      continue;
    }
    op.backend = b;
    op.note.clear();
    if (bb.api->struct_size >= offsetof(zy_backend_api_t, describe_op) + sizeof(void*) && bb.api->describe_op) {
      char note[256] = {0};
      bb.api->describe_op(bb.instance, op.state, note, sizeof note);
      op.note = note;
    }
    return Status::OK();
  }
  return unsupported(op.node->label() + ": no backend can run it (" + reasons + ")");
}

Status Session::fallBackToCpu(OpInstance& op, const std::string& why) {
  const BoundBackend& failed = backends_[op.backend];
  failed.api->release_op(failed.instance, op.state);
  op.state = nullptr;
  std::vector<size_t> cpu;
  for (size_t b = 0; b < backends_.size(); ++b)
    if (!backends_[b].plugin) cpu.push_back(b);
  warnings_.push_back(op.node->label() + ": " + why + "; it moves to the CPU");
  refreshView(op);
  ZY_RETURN_IF_ERROR(placeOp(op, cpu, nullptr));
  refreshView(op);
  applyResidency();  // the op's neighbours on the plugin now exchange it through the host
  return Status::OK();
}

std::vector<std::pair<std::string, std::string>> Session::backendVerdicts(size_t k) {
  std::vector<std::pair<std::string, std::string>> v;
  if (k >= ops_.size() || !ops_[k].state) return v;
  for (const BoundBackend& b : backends_) {
    char reason[256] = {0};
    const bool yes = b.api->supports_op(b.instance, &ops_[k].view, reason, sizeof reason) != 0;
    v.emplace_back(b.api->name, yes ? "" : (*reason ? reason : "refused without a reason"));
  }
  return v;
}

Status Session::compileOps(const std::string& name, std::vector<std::pair<size_t, std::vector<uint8_t>>>* blobs) {
  for (size_t k = 0; k < ops_.size(); ++k) {
    OpInstance& op = ops_[k];
    if (!op.state) continue;  // control flow
    const BoundBackend& b = backends_[op.backend];
    if (name != b.api->name || b.api->struct_size < offsetof(zy_backend_api_t, free_blob) + sizeof(void*) || !b.api->compile_op)
      continue;
    void* blob = nullptr;
    size_t size = 0;
    char err[512] = {0};
    if (b.api->compile_op(b.instance, &op.view, &blob, &size, err, sizeof err) != ZY_OK)
      return Status(ZY_BACKEND_ERROR, op.node->label() + ": backend '" + name + "' failed to compile it: " + err);
    if (!blob) continue;
    const uint8_t* p = static_cast<const uint8_t*>(blob);
    blobs->emplace_back(k, std::vector<uint8_t>(p, p + size));
    b.api->free_blob(b.instance, blob);
  }
  return Status::OK();
}

Status Session::compileSubgraph(const std::string& name, const std::vector<size_t>& nodes, std::vector<uint8_t>* blob, bool* compiled) {
  *compiled = false;
  blob->clear();
  const BoundBackend* b = nullptr;
  for (const BoundBackend& bb : backends_)
    if (name == bb.api->name) b = &bb;
  if (!b || b->api->struct_size < offsetof(zy_backend_api_t, compile_subgraph) + sizeof(void*) || !b->api->compile_subgraph) return Status::OK();
  std::vector<zy_op_view_t> views;
  for (size_t k : nodes) {
    if (k >= ops_.size() || !ops_[k].state || backends_[ops_[k].backend].api != b->api)
      return invalidArgument("subgraph op " + std::to_string(k) + " is not placed on backend '" + name + "'");
    views.push_back(ops_[k].view);
  }
  void* out = nullptr;
  size_t size = 0;
  char err[512] = {0};
  if (b->api->compile_subgraph(b->instance, views.data(), views.size(), &out, &size, err, sizeof err) != ZY_OK)
    return Status(ZY_BACKEND_ERROR, "backend '" + name + "' failed to compile the subgraph of ops " + std::to_string(nodes.front()) + "-" +
                                        std::to_string(nodes.back()) + ": " + err);
  *compiled = true;
  if (!out) return Status::OK();
  blob->assign(static_cast<const uint8_t*>(out), static_cast<const uint8_t*>(out) + size);
  b->api->free_blob(b->instance, out);
  return Status::OK();
}

Status Session::prepareOps() {
  subgraph_ops_.resize(model_.subgraphs.size());
  for (size_t g = 0; g < model_.subgraphs.size(); ++g) ZY_RETURN_IF_ERROR(prepareGraph(model_.subgraphs[g], &subgraph_ops_[g]));
  ZY_RETURN_IF_ERROR(prepareGraph(model_.graph, &ops_));
  applyResidency();
  return Status::OK();
}

void Session::applyResidency() {
  const Graph& g = model_.graph;
  const size_t T = model_.tensors.size();
  std::vector<int64_t> producer(T, -1);
  std::vector<std::vector<size_t>> consumers(T);
  std::vector<bool> host(T, !model_.subgraphs.empty());  // control flow reads outer tensors by name: keep everything on the host
  for (int32_t t : g.outputs) host[t] = true;
  for (size_t k = 0; k < ops_.size(); ++k) {
    for (int32_t t : g.nodes[k].inputs)
      if (t >= 0) consumers[t].push_back(k);
    for (int32_t t : g.nodes[k].outputs) producer[t] = static_cast<int64_t>(k);
  }
  auto sameBackend = [&](size_t a, size_t b) { return ops_[a].state && ops_[b].state && ops_[a].backend == ops_[b].backend; };
  for (size_t k = 0; k < ops_.size(); ++k) {
    OpInstance& op = ops_[k];
    if (!op.state) continue;
    const BoundBackend& b = backends_[op.backend];
    if (b.api->struct_size < offsetof(zy_backend_api_t, set_residency) + sizeof(void*) || !b.api->set_residency) continue;
    const Node& n = g.nodes[k];
    std::vector<uint8_t> local(n.inputs.size(), 0), to_host(n.outputs.size(), 1);
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      const int32_t t = n.inputs[i];
      local[i] = t >= 0 && !host[t] && producer[t] >= 0 && static_cast<size_t>(producer[t]) < k && sameBackend(producer[t], k);
    }
    for (size_t o = 0; o < n.outputs.size(); ++o) {
      const int32_t t = n.outputs[o];
      bool needed = host[t];
      for (size_t c : consumers[t]) needed |= !sameBackend(c, k);
      to_host[o] = needed;
    }
    b.api->set_residency(b.instance, op.state, &op.view, local.data(), to_host.data());
  }
}

Status Session::checkInput(size_t index, DType dtype, const int64_t* dims, int32_t rank, const void* data, size_t bytes, int32_t* t,
                           Shape* given) const {
  if (index >= model_.graph.inputs.size())
    return invalidArgument(strFormat("input index %zu is out of range (the model has %zu inputs)", index, model_.graph.inputs.size()));
  *t = model_.graph.inputs[index];
  const Tensor& tt = model_.tensors[*t];
  if (dtype != tt.dtype)
    return invalidArgument("input '" + tt.name + "' expects dtype " + dtypeName(tt.dtype) + ", got " + dtypeName(dtype));
  given->assign(dims, dims + std::max(0, rank));
  bool fits = rank >= 0 && given->size() == tt.shape.size();
  for (size_t d = 0; fits && d < given->size(); ++d) fits = (*given)[d] >= 0 && (tt.shape[d] < 0 || tt.shape[d] == (*given)[d]);
  if (!fits)
    return invalidArgument("input '" + tt.name + "' expects shape " + shapeToString(tt.shape) + ", got " + shapeToString(*given));
  const int64_t want = numElements(*given);
  if (want < 0 || static_cast<uint64_t>(want) * dtypeSize(dtype) != bytes)
    return invalidArgument("input '" + tt.name + strFormat("' of shape %s needs %lld bytes, got %zu", shapeToString(*given).c_str(),
                                                           (long long)(std::max<int64_t>(want, 0) * static_cast<int64_t>(dtypeSize(dtype))), bytes));
  if (bytes && !data) return invalidArgument("input '" + tt.name + "' has no data");
  return Status::OK();
}

void Session::refreshReaders(int32_t t) {
  for (OpInstance& op : ops_)
    if (std::find(op.node->inputs.begin(), op.node->inputs.end(), t) != op.node->inputs.end()) refreshView(op);
}

void Session::unbindInput(int32_t t) {
  if (bound_.empty() || !bound_[t]) return;
  bound_[t] = 0;
  if (dynamic_) return;  // the next set or bind gives it a buffer
  data_[t] = arena_.get() + plan_.offsets[t];
  refreshReaders(t);
}

Status Session::setInput(size_t index, DType dtype, const int64_t* dims, int32_t rank, const void* data, size_t bytes) {
  int32_t t = -1;
  Shape given;
  ZY_RETURN_IF_ERROR(checkInput(index, dtype, dims, rank, data, bytes, &t, &given));
  copyInput(t, given, data, bytes);
  return Status::OK();
}

void Session::copyInput(int32_t t, const Shape& given, const void* data, size_t bytes) {
  unbindInput(t);
  if (dynamic_) {
    owned_[t].assign(static_cast<const uint8_t*>(data), static_cast<const uint8_t*>(data) + bytes);
    if (owned_[t].empty()) owned_[t].resize(1);  // a valid pointer for empty tensors
    data_[t] = owned_[t].data();
    shapes_[t] = given;
    return;
  }
  if (bytes) std::memcpy(data_[t], data, bytes);
}

Status Session::bindInput(size_t index, DType dtype, const int64_t* dims, int32_t rank, const void* data, size_t bytes, bool* in_place) {
  int32_t t = -1;
  Shape given;
  ZY_RETURN_IF_ERROR(checkInput(index, dtype, dims, rank, data, bytes, &t, &given));
  bool aliased = false;
  for (const Node& n : model_.graph.nodes)
    aliased |= isAliasOp(n.type) && !n.inputs.empty() && n.inputs[0] == t;
  *in_place = bytes && !aliased && reinterpret_cast<uintptr_t>(data) % 64 == 0;
  if (!*in_place) {
    copyInput(t, given, data, bytes);
    return Status::OK();
  }
  if (bound_.empty()) bound_.assign(model_.tensors.size(), 0);
  bound_[t] = 1;
  data_[t] = const_cast<void*>(data);  // read only: no op writes a graph input (memory_planner.cc keeps them live)
  if (dynamic_) {
    shapes_[t] = given;
    return Status::OK();
  }
  refreshReaders(t);
  return Status::OK();
}

// Floating-point operations of the ops whose cost dominates (a MAC counts 2).
static double opFlops(const Node& n, const std::vector<Shape>& shapes) {
  auto at = [&](size_t i) -> const Shape& { static const Shape empty; return i < n.inputs.size() && n.inputs[i] >= 0 ? shapes[n.inputs[i]] : empty; };
  const Shape& y = n.outputs.empty() ? at(99) : shapes[n.outputs[0]];
  if (n.type == "Conv" && at(1).size() >= 3) {
    int64_t k = 1;
    for (size_t d = 1; d < at(1).size(); ++d) k *= at(1)[d];  // C/group * kernel
    return 2.0 * static_cast<double>(numElements(y)) * static_cast<double>(k);
  }
  if ((n.type == "Gemm" || n.type == "MatMul") && !at(0).empty()) {
    const int64_t kdim = n.type == "Gemm" && n.attrs.getInt("transA", 0) ? at(0)[0] : at(0).back();
    return 2.0 * static_cast<double>(numElements(y)) * static_cast<double>(kdim);
  }
  return 0;
}

Status Session::runOp(OpInstance& op) {
  const BoundBackend& b = backends_[op.backend];
  char err[512] = {0};
  const auto t0 = std::chrono::steady_clock::now();
  if (b.api->run_op(b.instance, op.state, &op.view, err, sizeof err) != ZY_OK) {
    if (!b.plugin || !fallback_cpu_) return Status(ZY_BACKEND_ERROR, op.node->label() + ": " + err);
    ZY_RETURN_IF_ERROR(fallBackToCpu(op, std::string("backend '") + b.api->name + "' failed to run it: " + err));
    return runOp(op);
  }
  if (profiling_) {
    const auto t1 = std::chrono::steady_clock::now();
    profile_.push_back({op.node, b.api->name, std::chrono::duration<double, std::micro>(t0 - run_start_).count(),
                        std::chrono::duration<double, std::micro>(t1 - t0).count(), opFlops(*op.node, shapes_), op.note.c_str()});
  }
  return Status::OK();
}

Status Session::run() {
  profile_.clear();
  run_start_ = std::chrono::steady_clock::now();
  if (!dynamic_) {
    for (OpInstance& op : ops_) ZY_RETURN_IF_ERROR(runOp(op));
    return Status::OK();
  }
  for (int32_t t : model_.graph.inputs)
    if (!data_[t]) return invalidArgument("input '" + model_.tensors[t].name + "' has a dynamic shape and was not set");
  if (!model_.subgraphs.empty()) return runGraphEager(ops_);  // control flow: shapes follow the branches taken
  if (plan_valid_) {
    bool stale = false;
    ZY_RETURN_IF_ERROR(runPlannedDynamic(&stale));
    if (!stale) return Status::OK();
  }
  return runAndReplan();
}

Status Session::inferNode(const Node& n, std::vector<Shape>* out) {
  std::vector<ValueInfo> ins, outs;
  for (int32_t i : n.inputs) {
    if (i < 0) { ins.emplace_back(); continue; }
    ins.push_back(ValueInfo{model_.tensors[i].dtype, shapes_[i], data_[i]});
  }
  ZY_RETURN_IF_ERROR(inferOutputs(n.type, n.attrs, ins, n.outputs.size(), &outs).withContext(n.label()));
  out->clear();
  for (size_t o = 0; o < outs.size(); ++o) {
    const Tensor& t = model_.tensors[n.outputs[o]];
    // The model's fixed dimensions must hold at run time too.
    bool fits = outs[o].dtype == t.dtype && outs[o].shape.size() == t.shape.size();
    for (size_t d = 0; fits && d < t.shape.size(); ++d) fits = t.shape[d] < 0 || t.shape[d] == outs[o].shape[d];
    if (!fits)
      return invalidArgument(n.label() + ": computes " + dtypeName(outs[o].dtype) + shapeToString(outs[o].shape) + " for output '" +
                             t.name + "', which the model declares " + dtypeName(t.dtype) + shapeToString(t.shape));
    out->push_back(outs[o].shape);
  }
  return Status::OK();
}

void Session::refreshView(OpInstance& op) {
  const Node& n = *op.node;
  auto refresh = [&](zy_tensor_view_t& v, int32_t t) {
    if (t < 0) return;
    v.rank = static_cast<int32_t>(shapes_[t].size());
    v.dims = shapes_[t].data();
    v.data = data_[t];
    v.byte_size = static_cast<size_t>(std::max<int64_t>(0, numElements(shapes_[t]))) * dtypeSize(model_.tensors[t].dtype);
  };
  for (size_t i = 0; i < n.inputs.size(); ++i) refresh(op.inputs[i], n.inputs[i]);
  for (size_t i = 0; i < n.outputs.size(); ++i) refresh(op.outputs[i], n.outputs[i]);
}

Status Session::runPlannedDynamic(bool* stale) {
  // Move from the last replanning run's buffers into the arena.
  for (size_t i = 0; i < model_.tensors.size(); ++i) {
    const Tensor& t = model_.tensors[i];
    if (t.isConstant() || t.kind == TensorKind::Input || !planned_data_[i]) continue;
    data_[i] = planned_data_[i];
    std::vector<uint8_t>().swap(owned_[i]);
  }
  std::vector<Shape> outs;
  for (OpInstance& op : ops_) {
    ZY_RETURN_IF_ERROR(inferNode(*op.node, &outs));
    const Node& n = *op.node;
    for (size_t o = 0; o < outs.size(); ++o)
      if (outs[o] != shapes_[n.outputs[o]]) { *stale = true; return Status::OK(); }
    refreshView(op);
    ZY_RETURN_IF_ERROR(runOp(op));
  }
  *stale = false;
  return Status::OK();
}

// Sizes tensor t for `shape` in its own buffer (eager runs).
void Session::allocateOwned(int32_t t, const Shape& shape) {
  shapes_[t] = shape;
  const int64_t bytes = numElements(shape) * static_cast<int64_t>(dtypeSize(model_.tensors[t].dtype));
  owned_[t].resize(static_cast<size_t>(std::max<int64_t>(bytes, 1)));
  data_[t] = owned_[t].data();
}

Status Session::runGraphEager(std::vector<OpInstance>& ops) {
  std::vector<Shape> outs;
  for (OpInstance& op : ops) {
    const Node& n = *op.node;
    if (n.type == "If") {
      const int32_t c = n.inputs[0];
      const size_t es = dtypeSize(model_.tensors[c].dtype);
      if (numElements(shapes_[c]) != 1) return invalidArgument(n.label() + ": the condition must have one element");
      bool cond = false;
      for (size_t b = 0; b < es; ++b) cond |= static_cast<const uint8_t*>(data_[c])[b] != 0;
      const int32_t g = n.attrs.find(cond ? "then_branch" : "else_branch")->index;
      ZY_RETURN_IF_ERROR(runGraphEager(subgraph_ops_[g]));
      const Graph& branch = model_.subgraphs[g];
      for (size_t o = 0; o < n.outputs.size(); ++o) {
        const int32_t src = branch.outputs[o], dst = n.outputs[o];
        if (model_.tensors[src].dtype != model_.tensors[dst].dtype)
          return invalidArgument(n.label() + ": the branch output dtype differs from the If's");
        allocateOwned(dst, shapes_[src]);
        std::memcpy(data_[dst], data_[src], owned_[dst].size() > 1 ? static_cast<size_t>(numElements(shapes_[src])) * dtypeSize(model_.tensors[src].dtype) : 0);
      }
      continue;
    }
    if (n.type == "Loop") {
      ZY_RETURN_IF_ERROR(runLoop(n));
      continue;
    }
    ZY_RETURN_IF_ERROR(inferNode(n, &outs));
    for (size_t o = 0; o < outs.size(); ++o) allocateOwned(n.outputs[o], outs[o]);
    refreshView(op);
    ZY_RETURN_IF_ERROR(runOp(op));
  }
  return Status::OK();
}

void Session::copyTensor(int32_t dst, int32_t src) {
  if (dst == src) return;
  const Shape shape = shapes_[src];
  const std::vector<uint8_t> bytes(static_cast<const uint8_t*>(data_[src]),
                                   static_cast<const uint8_t*>(data_[src]) + numElements(shape) * static_cast<int64_t>(dtypeSize(model_.tensors[src].dtype)));
  allocateOwned(dst, shape);
  if (!bytes.empty()) std::memcpy(data_[dst], bytes.data(), bytes.size());
}

// ONNX Loop: runs the body while the trip count (input M) and the condition
// allow; carried values feed the next iteration, scan outputs are stacked.
Status Session::runLoop(const Node& n) {
  const Graph& body = model_.subgraphs[n.attrs.find("body")->index];
  const int32_t g = n.attrs.find("body")->index;
  const size_t carried = n.inputs.size() - 2, scans = n.outputs.size() - carried;
  auto scalarAt = [&](int32_t t, int64_t* out) -> Status {
    if (numElements(shapes_[t]) != 1) return invalidArgument(n.label() + ": M and cond must be scalars");
    const size_t es = dtypeSize(model_.tensors[t].dtype);
    int64_t v = 0;
    std::memcpy(&v, data_[t], std::min<size_t>(es, 8));
    if (es < 8 && model_.tensors[t].dtype != DType::Bool && (v >> (8 * es - 1)) & 1) v |= ~((int64_t{1} << (8 * es)) - 1);
    *out = v;
    return Status::OK();
  };
  int64_t max_trips = INT64_MAX, cond = 1;
  if (n.inputs[0] >= 0) ZY_RETURN_IF_ERROR(scalarAt(n.inputs[0], &max_trips));
  if (n.inputs[1] >= 0) ZY_RETURN_IF_ERROR(scalarAt(n.inputs[1], &cond));
  for (size_t k = 0; k < carried; ++k) copyTensor(body.inputs[2 + k], n.inputs[2 + k]);
  std::vector<std::vector<uint8_t>> stacked(scans);
  std::vector<Shape> scan_shape(scans);
  int64_t trips = 0;
  for (; trips < max_trips && cond; ++trips) {
    allocateOwned(body.inputs[0], {});
    std::memcpy(data_[body.inputs[0]], &trips, 8);
    allocateOwned(body.inputs[1], {});
    static_cast<uint8_t*>(data_[body.inputs[1]])[0] = 1;
    ZY_RETURN_IF_ERROR(runGraphEager(subgraph_ops_[g]));
    ZY_RETURN_IF_ERROR(scalarAt(body.outputs[0], &cond));
    for (size_t k = 0; k < carried; ++k) copyTensor(body.inputs[2 + k], body.outputs[1 + k]);
    for (size_t k = 0; k < scans; ++k) {
      const int32_t t = body.outputs[1 + carried + k];
      if (trips > 0 && shapes_[t] != scan_shape[k]) return invalidArgument(n.label() + ": scan output " + std::to_string(k) + " changes shape between iterations");
      scan_shape[k] = shapes_[t];
      const uint8_t* p = static_cast<const uint8_t*>(data_[t]);
      stacked[k].insert(stacked[k].end(), p, p + numElements(shapes_[t]) * static_cast<int64_t>(dtypeSize(model_.tensors[t].dtype)));
    }
    if (trips > 10000000) return invalidArgument(n.label() + ": more than 10^7 iterations");
  }
  for (size_t k = 0; k < carried; ++k) copyTensor(n.outputs[k], body.inputs[2 + k]);
  for (size_t k = 0; k < scans; ++k) {
    Shape shape = scan_shape[k];
    if (trips == 0) {  // no iteration: an empty stack of the declared element shape
      const Shape& declared = model_.tensors[n.outputs[carried + k]].shape;
      shape.assign(declared.begin() + (declared.empty() ? 0 : 1), declared.end());
      for (auto& d : shape) d = std::max<int64_t>(d, 0);
    }
    shape.insert(shape.begin(), trips);
    allocateOwned(n.outputs[carried + k], shape);
    if (!stacked[k].empty()) std::memcpy(data_[n.outputs[carried + k]], stacked[k].data(), stacked[k].size());
  }
  return Status::OK();
}

Status Session::runAndReplan() {
  plan_valid_ = false;
  ZY_RETURN_IF_ERROR(runGraphEager(ops_));
  // Plan one arena for these shapes; the next runs use it while shapes hold.
  // Outputs of this run stay where they are until then.
  MemoryPlan plan;
  ZY_RETURN_IF_ERROR(planMemory(model_, &plan, &shapes_));
  plan_ = plan;
  std::vector<void*> current = data_;
  ZY_RETURN_IF_ERROR(allocateArena());
  // This run's results stay readable where they are until the next run.
  planned_data_ = data_;
  data_ = current;
  plan_valid_ = true;
  ++replans_;
  return Status::OK();
}

}  // namespace zy
