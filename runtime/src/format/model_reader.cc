#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "format/model_format.h"
#include "ops/shape_inference.h"
#include "zy_model_generated.h"

namespace zy {

namespace {

std::string str(const flatbuffers::String* s) { return s ? s->str() : std::string(); }

template <typename T, typename U>
std::vector<T> vec(const flatbuffers::Vector<U>* v) {
  std::vector<T> out;
  if (v) out.assign(v->begin(), v->end());
  return out;
}

Status readGraph(const fb::Graph* g, Graph* out) {
  if (!g) return invalidModel("a graph is missing");
  out->name = str(g->name());
  out->inputs = vec<int32_t>(g->inputs());
  out->outputs = vec<int32_t>(g->outputs());
  if (!g->ops()) return Status::OK();
  for (const fb::Op* op : *g->ops()) {
    Node n;
    n.type = str(op->type());
    n.domain = str(op->domain());
    n.name = str(op->name());
    n.inputs = vec<int32_t>(op->inputs());
    n.outputs = vec<int32_t>(op->outputs());
    n.backend = op->backend();
    if (op->attributes()) {
      for (const fb::Attribute* fa : *op->attributes()) {
        Attribute a;
        a.name = str(fa->name());
        int t = static_cast<int>(fa->type());
        if (t < ZY_ATTR_INT || t > ZY_ATTR_GRAPH)
          return invalidModel(n.label() + ": attribute '" + a.name + "' has an unknown type " + std::to_string(t));
        a.type = static_cast<zy_attr_type_t>(t);
        a.i = fa->i();
        a.f = fa->f();
        a.s = str(fa->s());
        a.ints = vec<int64_t>(fa->ints());
        a.floats = vec<float>(fa->floats());
        if (fa->strings())
          for (const auto* s : *fa->strings()) a.strings.push_back(str(s));
        a.index = a.type == ZY_ATTR_TENSOR ? fa->tensor() : a.type == ZY_ATTR_GRAPH ? fa->graph() : -1;
        n.attrs.list().push_back(std::move(a));
      }
    }
    out->nodes.push_back(std::move(n));
  }
  return Status::OK();
}

// Checks one graph: indices in range, every value defined before use (which
// also proves the graph acyclic), each tensor written once. `defined` holds
// what is visible on entry (constants, and the outer scope of a subgraph);
// subgraphs named by GRAPH attributes are checked where their node stands.
Status validateGraph(const Model& m, const Graph& g, std::vector<bool> defined, std::vector<int>* producer_count,
                     std::vector<int>* graph_uses) {
  const int32_t nt = static_cast<int32_t>(m.tensors.size());
  for (int32_t i : g.inputs) {
    if (i < 0 || i >= nt) return invalidModel(strFormat("graph input index %d is out of range", i));
    if (m.tensors[i].isConstant()) return invalidModel("graph input '" + m.tensors[i].name + "' is a constant");
    defined[i] = true;
  }
  for (const Node& n : g.nodes) {
    if (n.outputs.empty()) return invalidModel(n.label() + " has no outputs");
    if (n.backend < 0 || n.backend >= static_cast<int32_t>(m.backends.size()))
      return invalidModel(n.label() + strFormat(": backend index %d is out of range", n.backend));
    for (int32_t i : n.inputs) {
      if (i < -1 || i >= nt) return invalidModel(n.label() + strFormat(": input index %d is out of range", i));
      if (i >= 0 && !defined[i])
        return invalidModel(n.label() + ": input '" + m.tensors[i].name + "' is used before it is computed (the graph is cyclic or out of order)");
    }
    for (const Attribute& a : n.attrs.list()) {
      if (a.type == ZY_ATTR_TENSOR && (a.index < 0 || a.index >= nt || !m.tensors[a.index].isConstant()))
        return invalidModel(n.label() + ": attribute '" + a.name + "' names an invalid tensor");
      if (a.type != ZY_ATTR_GRAPH) continue;
      if (a.index < 0 || a.index >= static_cast<int32_t>(m.subgraphs.size()))
        return invalidModel(n.label() + ": attribute '" + a.name + "' names an invalid subgraph");
      if ((*graph_uses)[a.index]++ > 0) return invalidModel(n.label() + ": subgraph " + std::to_string(a.index) + " is used twice");
      ZY_RETURN_IF_ERROR(validateGraph(m, m.subgraphs[a.index], defined, producer_count, graph_uses).withContext(n.label()));
    }
    if (n.type == "Loop") {
      const Attribute* a = n.attrs.find("body");
      if (!a || a->type != ZY_ATTR_GRAPH) return invalidModel(n.label() + ": body is missing");
      const Graph& body = m.subgraphs[a->index];
      if (n.inputs.size() < 2) return invalidModel(n.label() + ": needs M and cond");
      const size_t carried = n.inputs.size() - 2;
      if (body.inputs.size() != 2 + carried || body.outputs.size() != 1 + n.outputs.size() || n.outputs.size() < carried)
        return invalidModel(n.label() + ": the body's inputs and outputs do not match the loop");
    }
    if (n.type == "If") {
      if (n.inputs.size() != 1 || n.inputs[0] < 0) return invalidModel(n.label() + ": needs one condition");
      for (const char* branch : {"then_branch", "else_branch"}) {
        const Attribute* a = n.attrs.find(branch);
        if (!a || a->type != ZY_ATTR_GRAPH) return invalidModel(n.label() + ": " + branch + " is missing");
        if (m.subgraphs[a->index].outputs.size() != n.outputs.size())
          return invalidModel(n.label() + ": " + branch + " has the wrong number of outputs");
      }
    }
    for (int32_t i : n.outputs) {
      if (i < 0 || i >= nt) return invalidModel(n.label() + strFormat(": output index %d is out of range", i));
      if (m.tensors[i].isConstant() || defined[i] || (*producer_count)[i]++ > 0)
        return invalidModel(n.label() + ": output '" + m.tensors[i].name + "' is written more than once");
      defined[i] = true;
    }
  }
  for (int32_t i : g.outputs) {
    if (i < 0 || i >= nt) return invalidModel(strFormat("graph output index %d is out of range", i));
    if (!defined[i]) return invalidModel("graph output '" + m.tensors[i].name + "' is never computed");
  }
  return Status::OK();
}

// Runs shape inference on every node and compares with the stored shapes, so
// that no kernel can be handed buffers that disagree with its inputs.
Status checkShapes(const Model& m, const Graph& g) {
  for (const Node& n : g.nodes) {
    if (n.type == "If" || n.type == "Loop") continue;  // shapes come from running the subgraph
    std::vector<ValueInfo> ins, outs;
    for (int32_t i : n.inputs) {
      if (i < 0) { ins.emplace_back(); continue; }
      const Tensor& t = m.tensors[i];
      ins.push_back(ValueInfo{t.dtype, t.shape, t.isConstant() ? t.data : nullptr});
    }
    bool dynamic = false;
    for (const auto& v : ins) for (int64_t d : v.shape) dynamic |= d < 0;
    if (dynamic) continue;  // checked when the shapes are known, at run time
    Status s = inferOutputs(n.type, n.attrs, ins, n.outputs.size(), &outs);
    if (isValueNotKnown(s)) continue;
    if (!s.ok()) return s.withContext(n.label());
    for (size_t k = 0; k < outs.size(); ++k) {
      const Tensor& t = m.tensors[n.outputs[k]];
      if (t.dtype != outs[k].dtype || t.shape != outs[k].shape)
        return invalidModel(n.label() + ": output '" + t.name + "' is stored as " + dtypeName(t.dtype) +
                            shapeToString(t.shape) + " but the op computes " + dtypeName(outs[k].dtype) +
                            shapeToString(outs[k].shape));
    }
  }
  return Status::OK();
}

}  // namespace

Status validateModel(const Model& m) {
  if (m.backends.empty()) return invalidModel("the model names no backend");
  for (size_t i = 0; i < m.tensors.size(); ++i) {
    const Tensor& t = m.tensors[i];
    std::string what = "tensor '" + t.name + "'";
    if (!isValidDType(static_cast<int>(t.dtype))) return invalidModel(what + " has an invalid dtype");
    if (t.shape.size() > ZY_MAX_RANK) return invalidModel(what + strFormat(" has rank %zu, more than %d", t.shape.size(), ZY_MAX_RANK));
    bool dynamic = false;
    for (int64_t d : t.shape) {
      if (d < -1) return invalidModel(what + " has a negative dimension " + shapeToString(t.shape));
      dynamic |= d == -1;
    }
    if (!dynamic && t.byteSize() < 0) return invalidModel(what + " is too large " + shapeToString(t.shape));
    if (t.isConstant()) {
      int64_t bytes = t.byteSize();
      if (bytes < 0) return invalidModel(what + " is a constant with an unknown shape");
      if (static_cast<uint64_t>(bytes) != t.nbytes)
        return invalidModel(what + strFormat(" has %zu bytes of data but %s%s needs %lld", t.nbytes,
                                              dtypeName(t.dtype), shapeToString(t.shape).c_str(), (long long)bytes));
    }
    if (!t.quant.empty()) {
      if (t.quant.zero_point.size() != t.quant.scale.size()) return invalidModel(what + ": quantization scale and zero point differ in length");
      if (t.quant.scale.size() > 1) {
        if (t.quant.axis < 0 || t.quant.axis >= static_cast<int32_t>(t.shape.size()) ||
            t.shape[t.quant.axis] != static_cast<int64_t>(t.quant.scale.size()))
          return invalidModel(what + ": per-axis quantization does not match the shape");
      }
    }
  }
  std::vector<int> producers(m.tensors.size(), 0), graph_uses(m.subgraphs.size(), 0);
  std::vector<bool> constants(m.tensors.size(), false);
  for (size_t i = 0; i < m.tensors.size(); ++i) constants[i] = m.tensors[i].isConstant();
  ZY_RETURN_IF_ERROR(validateGraph(m, m.graph, constants, &producers, &graph_uses));
  for (size_t k = 0; k < m.subgraphs.size(); ++k)
    if (graph_uses[k] == 0) return invalidModel("subgraph " + std::to_string(k) + " is not used by any op");
  // The memory plan: either no tensor has an offset (the runtime plans), or
  // every non-constant tensor of known size lies inside the arena.
  bool any_offset = false;
  for (const Tensor& t : m.tensors) any_offset |= !t.isConstant() && t.arena_offset >= 0;
  if (any_offset) {
    for (const Tensor& t : m.tensors) {
      if (t.isConstant()) continue;
      int64_t bytes = t.byteSize();
      if (bytes < 0) continue;
      if (t.arena_offset < 0) return invalidModel("tensor '" + t.name + "' has no arena offset in a planned model");
      if (t.arena_offset % 4 != 0 || static_cast<uint64_t>(t.arena_offset) > m.arena_size ||
          static_cast<uint64_t>(bytes) > m.arena_size - static_cast<uint64_t>(t.arena_offset))
        return invalidModel("tensor '" + t.name + strFormat("' at arena offset %lld (%lld bytes) lies outside the %llu-byte arena",
                            (long long)t.arena_offset, (long long)bytes, (unsigned long long)m.arena_size));
    }
  }
  ZY_RETURN_IF_ERROR(checkShapes(m, m.graph));
  return Status::OK();
}

Status readModelBuffer(const uint8_t* data, size_t size, std::shared_ptr<void> storage, Model* out) {
  if (size < 8 || !flatbuffers::BufferHasIdentifier(data, fb::ModelIdentifier()))
    return invalidModel("not a .zym file (missing the ZYM1 identifier)");
  if (size >= (size_t{1} << 31)) return invalidModel("file is larger than 2 GiB");
  {
    flatbuffers::Verifier hv(data, size);
    if (!hv.VerifyBuffer<fb::FileHeader>(fb::ModelIdentifier())) return invalidModel("the file header is corrupt");
    auto* header = flatbuffers::GetRoot<fb::FileHeader>(data);
    if (header->version_major() != kFormatVersionMajor)
      return Status(ZY_UNSUPPORTED, strFormat("unsupported .zym format version %u.%u (this runtime reads %u.x)",
                                              header->version_major(), header->version_minor(), kFormatVersionMajor));
  }
  flatbuffers::Verifier::Options opts;
  opts.max_depth = 64;
  opts.max_tables = 10000000;
  flatbuffers::Verifier v(data, size, opts);
  if (!fb::VerifyModelBuffer(v)) return invalidModel("the file is corrupt (FlatBuffers verification failed)");
  const fb::Model* fm = fb::GetModel(data);

  Model m;
  m.version_major = fm->version_major();
  m.version_minor = fm->version_minor();
  m.storage = std::move(storage);
  if (const fb::Metadata* md = fm->metadata()) {
    m.metadata.producer_name = str(md->producer_name());
    m.metadata.producer_version = str(md->producer_version());
    m.metadata.source_format = str(md->source_format());
    m.metadata.source_ir_version = md->source_ir_version();
    m.metadata.description = str(md->description());
    if (md->opset_imports())
      for (const auto* o : *md->opset_imports()) m.metadata.opset_imports.emplace_back(str(o->domain()), o->version());
  }
  const auto* buffers = fm->buffers();
  size_t nbuf = buffers ? buffers->size() : 0;
  if (fm->tensors()) {
    for (const fb::Tensor* ft : *fm->tensors()) {
      Tensor t;
      t.name = str(ft->name());
      t.dtype = static_cast<DType>(ft->dtype());
      t.shape = vec<int64_t>(ft->shape());
      int kind = static_cast<int>(ft->kind());
      if (kind > static_cast<int>(TensorKind::Output)) return invalidModel("tensor '" + t.name + "' has an unknown kind");
      t.kind = static_cast<TensorKind>(kind);
      t.arena_offset = ft->arena_offset();
      if (const fb::Quantization* q = ft->quant()) {
        t.quant.scale = vec<float>(q->scale());
        t.quant.zero_point = vec<int64_t>(q->zero_point());
        t.quant.axis = q->axis();
      }
      if (t.isConstant()) {
        uint32_t b = ft->buffer();
        if (b == 0 || b >= nbuf) return invalidModel("constant '" + t.name + strFormat("' names buffer %u of %zu", b, nbuf));
        const auto* d = buffers->Get(b)->data();
        if (d) {
          t.data = d->data();
          t.nbytes = d->size();
          if (reinterpret_cast<uintptr_t>(t.data) % 64 != 0 && t.nbytes > 0)
            return invalidModel("constant '" + t.name + "' is not 64-byte aligned");
        }
      }
      m.tensors.push_back(std::move(t));
    }
  }
  ZY_RETURN_IF_ERROR(readGraph(fm->graph(), &m.graph));
  if (fm->subgraphs())
    for (const fb::Graph* g : *fm->subgraphs()) {
      m.subgraphs.emplace_back();
      ZY_RETURN_IF_ERROR(readGraph(g, &m.subgraphs.back()));
    }
  m.backends.clear();
  if (fm->backends())
    for (const fb::Backend* b : *fm->backends()) {
      BackendTarget t(str(b->name()));
      if (b->blob() && b->blob()->size()) {  // zero-copy: the model's storage keeps it alive
        t.blob = b->blob()->data();
        t.blob_size = b->blob()->size();
      }
      m.backends.push_back(std::move(t));
    }
  if (m.backends.empty()) m.backends.emplace_back("any");
  if (fm->memory_plan()) {
    m.arena_size = fm->memory_plan()->arena_size();
    m.arena_alignment = fm->memory_plan()->alignment();
  }
  ZY_RETURN_IF_ERROR(validateModel(m));
  *out = std::move(m);
  return Status::OK();
}

Status loadModelMemory(const void* data, size_t size, Model* out) {
  if (!data || size == 0) return invalidArgument("empty model buffer");
  size_t padded = (size + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, padded);
  if (!p) return Status(ZY_OUT_OF_MEMORY, "cannot allocate the model buffer");
  std::memcpy(p, data, size);
  std::shared_ptr<void> storage(p, [](void* q) { std::free(q); });
  return readModelBuffer(static_cast<const uint8_t*>(p), size, storage, out);
}

Status loadModelFile(const std::string& path, Model* out) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status(ZY_NOT_FOUND, "cannot open '" + path + "': " + std::strerror(errno));
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status(ZY_IO_ERROR, "'" + path + "' is not a regular file");
  }
  size_t size = static_cast<size_t>(st.st_size);
  if (size == 0) {
    ::close(fd);
    return invalidModel("'" + path + "' is empty");
  }
  void* p = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (p == MAP_FAILED) return Status(ZY_IO_ERROR, "cannot map '" + path + "': " + std::strerror(errno));
  std::shared_ptr<void> storage(p, [size](void* q) { ::munmap(q, size); });
  return readModelBuffer(static_cast<const uint8_t*>(p), size, storage, out).withContext(path);
}

}  // namespace zy
