#include "plan/memory_planner.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <set>

#include "ops/op_helpers.h"

namespace zy {

bool isAliasOp(const std::string& t) {
  return t == "Reshape" || t == "Flatten" || t == "Squeeze" || t == "Unsqueeze" || t == "Identity" || t == "Dropout";
}

bool isInPlaceOp(const std::string& t) {
  static const std::set<std::string> ops = {"Relu", "LeakyRelu", "Sigmoid", "HardSigmoid", "HardSwish", "Tanh",
                                            "Clip", "Add", "Sub", "Mul", "Div", "Sum", "PRelu", "BatchNormalization",
                                            "QLinearAdd"};
  return ops.count(t) != 0;
}

namespace {

struct UnionFind {
  std::vector<int32_t> parent;
  explicit UnionFind(size_t n) : parent(n) { std::iota(parent.begin(), parent.end(), 0); }
  int32_t find(int32_t x) { while (parent[x] != x) x = parent[x] = parent[parent[x]]; return x; }
  void join(int32_t child, int32_t root) { parent[find(child)] = find(root); }
};

// Concat along an axis with nothing outside it (the channel axis of a batch
// of one): each input is a contiguous slice of the output. An input whose
// group nothing reads after the Concat is placed inside the output's group
// at its slice, so its producer writes the output in place and the Concat
// has nothing to copy (its kernels skip slices already in place). Not for
// graph inputs or outputs (they live through the run), an input given
// twice, a group of another size, or a slice off 64-byte alignment.
template <typename BytesOf>
void placeConcatInputs(const Model& m, const std::vector<Shape>* shapes, const BytesOf& bytesOf, UnionFind& uf,
                       const std::vector<int32_t>& buf_last, std::vector<int32_t>* slice_of, std::vector<int64_t>* slice_offset) {
  const size_t nt = m.tensors.size();
  std::vector<int64_t> group_bytes(nt, 0);
  for (size_t i = 0; i < nt; ++i) {
    if (m.tensors[i].isConstant()) continue;
    const int32_t r = uf.find(static_cast<int32_t>(i));
    group_bytes[r] = std::max(group_bytes[r], bytesOf(i));
  }
  for (int32_t k = 0; k < static_cast<int32_t>(m.graph.nodes.size()); ++k) {
    const Node& n = m.graph.nodes[k];
    if (n.type != "Concat" || !n.domain.empty() || n.outputs.empty() || n.outputs[0] < 0) continue;
    const int32_t o = n.outputs[0];
    const Shape& shape = shapes ? (*shapes)[static_cast<size_t>(o)] : m.tensors[o].shape;
    int64_t axis;
    if (!normalizeAxis(n.attrs.getInt("axis", 0), static_cast<int64_t>(shape.size()), &axis).ok()) continue;
    bool outer_one = true;
    for (int64_t d = 0; d < axis; ++d) outer_one = outer_one && shape[static_cast<size_t>(d)] == 1;
    if (!outer_one || m.tensors[o].isConstant()) continue;
    std::map<int32_t, int> uses;  // per group: how many of the inputs it holds
    for (int32_t i : n.inputs) if (i >= 0) ++uses[uf.find(i)];
    int64_t offset = 0;
    for (int32_t i : n.inputs) {
      if (i < 0) continue;
      const int32_t r = uf.find(i);
      const int64_t bytes = bytesOf(i);
      const bool placeable = !m.tensors[i].isConstant() && buf_last[r] == k && (*slice_of)[r] < 0 &&
                             uses[r] == 1 && group_bytes[r] == bytes && offset % 64 == 0 && r != uf.find(o) &&
                             m.tensors[i].dtype == m.tensors[o].dtype;
      if (placeable) {
        (*slice_of)[r] = o;
        (*slice_offset)[r] = offset;
      }
      offset += bytes;
    }
  }
}

}  // namespace

Status planMemory(const Model& m, MemoryPlan* plan, const std::vector<Shape>* shapes) {
  const size_t nt = m.tensors.size();
  auto bytesOf = [&](size_t i) {
    if (!shapes) return m.tensors[i].byteSize();
    const int64_t n = numElements((*shapes)[i]);
    return n < 0 ? int64_t{-1} : n * static_cast<int64_t>(dtypeSize(m.tensors[i].dtype));
  };
  const int32_t end = static_cast<int32_t>(m.graph.nodes.size());
  std::vector<int32_t> def(nt, -1), last(nt, -2);
  // Inputs live through the whole run: a session may run again on the inputs
  // it was given once, so their bytes are never reused.
  for (int32_t i : m.graph.inputs) last[i] = end;
  for (int32_t i : m.graph.outputs) last[i] = end;
  for (int32_t k = 0; k < end; ++k) {
    const Node& n = m.graph.nodes[k];
    for (int32_t i : n.inputs) if (i >= 0) last[i] = std::max(last[i], k);
    for (int32_t o : n.outputs) { def[o] = k; last[o] = std::max(last[o], k); }
  }
  UnionFind uf(nt);
  std::vector<int32_t> buf_last(last);  // indexed by root
  auto merge = [&](int32_t out, int32_t in) {
    int32_t r = uf.find(in);
    buf_last[r] = std::max(buf_last[r], buf_last[uf.find(out)]);
    uf.join(out, r);
  };
  for (int32_t k = 0; k < end; ++k) {
    const Node& n = m.graph.nodes[k];
    if (n.inputs.empty() || n.inputs[0] < 0) continue;
    int32_t o = n.outputs[0];
    if (isAliasOp(n.type) && !m.tensors[n.inputs[0]].isConstant()) {
      merge(o, n.inputs[0]);
      continue;
    }
    if (!isInPlaceOp(n.type)) continue;
    for (int32_t i : n.inputs) {
      if (i < 0 || m.tensors[i].isConstant()) continue;
      int32_t r = uf.find(i);
      if (buf_last[r] != k) continue;  // read later (inputs and outputs always are)
      if (bytesOf(i) != bytesOf(o) || m.tensors[i].dtype != m.tensors[o].dtype) continue;
      merge(o, i);
      break;
    }
  }
  for (size_t i = 0; i < nt; ++i) {
    if (m.tensors[i].isConstant() || bytesOf(i) >= 0) continue;
    const Tensor& t = m.tensors[i];
    return invalidArgument("tensor '" + t.name + "' has shape " + shapeToString(shapes ? (*shapes)[i] : t.shape) + " with unknown dimensions; cannot plan memory");
  }
  // Concat slices: a group (root) placed at a byte offset inside another tensor's group.
  std::vector<int32_t> slice_of(nt, -1);
  std::vector<int64_t> slice_offset(nt, 0);
  placeConcatInputs(m, shapes, bytesOf, uf, buf_last, &slice_of, &slice_offset);
  // A tensor's buffer: the root of its group, or of the group it is a slice of, and its offset there.
  auto locate = [&](int32_t i, int64_t* offset) {
    int32_t r = uf.find(i);
    *offset = 0;
    while (slice_of[r] >= 0) {
      *offset += slice_offset[r];
      r = uf.find(slice_of[r]);
    }
    return r;
  };
  // Buffers: root -> [def, last] and size.
  struct Buf { int32_t root; int32_t first; int32_t last; int64_t size; int64_t offset; };
  std::vector<Buf> bufs;
  std::vector<int32_t> buf_of_root(nt, -1);
  for (size_t i = 0; i < nt; ++i) {
    if (m.tensors[i].isConstant()) continue;  // constants stay in the model file
    int64_t at;
    const int32_t r = locate(static_cast<int32_t>(i), &at);
    if (buf_of_root[r] < 0) {
      buf_of_root[r] = static_cast<int32_t>(bufs.size());
      bufs.push_back({r, def[i], std::max(last[i], def[i]), 0, -1});
    }
    Buf& b = bufs[buf_of_root[r]];
    b.first = std::min(b.first, def[i]);
    b.last = std::max(b.last, last[i]);
    b.size = std::max(b.size, at + bytesOf(i));
  }
  std::vector<size_t> order(bufs.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return bufs[a].size > bufs[b].size; });
  const int64_t align = 64;
  uint64_t arena = 0;
  std::vector<size_t> placed;
  for (size_t bi : order) {
    Buf& b = bufs[bi];
    std::vector<std::pair<int64_t, int64_t>> busy;
    for (size_t pi : placed) {
      const Buf& p = bufs[pi];
      if (p.last < b.first || b.last < p.first) continue;
      busy.emplace_back(p.offset, p.offset + p.size);
    }
    std::sort(busy.begin(), busy.end());
    int64_t off = 0;
    for (const auto& [s, e] : busy) {
      if (off + b.size <= s) break;
      off = std::max(off, (e + align - 1) / align * align);
    }
    b.offset = off;
    placed.push_back(bi);
    arena = std::max<uint64_t>(arena, static_cast<uint64_t>(off + b.size));
  }
  plan->offsets.assign(nt, -1);
  for (size_t i = 0; i < nt; ++i) {
    if (m.tensors[i].isConstant()) continue;
    int64_t at;
    plan->offsets[i] = bufs[buf_of_root[locate(static_cast<int32_t>(i), &at)]].offset + at;
  }
  plan->arena_size = (arena + align - 1) / align * align;
  return Status::OK();
}

Status applyMemoryPlan(Model* m) {
  MemoryPlan plan;
  ZY_RETURN_IF_ERROR(planMemory(*m, &plan));
  for (size_t i = 0; i < m->tensors.size(); ++i)
    m->tensors[i].arena_offset = plan.offsets[i];
  m->arena_size = std::max<uint64_t>(plan.arena_size, 64);
  return Status::OK();
}

}  // namespace zy
