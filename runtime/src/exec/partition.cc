#include "exec/partition.h"

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "exec/backend_registry.h"
#include "exec/plugin_loader.h"
#include "exec/session.h"

namespace zy {

namespace {

// Ops worth an accelerator even alone; others move to the CPU when isolated.
bool heavy(const std::string& type) {
  static const std::set<std::string> k = {"QLinearConv", "QGemm", "QLinearMatMul", "Conv", "Gemm", "MatMul", "ConvInteger", "MatMulInteger"};
  return k.count(type) > 0;
}

}  // namespace

Status partitionModel(Model* model, const std::vector<std::string>& targets, const std::string& backend_path, Placement* out) {
  *out = Placement();
  if (targets.empty()) return invalidArgument("no targets given");
  // Accelerators are the targets that are not built in (plugins).
  std::set<std::string> accelerators;
  for (const std::string& t : targets)
    if (!findBuiltinBackend(t)) accelerators.insert(t);
  // Behind the targets, the built-in backends that start on this machine.
  std::vector<std::string> order = targets;
  for (const BackendInfo& b : listBackends(""))
    if (b.origin == "built-in" && b.available && std::find(order.begin(), order.end(), b.name) == order.end()) order.push_back(b.name);
  out->order = order;
  auto device = [&](const std::string& backend) { return accelerators.count(backend) ? backend : std::string("host"); };

  Model probe = *model;  // the session must not see a previous placement
  probe.backends = {BackendTarget()};
  for (Node& n : probe.graph.nodes) n.backend = 0;
  SessionOptions o;
  o.num_threads = 1;
  o.backend_order = order;
  o.backend_path = backend_path;
  o.fallback = "error";  // a target that cannot load or start is an error here
  std::unique_ptr<Session> s;
  ZY_RETURN_IF_ERROR(Session::create(probe, o, &s));

  const size_t n = probe.graph.nodes.size();
  out->ops.resize(n);
  for (size_t k = 0; k < n; ++k) {
    Placement::Op& op = out->ops[k];
    op.verdicts = s->backendVerdicts(k);
    op.backend = s->opBackend(k);  // the first in order that took it (control flow: the session's)
    op.note = s->opNote(k);
  }
  // Lone cheap accelerator ops between host ops move to the first CPU backend that takes them.
  for (size_t k = 0; k < n; ++k) {
    Placement::Op& op = out->ops[k];
    if (!accelerators.count(op.backend) || heavy(probe.graph.nodes[k].type)) continue;
    const bool alone = (k == 0 || out->ops[k - 1].backend != op.backend) && (k + 1 == n || out->ops[k + 1].backend != op.backend);
    const bool host_around = (k == 0 || device(out->ops[k - 1].backend) == "host") && (k + 1 == n || device(out->ops[k + 1].backend) == "host");
    if (!alone || !host_around) continue;
    for (const auto& [name, why] : op.verdicts)
      if (why.empty() && !accelerators.count(name)) {
        op.backend = name;
        op.moved_to_cpu = true;
        op.note.clear();
        break;
      }
  }
  // Subgraphs: runs of consecutive ops on one backend.
  for (size_t k = 0; k < n; ++k) {
    if (out->subgraphs.empty() || out->subgraphs.back().backend != out->ops[k].backend) out->subgraphs.push_back({out->ops[k].backend, k, k});
    out->subgraphs.back().last = k;
    out->ops[k].subgraph = static_cast<int>(out->subgraphs.size() - 1);
  }
  // Boundary copies: a tensor made on one device and read on another (graph inputs and outputs live on the host).
  std::map<int32_t, std::string> made_on;
  for (int32_t t : probe.graph.inputs) made_on[t] = "host";
  std::set<std::pair<int32_t, std::string>> copied;
  auto cross = [&](int32_t t, const std::string& to) {
    auto it = made_on.find(t);
    if (it == made_on.end() || it->second == to || !copied.insert({t, to}).second) return;
    const Tensor& tt = probe.tensors[t];
    out->copies.push_back({tt.name, it->second, to, std::max<int64_t>(0, tt.byteSize())});
  };
  for (size_t k = 0; k < n; ++k) {
    const Node& node = probe.graph.nodes[k];
    const std::string d = device(out->ops[k].backend);
    for (int32_t t : node.inputs)
      if (t >= 0) cross(t, d);
    for (int32_t t : node.outputs) made_on[t] = d;
  }
  for (int32_t t : probe.graph.outputs) cross(t, "host");

  // Ahead of time: a blob per subgraph from backends with compile_subgraph,
  // else per op from those with compile_op (for the ops they keep).
  std::vector<int32_t> subgraph_blob(out->subgraphs.size(), -1);  // backend entry per subgraph
  std::vector<std::vector<uint8_t>> subgraph_bytes(out->subgraphs.size());
  std::set<std::string> whole;  // backends that compile subgraphs
  for (size_t g = 0; g < out->subgraphs.size(); ++g) {
    const Placement::Subgraph& sg = out->subgraphs[g];
    if (sg.backend == "control flow") continue;
    std::vector<size_t> nodes;
    bool moved = false;  // ops moved to the CPU were prepared on the accelerator: per op below
    for (size_t k = sg.first; k <= sg.last; ++k) {
      nodes.push_back(k);
      moved |= out->ops[k].moved_to_cpu;
    }
    if (moved) continue;
    bool compiled = false;
    ZY_RETURN_IF_ERROR(s->compileSubgraph(sg.backend, nodes, &subgraph_bytes[g], &compiled));
    if (compiled) whole.insert(sg.backend);
  }
  std::map<size_t, std::pair<std::string, std::vector<uint8_t>>> blobs;
  for (const std::string& b : order) {
    if (whole.count(b)) continue;
    std::vector<std::pair<size_t, std::vector<uint8_t>>> got;
    ZY_RETURN_IF_ERROR(s->compileOps(b, &got));
    for (auto& [k, bytes] : got)
      if (out->ops[k].backend == b) blobs[k] = {b, std::move(bytes)};
  }
  s.reset();
  model->backends = {BackendTarget()};
  std::map<std::string, int32_t> plain;
  for (size_t k = 0; k < n; ++k) {
    const std::string& b = out->ops[k].backend;
    Node& node = model->graph.nodes[k];
    if (b == "control flow") { node.backend = 0; continue; }
    const size_t g = static_cast<size_t>(out->ops[k].subgraph);
    if (subgraph_blob[g] < 0 && !subgraph_bytes[g].empty()) {  // the subgraph's first op: one entry for all of them
      model->backends.push_back(BackendTarget::withBlob(b, std::move(subgraph_bytes[g])));
      subgraph_blob[g] = static_cast<int32_t>(model->backends.size() - 1);
      ++out->subgraph_blobs;
    }
    if (subgraph_blob[g] >= 0) {
      node.backend = subgraph_blob[g];
      ++out->compiled;
      continue;
    }
    auto blob = blobs.find(k);
    if (blob != blobs.end()) {
      model->backends.push_back(BackendTarget::withBlob(b, std::move(blob->second.second)));
      node.backend = static_cast<int32_t>(model->backends.size() - 1);
      ++out->compiled;
      continue;
    }
    auto it = plain.find(b);
    if (it == plain.end()) {
      model->backends.push_back(BackendTarget(b));
      it = plain.emplace(b, static_cast<int32_t>(model->backends.size() - 1)).first;
    }
    node.backend = it->second;
  }
  return Status::OK();
}

std::string explainPlacement(const Model& model, const Placement& p) {
  std::string out = "placement: backends asked in this order:";
  for (const std::string& b : p.order) out += " " + b;
  out += "\n";
  std::map<std::string, int> per;
  for (size_t k = 0; k < p.ops.size(); ++k) {
    const Node& node = model.graph.nodes[k];
    const Placement::Op& op = p.ops[k];
    ++per[op.backend];
    out += strFormat("%4zu  %-44s %-24s -> %s%s\n", k, node.name.substr(0, 44).c_str(), node.type.c_str(), op.backend.c_str(),
                     op.moved_to_cpu ? " (alone between CPU ops: moved to save two copies)" : "");
    if (!op.note.empty()) out += "        " + op.note + "\n";
    for (const auto& [name, why] : op.verdicts) {
      if (name == op.backend) break;
      if (!why.empty()) out += "        " + name + " refused: " + why + "\n";
    }
  }
  out += "ops per backend:";
  for (const auto& [b, c] : per) out += strFormat(" %s %d", b.c_str(), c);
  out += strFormat("\nsubgraphs: %zu\n", p.subgraphs.size());
  for (const Placement::Subgraph& g : p.subgraphs)
    out += strFormat("  %-10s ops %zu-%zu (%zu)\n", g.backend.c_str(), g.first, g.last, g.last - g.first + 1);
  int64_t bytes = 0;
  for (const Placement::Copy& c : p.copies) bytes += c.bytes;
  out += strFormat("boundary copies: %zu (%.1f KB)\n", p.copies.size(), static_cast<double>(bytes) / 1024);
  for (const Placement::Copy& c : p.copies)
    out += strFormat("  %-44s %s -> %s, %lld bytes\n", c.tensor.c_str(), c.from.c_str(), c.to.c_str(), (long long)c.bytes);
  out += strFormat("ahead of time: %d op%s compiled into the model", p.compiled, p.compiled == 1 ? "" : "s");
  if (p.subgraph_blobs) out += strFormat(" (%d subgraph blob%s)", p.subgraph_blobs, p.subgraph_blobs == 1 ? "" : "s");
  out += "\n";
  return out;
}

std::string placementDot(const Model& model, const Placement& p) {
  static const char* kColors[] = {"#8dd3c7", "#fdb462", "#bebada", "#80b1d3", "#b3de69", "#fccde5", "#d9d9d9"};
  std::map<std::string, const char*> color;
  for (const Placement::Op& op : p.ops)
    if (!color.count(op.backend)) color[op.backend] = kColors[std::min<size_t>(color.size(), 6)];
  auto esc = [](std::string s) {
    std::string o;
    for (char c : s) o += (c == '"' || c == '\\') ? std::string("\\") + c : std::string(1, c);
    return o;
  };
  std::string out = "digraph placement {\n  rankdir=TB;\n  node [shape=box, style=filled, fontname=\"Helvetica\"];\n";
  std::map<int32_t, size_t> producer;
  std::set<std::string> copied;
  for (const Placement::Copy& c : p.copies) copied.insert(c.tensor);
  for (size_t k = 0; k < p.ops.size(); ++k) {
    const Node& node = model.graph.nodes[k];
    out += strFormat("  n%zu [label=\"%s\\n%s\", fillcolor=\"%s\"];\n", k, esc(node.type).c_str(), esc(p.ops[k].backend).c_str(),
                     color[p.ops[k].backend]);
    for (int32_t t : node.inputs) {
      auto it = t >= 0 ? producer.find(t) : producer.end();
      if (it == producer.end()) continue;
      const bool copy = copied.count(model.tensors[t].name) && p.ops[it->second].backend != p.ops[k].backend;
      out += strFormat("  n%zu -> n%zu%s;\n", it->second, k, copy ? " [color=red, penwidth=2, label=\"copy\"]" : "");
    }
    for (int32_t t : node.outputs) producer[t] = k;
  }
  out += "  subgraph cluster_legend {\n    label=\"backends\";\n";
  for (const auto& [b, c] : color) out += strFormat("    \"%s\" [fillcolor=\"%s\"];\n", esc(b).c_str(), c);
  out += "  }\n}\n";
  return out;
}

}  // namespace zy
