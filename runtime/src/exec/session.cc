#include "exec/session.h"

#include <cstdlib>
#include <cstring>

#include "exec/backend_registry.h"

namespace zy {

namespace {

void hostParallelFor(void* ctx, size_t n, size_t grain, zy_parallel_fn_t fn, void* arg) {
  static_cast<ThreadPool*>(ctx)->parallelFor(n, grain, [&](size_t b, size_t e) { fn(arg, b, e); });
}

}  // namespace

Session::~Session() {
  for (OpInstance& op : ops_)
    if (op.state) backends_[op.backend].api->release_op(backends_[op.backend].instance, op.state);
  for (BoundBackend& b : backends_)
    if (b.instance) b.api->destroy(b.instance);
}

Status Session::create(const Model& model, const SessionOptions& options, std::unique_ptr<Session>* out) {
  std::unique_ptr<Session> s(new Session(model));
  for (const Tensor& t : model.tensors)
    for (int64_t d : t.shape)
      if (d < 0) return unsupported("tensor '" + t.name + "' has a dynamic shape " + shapeToString(t.shape) +
                                    "; compile with --input-shape to fix it");
  // The compiler's plan when the file has one, else plan here.
  bool planned = model.arena_size > 0;
  if (planned) {
    s->plan_.arena_size = model.arena_size;
    for (const Tensor& t : model.tensors) s->plan_.offsets.push_back(t.arena_offset);
  } else {
    ZY_RETURN_IF_ERROR(planMemory(model, &s->plan_));
  }
  size_t arena_bytes = std::max<size_t>(64, (s->plan_.arena_size + 63) / 64 * 64);
  uint8_t* arena = static_cast<uint8_t*>(std::aligned_alloc(64, arena_bytes));
  if (!arena) return Status(ZY_OUT_OF_MEMORY, strFormat("cannot allocate a %zu-byte arena", arena_bytes));
  std::memset(arena, 0, arena_bytes);
  s->arena_.reset(arena, [](uint8_t* p) { std::free(p); });
  s->data_.assign(model.tensors.size(), nullptr);
  for (size_t i = 0; i < model.tensors.size(); ++i) {
    const Tensor& t = model.tensors[i];
    if (t.isConstant()) s->data_[i] = const_cast<uint8_t*>(t.data);
    else if (s->plan_.offsets[i] >= 0) s->data_[i] = arena + s->plan_.offsets[i];
  }
  s->pool_ = ThreadPool::create(options.num_threads);
  s->host_.abi_version = ZY_BACKEND_ABI_VERSION;
  s->host_.num_threads = s->pool_->numThreads();
  s->host_.ctx = s->pool_.get();
  s->host_.parallel_for = hostParallelFor;
  ZY_RETURN_IF_ERROR(s->bindBackends(options));
  ZY_RETURN_IF_ERROR(s->prepareOps());
  *out = std::move(s);
  return Status::OK();
}

Status Session::bindBackends(const SessionOptions& options) {
  std::vector<std::string> order = options.backend_order;
  if (order.empty()) order = {"ref"};
  for (const std::string& name : order) {
    const zy_backend_api_t* api = findBuiltinBackend(name);
    if (!api) return Status(ZY_NOT_FOUND, "backend '" + name + "' is not available in this build");
    if (api->abi_version != ZY_BACKEND_ABI_VERSION)
      return Status(ZY_UNSUPPORTED, "backend '" + name + "' was built for ABI version " + std::to_string(api->abi_version));
    BoundBackend b;
    b.api = api;
    char err[256] = {0};
    if (api->create(&host_, &b.instance, err, sizeof err) != ZY_OK)
      return Status(ZY_BACKEND_ERROR, "backend '" + name + "' failed to start: " + err);
    backends_.push_back(b);
  }
  return Status::OK();
}

zy_tensor_view_t Session::tensorView(int32_t t, bool with_data, std::vector<zy_quant_view_t>& quants) {
  zy_tensor_view_t v{};
  if (t < 0) return v;  // omitted optional input: dtype UNDEFINED
  const Tensor& tt = model_.tensors[t];
  v.name = tt.name.c_str();
  v.dtype = static_cast<zy_dtype_t>(tt.dtype);
  v.rank = static_cast<int32_t>(tt.shape.size());
  v.dims = tt.shape.data();
  v.byte_size = static_cast<size_t>(std::max<int64_t>(0, tt.byteSize()));
  v.is_constant = tt.isConstant();
  v.data = (with_data || tt.isConstant()) ? data_[t] : nullptr;
  if (!tt.quant.empty()) {
    quants.push_back({tt.quant.scale.size(), tt.quant.scale.data(), tt.quant.zero_point.data(), tt.quant.axis});
    v.quant = nullptr;  // patched after the vector stops growing
  }
  return v;
}

void Session::buildView(OpInstance& op, bool with_data) {
  const Node& n = model_.graph.nodes[op.node];
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

Status Session::prepareOps() {
  const auto& nodes = model_.graph.nodes;
  ops_.resize(nodes.size());
  for (size_t k = 0; k < nodes.size(); ++k) {
    OpInstance& op = ops_[k];
    op.node = k;
    buildView(op, false);
    // The compiler's assignment first, then the session's order.
    std::vector<size_t> candidates;
    const std::string& assigned = model_.backends[nodes[k].backend];
    for (size_t b = 0; b < backends_.size(); ++b)
      if (assigned == backends_[b].api->name) candidates.push_back(b);
    for (size_t b = 0; b < backends_.size(); ++b)
      if (assigned != backends_[b].api->name) candidates.push_back(b);
    std::string reasons;
    bool placed = false;
    for (size_t b : candidates) {
      char reason[256] = {0};
      if (!backends_[b].api->supports_op(backends_[b].instance, &op.view, reason, sizeof reason)) {
        reasons += std::string(reasons.empty() ? "" : "; ") + backends_[b].api->name + ": " + reason;
        continue;
      }
      char err[512] = {0};
      if (backends_[b].api->prepare_op(backends_[b].instance, &op.view, &op.state, err, sizeof err) != ZY_OK)
        return Status(ZY_BACKEND_ERROR, nodes[k].label() + ": backend '" + backends_[b].api->name + "' failed to prepare it: " + err);
      op.backend = b;
      placed = true;
      break;
    }
    if (!placed) return unsupported(nodes[k].label() + ": no backend can run it (" + reasons + ")");
    buildView(op, true);
  }
  return Status::OK();
}

Status Session::setInput(size_t index, DType dtype, const int64_t* dims, int32_t rank, const void* data, size_t bytes) {
  if (index >= model_.graph.inputs.size())
    return invalidArgument(strFormat("input index %zu is out of range (the model has %zu inputs)", index, model_.graph.inputs.size()));
  int32_t t = model_.graph.inputs[index];
  const Tensor& tt = model_.tensors[t];
  if (dtype != tt.dtype)
    return invalidArgument("input '" + tt.name + "' expects dtype " + dtypeName(tt.dtype) + ", got " + dtypeName(dtype));
  Shape given(dims, dims + std::max(0, rank));
  if (rank < 0 || given != tt.shape)
    return invalidArgument("input '" + tt.name + "' expects shape " + shapeToString(tt.shape) + ", got " + shapeToString(given));
  if (static_cast<int64_t>(bytes) != tt.byteSize())
    return invalidArgument("input '" + tt.name + strFormat("' expects %lld bytes, got %zu", (long long)tt.byteSize(), bytes));
  if (bytes && !data) return invalidArgument("input '" + tt.name + "' has no data");
  if (bytes) std::memcpy(data_[t], data, bytes);
  return Status::OK();
}

Status Session::run() {
  for (OpInstance& op : ops_) {
    const BoundBackend& b = backends_[op.backend];
    char err[512] = {0};
    if (b.api->run_op(b.instance, op.state, &op.view, err, sizeof err) != ZY_OK)
      return Status(ZY_BACKEND_ERROR, model_.graph.nodes[op.node].label() + ": " + err);
  }
  return Status::OK();
}

}  // namespace zy
