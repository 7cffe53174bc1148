#include "zy/Export/ModelBuilder.h"

#include "exec/ahead_of_time.h"

#include <functional>

#include "format/model_format.h"
#include "plan/memory_planner.h"
#include "zy/Bridge/RuntimeBridge.h"
#include "zy/Dialect/ZyDialect.h"

namespace mlir {
namespace zy {

using ::zy::Tensor;
using ::zy::TensorKind;

namespace {

std::string locName(Location loc) {
  if (auto n = dyn_cast<NameLoc>(loc)) return n.getName().str();
  return "";
}

}  // namespace

LogicalResult buildModel(func::FuncOp func, ::zy::Model* out, DenseMap<Value, int32_t>* value_index,
                         std::string* error) {
  ::zy::Model m;
  if (auto module = func->getParentOfType<ModuleOp>()) {
    if (auto p = module->getAttrOfType<StringAttr>("zy.producer")) m.metadata.producer_name = p.getValue().str();
    if (auto o = module->getAttrOfType<IntegerAttr>("zy.opset")) m.metadata.opset_imports.emplace_back("", o.getInt());
    if (auto v = module->getAttrOfType<IntegerAttr>("zy.ir_version")) m.metadata.source_ir_version = v.getInt();
  }
  m.metadata.source_format = "onnx";
  m.metadata.producer_version = "zy-compile 0.1";
  DenseMap<Value, int32_t> index;
  auto add = [&](Value v, std::string name, TensorKind kind) -> int32_t {
    Tensor t;
    ::zy::ValueInfo info = valueInfo(v);
    t.name = std::move(name);
    t.dtype = info.dtype;
    t.shape = info.shape;
    t.kind = kind;
    m.tensors.push_back(std::move(t));
    int32_t i = static_cast<int32_t>(m.tensors.size() - 1);
    index[v] = i;
    return i;
  };
  Block& body = func.getBody().front();
  for (BlockArgument arg : body.getArguments()) {
    auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "zy.name");
    std::string n = name ? name.getValue().str() : "input_" + std::to_string(arg.getArgNumber());
    if (!isa<RankedTensorType>(arg.getType())) { *error = "input '" + n + "' has no static shape"; return failure(); }
    m.graph.inputs.push_back(add(arg, n, TensorKind::Input));
  }
  if (auto offs = func->getAttrOfType<DenseI64ArrayAttr>("zy.arg_offsets"))
    for (size_t i = 0; i < static_cast<size_t>(offs.size()) && i < m.graph.inputs.size(); ++i) m.tensors[m.graph.inputs[i]].arena_offset = offs[i];
  // Adds the ops of a block to graph g (the main graph, or an If branch).
  std::function<LogicalResult(Block&, ::zy::Graph*)> addBlock = [&](Block& block, ::zy::Graph* g) -> LogicalResult {
  for (Operation& op : block) {
    if (auto c = dyn_cast<ConstantOp>(op)) {
      int32_t i = add(c.getResult(), locName(c.getLoc()), TensorKind::Constant);
      m.tensors[i].setOwnedData(elementsToBytes(c.getValue()));
      continue;
    }
    if (isa<NoneOp>(op)) {
      index[op.getResult(0)] = -1;
      continue;
    }
    if (auto y = dyn_cast<YieldOp>(op)) {  // a branch's results
      for (Value v : y.getValues()) {
        auto it = index.find(v);
        if (it == index.end() || it->second < 0) { *error = "an If branch yields a value that is not computed"; return failure(); }
        g->outputs.push_back(it->second);
      }
      continue;
    }
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (unsigned k = 0; k < ret.getNumOperands(); ++k) {
        auto nattr = func.getResultAttrOfType<StringAttr>(k, "zy.name");
        std::string name = nattr ? nattr.getValue().str() : "output_" + std::to_string(k);
        auto it = index.find(ret.getOperand(k));
        if (it == index.end() || it->second < 0) { *error = "output '" + name + "' is not computed"; return failure(); }
        int32_t t = it->second;
        if (m.tensors[t].kind != TensorKind::Intermediate) {
          // An input, constant or repeated output: copy it into its own tensor.
          ::zy::Node id;
          id.type = "Identity";
          id.name = name + "_identity";
          id.inputs = {t};
          Tensor copy;
          copy.name = name;
          copy.dtype = m.tensors[t].dtype;
          copy.shape = m.tensors[t].shape;
          copy.kind = TensorKind::Output;
          m.tensors.push_back(copy);
          const int32_t out_t = static_cast<int32_t>(m.tensors.size() - 1);
          id.outputs = {out_t};
          g->nodes.push_back(std::move(id));
          g->outputs.push_back(out_t);
        } else {
          m.tensors[t].kind = TensorKind::Output;
          m.tensors[t].name = name;
          g->outputs.push_back(t);
        }
      }
      continue;
    }
    StringRef type = onnxOpType(&op);
    if (type.empty()) { *error = "unexpected op '" + op.getName().getStringRef().str() + "' in the graph"; return failure(); }
    ::zy::Node n;
    n.type = type.str();
    n.name = nodeName(&op);
    for (Value v : op.getOperands()) {
      auto it = index.find(v);
      if (it == index.end()) { *error = nodeLabel(&op) + ": an operand is not defined"; return failure(); }
      n.inputs.push_back(it->second);
    }
    auto offsets = op.getAttrOfType<DenseI64ArrayAttr>("arena_offsets");
    for (unsigned k = 0; k < op.getNumResults(); ++k) {
      Value r = op.getResult(k);
      if (!isa<RankedTensorType>(r.getType())) { *error = nodeLabel(&op) + ": result " + std::to_string(k) + " has no static shape"; return failure(); }
      int32_t t = add(r, n.name + (op.getNumResults() > 1 ? ":" + std::to_string(k) : ""), TensorKind::Intermediate);
      if (offsets && k < offsets.size()) m.tensors[t].arena_offset = offsets[k];
      n.outputs.push_back(t);
    }
    n.attrs = attributesOf(&op);
    if (isa<IfOp, LoopOp>(op)) {
      // Each region (If branches, the Loop body) becomes a subgraph, named by
      // a GRAPH attribute; a Loop body's block arguments are its inputs.
      const bool loop = isa<LoopOp>(op);
      const char* names[2] = {loop ? "body" : "then_branch", "else_branch"};
      for (unsigned k = 0; k < op.getNumRegions(); ++k) {
        ::zy::Graph sub;
        sub.name = n.name + "/" + names[k];
        for (BlockArgument arg : op.getRegion(k).front().getArguments()) {
          if (!isa<RankedTensorType>(arg.getType())) { *error = nodeLabel(&op) + ": a body input has no inferred shape"; return failure(); }
          sub.inputs.push_back(add(arg, sub.name + ":in" + std::to_string(arg.getArgNumber()), TensorKind::Intermediate));
        }
        if (failed(addBlock(op.getRegion(k).front(), &sub))) return failure();
        m.subgraphs.push_back(std::move(sub));
        ::zy::Attribute a;
        a.name = names[k];
        a.type = ZY_ATTR_GRAPH;
        a.index = static_cast<int32_t>(m.subgraphs.size() - 1);
        n.attrs.list().push_back(a);
      }
    }
    g->nodes.push_back(std::move(n));
  }
  return success();
  };
  if (failed(addBlock(body, &m.graph))) return failure();

  if (auto size = func->getAttrOfType<IntegerAttr>("zy.arena_size")) m.arena_size = static_cast<uint64_t>(size.getInt());
  if (value_index) *value_index = std::move(index);
  *out = std::move(m);
  return success();
}

LogicalResult exportModel(ModuleOp module, ::zy::Model* out, std::string* error) {
  func::FuncOp func = module.lookupSymbol<func::FuncOp>("main");
  if (!func) { *error = "the module has no @main function"; return failure(); }
  ::zy::Model m;
  if (failed(buildModel(func, &m, nullptr, error))) return failure();
  bool complete = m.arena_size > 0, dynamic = false;
  for (const Tensor& t : m.tensors) {
    complete &= t.isConstant() || t.arena_offset >= 0;
    for (int64_t d : t.shape) dynamic |= d < 0;
  }
  if (dynamic || !m.subgraphs.empty()) {  // planned by the runtime for each run's shapes
    for (Tensor& t : m.tensors) t.arena_offset = -1;
    m.arena_size = 0;
  } else if (!complete) {
    ::zy::Status s = ::zy::applyMemoryPlan(&m);
    if (!s.ok()) { *error = s.message(); return failure(); }
  }
  ::zy::Status s = ::zy::validateModel(m);
  if (!s.ok()) { *error = s.message(); return failure(); }
  *out = std::move(m);
  return success();
}

LogicalResult exportZym(ModuleOp module, std::vector<uint8_t>* bytes, std::string* error) {
  ::zy::Model m;
  if (failed(exportModel(module, &m, error))) return failure();
  ::zy::Status s = ::zy::writeModel(m, bytes);
  if (!s.ok()) { *error = s.message(); return failure(); }
  return success();
}

LogicalResult exportZym(ModuleOp module, const std::string& path, std::string* error, const std::string& target,
                        int* out_compiled) {
  ::zy::Model m;
  if (failed(exportModel(module, &m, error))) return failure();
  if (!target.empty()) {
    int compiled = 0;
    ::zy::Status s = ::zy::compileAheadOfTime(&m, target, &compiled);
    if (!s.ok()) { *error = "--target " + target + ": " + s.message(); return failure(); }
    if (out_compiled) *out_compiled = compiled;
  }
  ::zy::Status s = ::zy::writeModelFile(m, path);
  if (!s.ok()) { *error = s.message(); return failure(); }
  return success();
}

}  // namespace zy
}  // namespace mlir
