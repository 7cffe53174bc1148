#include "zy/Import/OnnxImporter.h"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "ops/shape_inference.h"
#include "zy/Bridge/RuntimeBridge.h"
#include "zy/Dialect/ZyDialect.h"

namespace mlir {
namespace zy {

using ::zy::DType;

bool parseShape(const std::string& text, std::vector<int64_t>* out) {
  out->clear();
  std::string num;
  for (size_t i = 0; i <= text.size(); ++i) {
    char c = i < text.size() ? text[i] : 'x';
    if (c >= '0' && c <= '9') num += c;
    else if (c == 'x' || c == 'X' || c == ',') {
      if (num.empty() || num.size() > 12) return false;
      out->push_back(std::stoll(num));
      num.clear();
    } else return false;
  }
  return !out->empty() || text.empty();
}

bool isImportableOp(const std::string& domain, const std::string& type) {
  // ONNX Runtime's QOperator contrib ops; their names are unique, so they
  // become zy ops of the same name (docs/int8.md gives their arithmetic).
  static const std::set<std::string> microsoft = {"QGemm", "QLinearAdd", "QLinearMul", "QLinearGlobalAveragePool", "QLinearConcat"};
  if (domain == "com.microsoft") return microsoft.count(type) != 0;
  if (!domain.empty() && domain != "ai.onnx") return false;
  static const std::set<std::string> rewritten = {"Constant", "Upsample", "Scatter", "If", "Loop"};
  return ::zy::isSupportedOpType(type) || rewritten.count(type) != 0;
}

namespace {

// Opsets 7-18 are the target; 1-6 are accepted for the ops whose semantics
// did not change (legacy broadcasting attributes are rejected per node).
constexpr int64_t kMinOpset = 1, kMaxOpset = 18;

// Reads a TensorProto's data into little-endian bytes of the zy dtype.
bool tensorBytes(const onnx::TensorProto& t, const std::string& base_dir, ConstantInput* out, std::string* err) {
  out->dtype = ::zy::dtypeFromOnnx(t.data_type());
  if (out->dtype == DType::Undefined) {
    *err = "tensor '" + t.name() + "' has unsupported ONNX data type " + std::to_string(t.data_type());
    return false;
  }
  out->shape.assign(t.dims().begin(), t.dims().end());
  for (int64_t d : out->shape)
    if (d < 0) { *err = "tensor '" + t.name() + "' has a negative dimension"; return false; }
  int64_t n = ::zy::numElements(out->shape);
  // Also rejects garbage dims (e.g. a file that is not a TensorProto at all).
  if (n < 0 || n > (int64_t{1} << 36)) { *err = "tensor '" + t.name() + "' is too large"; return false; }
  const size_t es = ::zy::dtypeSize(out->dtype), bytes = static_cast<size_t>(n) * es;
  // Every source size is checked before anything is allocated.
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    std::string location;
    int64_t offset = 0, length = -1;
    for (const auto& kv : t.external_data()) {
      if (kv.key() == "location") location = kv.value();
      else if (kv.key() == "offset") offset = std::atoll(kv.value().c_str());
      else if (kv.key() == "length") length = std::atoll(kv.value().c_str());
    }
    if (location.empty() || location.find("..") != std::string::npos || location[0] == '/') {
      *err = "tensor '" + t.name() + "' has an invalid external data location '" + location + "'";
      return false;
    }
    std::string path = base_dir.empty() ? location : base_dir + "/" + location;
    std::ifstream f(path, std::ios::binary | std::ios::ate);
    if (!f) { *err = "tensor '" + t.name() + "': cannot open external data file '" + path + "'"; return false; }
    if ((length >= 0 && static_cast<size_t>(length) != bytes) || offset < 0) {
      *err = "tensor '" + t.name() + "': external data offset/length do not match its shape";
      return false;
    }
    const int64_t file_size = static_cast<int64_t>(f.tellg());
    if (file_size < 0 || offset > file_size || static_cast<size_t>(file_size - offset) < bytes) {
      *err = "tensor '" + t.name() + "': external data file '" + path + "' is too short";
      return false;
    }
    out->bytes.assign(bytes, 0);
    f.seekg(offset);
    f.read(reinterpret_cast<char*>(out->bytes.data()), static_cast<std::streamsize>(bytes));
    if (static_cast<size_t>(f.gcount()) != bytes) { *err = "tensor '" + t.name() + "': cannot read external data"; return false; }
    return true;
  }
  if (t.has_raw_data()) {
    if (t.raw_data().size() != bytes) {
      *err = "tensor '" + t.name() + "' has " + std::to_string(t.raw_data().size()) + " bytes of data, its shape needs " + std::to_string(bytes);
      return false;
    }
    out->bytes.assign(t.raw_data().begin(), t.raw_data().end());
    return true;
  }
  auto mismatch = [&](size_t have) {
    if (have == static_cast<size_t>(n)) return false;
    *err = "tensor '" + t.name() + "' has " + std::to_string(have) + " values, its shape needs " + std::to_string(n);
    return true;
  };
  switch (out->dtype) {
    case DType::F32: if (mismatch(t.float_data_size())) return false; break;
    case DType::F64: if (mismatch(t.double_data_size())) return false; break;
    case DType::I64: if (mismatch(t.int64_data_size())) return false; break;
    case DType::U32: case DType::U64: if (mismatch(t.uint64_data_size())) return false; break;
    default: if (mismatch(t.int32_data_size())) return false; break;
  }
  out->bytes.assign(bytes, 0);
  uint8_t* p = out->bytes.data();
  switch (out->dtype) {
    case DType::F32:
      std::memcpy(p, t.float_data().data(), bytes);
      return true;
    case DType::F64:
      std::memcpy(p, t.double_data().data(), bytes);
      return true;
    case DType::I64:
      std::memcpy(p, t.int64_data().data(), bytes);
      return true;
    case DType::U32:
    case DType::U64:
      for (int64_t i = 0; i < n; ++i) { uint64_t v = t.uint64_data(i); std::memcpy(p + i * es, &v, es); }
      return true;
    default:  // int32, int16, int8, uint16, uint8, bool, f16, bf16 live in int32_data
      for (int64_t i = 0; i < n; ++i) { int32_t v = t.int32_data(i); std::memcpy(p + i * es, &v, es); }
      return true;
  }
}

class Importer {
 public:
  Importer(MLIRContext* ctx, const ImportOptions& opts, std::string base_dir)
      : ctx_(ctx), b_(ctx), opts_(opts), base_dir_(std::move(base_dir)) {}

  OwningOpRef<ModuleOp> run(const onnx::ModelProto& model, std::string* error);

 private:
  bool fail(const std::string& msg) { error_ = msg; return false; }
  RankedTensorType tensorType(DType d, const std::vector<int64_t>& shape) {
    SmallVector<int64_t> s;
    for (int64_t x : shape) s.push_back(x < 0 ? ShapedType::kDynamic : x);
    return RankedTensorType::get(s, elementTypeOf(ctx_, d));
  }
  Value constant(const ConstantInput& c, Location loc) {
    auto type = tensorType(c.dtype, c.shape);
    return b_.create<ConstantOp>(loc, bytesToElements(type, c.bytes.data(), c.bytes.size())).getResult();
  }
  Value i64Constant(const std::vector<int64_t>& v, Location loc) {
    ConstantInput c{DType::I64, {static_cast<int64_t>(v.size())}, std::vector<uint8_t>(v.size() * 8)};
    if (!v.empty()) std::memcpy(c.bytes.data(), v.data(), c.bytes.size());
    return constant(c, loc);
  }
  Value f32Scalar(float v, Location loc) {
    ConstantInput c{DType::F32, {}, std::vector<uint8_t>(4)};
    std::memcpy(c.bytes.data(), &v, 4);
    return constant(c, loc);
  }
  Value none(Location loc) { return b_.create<NoneOp>(loc, b_.getNoneType()).getResult(); }

  bool checkSupported(const onnx::GraphProto& g);
  bool sortNodes(const onnx::GraphProto& g, std::vector<const onnx::NodeProto*>* order);
  bool importNode(const onnx::NodeProto& n, const std::string& name);
  // Imports an If node: each branch becomes a region ending in zy.yield.
  bool importIf(const onnx::NodeProto& n, const std::string& label, Location loc);
  // Imports a Loop node: the body becomes a region whose block arguments are
  // the body graph's inputs.
  bool importLoop(const onnx::NodeProto& n, const std::string& label, Location loc);
  // Imports a subgraph's initializers and nodes at the insertion point, with
  // outer-scope names visible; returns its output values.
  bool importGraphBody(const onnx::GraphProto& g, SmallVector<Value>* outputs);
  bool convertAttribute(const onnx::AttributeProto& a, const std::string& label, NamedAttribute* out);
  // Rewrites opset-specific forms into the newest one (attribute -> input).
  bool normalize(const std::string& type, const std::string& label, Location loc, std::string* out_type,
                 SmallVector<Value>* inputs, SmallVector<NamedAttribute>* attrs);

  MLIRContext* ctx_;
  OpBuilder b_;
  const ImportOptions& opts_;
  std::string base_dir_;
  int64_t opset_ = 0;
  std::map<std::string, Value> values_;
  std::string error_;
};

// Collects every node of g and of its subgraphs (If branches), depth first.
static void allNodes(const onnx::GraphProto& g, std::vector<const onnx::NodeProto*>* out) {
  for (const auto& n : g.node()) {
    out->push_back(&n);
    for (const auto& a : n.attribute()) {
      if (a.has_g()) allNodes(a.g(), out);
      for (const auto& sg : a.graphs()) allNodes(sg, out);
    }
  }
}

bool Importer::checkSupported(const onnx::GraphProto& g) {
  std::map<std::string, std::vector<std::string>> unsupported;
  std::vector<const onnx::NodeProto*> nodes;
  allNodes(g, &nodes);
  for (size_t i = 0; i < nodes.size(); ++i) {
    const auto& n = *nodes[i];
    std::string key = n.op_type();
    const bool ok = isImportableOp(n.domain(), n.op_type());
    if (!n.domain().empty() && n.domain() != "ai.onnx") key = n.domain() + "." + n.op_type();
    if (!ok) unsupported[key].push_back(n.name().empty() ? n.op_type() + "_" + std::to_string(i) : n.name());
  }
  if (unsupported.empty()) return true;
  std::string msg = "the model uses " + std::to_string(unsupported.size()) + " unsupported op type" +
                    (unsupported.size() == 1 ? "" : "s") + ":";
  for (const auto& [type, nodes] : unsupported) {
    msg += "\n  " + type + " (" + std::to_string(nodes.size()) + " node" + (nodes.size() == 1 ? "" : "s") + ": ";
    for (size_t k = 0; k < nodes.size() && k < 3; ++k) msg += (k ? ", '" : "'") + nodes[k] + "'";
    msg += nodes.size() > 3 ? ", ...)" : ")";
  }
  return fail(msg);
}

bool Importer::sortNodes(const onnx::GraphProto& g, std::vector<const onnx::NodeProto*>* order) {
  // Kahn's algorithm over value names, keeping the file order where it is valid.
  std::set<std::string> ready;
  for (const auto& kv : values_) ready.insert(kv.first);
  std::vector<bool> done(g.node_size(), false);
  size_t remaining = g.node_size();
  while (remaining > 0) {
    bool progress = false;
    for (int i = 0; i < g.node_size(); ++i) {
      if (done[i]) continue;
      const auto& n = g.node(i);
      bool ok = true;
      for (const auto& in : n.input()) ok &= in.empty() || ready.count(in) != 0;
      if (!ok) continue;
      done[i] = true;
      --remaining;
      progress = true;
      order->push_back(&n);
      for (const auto& out : n.output()) if (!out.empty()) ready.insert(out);
    }
    if (!progress) {
      for (int i = 0; i < g.node_size(); ++i) {
        if (done[i]) continue;
        for (const auto& in : g.node(i).input())
          if (!in.empty() && !ready.count(in))
            return fail("node '" + g.node(i).name() + "' (" + g.node(i).op_type() + "): input '" + in +
                        "' is never defined (or the graph has a cycle)");
      }
      return fail("the graph has a cycle");
    }
  }
  return true;
}

bool Importer::convertAttribute(const onnx::AttributeProto& a, const std::string& label, NamedAttribute* out) {
  Attribute v;
  switch (a.type()) {
    case onnx::AttributeProto::INT: v = b_.getI64IntegerAttr(a.i()); break;
    case onnx::AttributeProto::FLOAT: v = b_.getF32FloatAttr(a.f()); break;
    case onnx::AttributeProto::STRING: v = b_.getStringAttr(a.s()); break;
    case onnx::AttributeProto::INTS: v = b_.getDenseI64ArrayAttr(SmallVector<int64_t>(a.ints().begin(), a.ints().end())); break;
    case onnx::AttributeProto::FLOATS: v = b_.getDenseF32ArrayAttr(SmallVector<float>(a.floats().begin(), a.floats().end())); break;
    case onnx::AttributeProto::STRINGS: {
      SmallVector<Attribute> s;
      for (const auto& x : a.strings()) s.push_back(b_.getStringAttr(x));
      v = b_.getArrayAttr(s);
      break;
    }
    default:
      return fail(label + ": attribute '" + a.name() + "' has a type that is not supported here");
  }
  *out = b_.getNamedAttr(a.name(), v);
  return true;
}

static float floatOf(Attribute a, float def) {
  if (auto f = dyn_cast<FloatAttr>(a)) return static_cast<float>(f.getValueAsDouble());
  if (auto i = dyn_cast<IntegerAttr>(a)) return static_cast<float>(i.getInt());
  return def;
}

// Finds and removes an attribute by name.
static std::optional<Attribute> takeAttr(SmallVector<NamedAttribute>* attrs, StringRef name) {
  for (auto it = attrs->begin(); it != attrs->end(); ++it)
    if (it->getName() == name) {
      Attribute v = it->getValue();
      attrs->erase(it);
      return v;
    }
  return std::nullopt;
}

bool Importer::normalize(const std::string& type, const std::string& label, Location loc, std::string* out_type,
                         SmallVector<Value>* in, SmallVector<NamedAttribute>* attrs) {
  *out_type = type;
  auto ints = [](Attribute a) {
    auto arr = cast<DenseI64ArrayAttr>(a).asArrayRef();
    return std::vector<int64_t>(arr.begin(), arr.end());
  };
  auto intsInput = [&](StringRef name, size_t pos) -> bool {
    auto a = takeAttr(attrs, name);
    if (!a) return true;
    if (!isa<DenseI64ArrayAttr>(*a)) return fail(label + ": attribute '" + name.str() + "' must be a list of ints");
    while (in->size() < pos) in->push_back(none(loc));
    if (in->size() == pos) in->push_back(i64Constant(ints(*a), loc));
    else (*in)[pos] = i64Constant(ints(*a), loc);
    return true;
  };
  if (type == "Clip" && opset_ < 11) {
    auto lo = takeAttr(attrs, "min"), hi = takeAttr(attrs, "max");
    in->push_back(lo ? f32Scalar(floatOf(*lo, 0.f), loc) : none(loc));
    in->push_back(hi ? f32Scalar(floatOf(*hi, 0.f), loc) : none(loc));
  } else if (type == "Slice" && opset_ < 10) {
    if (!intsInput("starts", 1) || !intsInput("ends", 2) || !intsInput("axes", 3)) return false;
  } else if ((type == "Squeeze" || type == "Unsqueeze") && opset_ < 13) {
    if (!intsInput("axes", 1)) return false;
  } else if (type == "Split" && opset_ < 13) {
    if (!intsInput("split", 1)) return false;
  } else if (type.rfind("Reduce", 0) == 0 && (opset_ < 18 || (type == "ReduceSum" && opset_ < 13))) {
    if (type != "ReduceSum" || opset_ < 13)
      if (!intsInput("axes", 1)) return false;
  } else if (type == "Scatter") {
    *out_type = "ScatterElements";  // Scatter (opsets 9-10) is ScatterElements under its old name
  } else if (type == "TopK" && opset_ < 10) {
    auto k = takeAttr(attrs, "k");
    if (!k || !isa<IntegerAttr>(*k)) return fail(label + ": attribute 'k' is missing");
    in->push_back(i64Constant({cast<IntegerAttr>(*k).getInt()}, loc));
  } else if (type == "Pad" && opset_ < 11) {
    if (!intsInput("pads", 1)) return false;
    auto v = takeAttr(attrs, "value");
    float value = v ? floatOf(*v, 0.f) : 0.f;
    in->push_back(f32Scalar(value, loc));
  } else if ((type == "Softmax" || type == "LogSoftmax" || type == "Hardmax") && opset_ < 13) {
    // Opsets < 13 flatten the input to 2-D at `axis` (default 1).
    bool has_axis = false;
    for (auto& a : *attrs) has_axis |= a.getName() == "axis";
    if (!has_axis) attrs->push_back(b_.getNamedAttr("axis", b_.getI64IntegerAttr(1)));
    attrs->push_back(b_.getNamedAttr("legacy_2d", b_.getI64IntegerAttr(1)));
  } else if (type == "Upsample" || (type == "Resize" && opset_ < 11)) {
    // Upsample and Resize-10: (X, scales) with asymmetric coordinates.
    *out_type = "Resize";
    SmallVector<Value> x = {(*in)[0], none(loc)};
    if (auto s = takeAttr(attrs, "scales")) {
      auto fa = dyn_cast<DenseF32ArrayAttr>(*s);
      if (!fa) return fail(label + ": scales must be a list of floats");
      auto f = fa.asArrayRef();
      ConstantInput c{DType::F32, {static_cast<int64_t>(f.size())}, std::vector<uint8_t>(f.size() * 4)};
      std::memcpy(c.bytes.data(), f.data(), c.bytes.size());
      x.push_back(constant(c, loc));
    } else if (in->size() > 1) {
      x.push_back((*in)[1]);
    } else {
      return fail(label + ": scales are missing");
    }
    *in = x;
    std::string mode = "nearest";
    if (auto m = takeAttr(attrs, "mode"))
      if (auto ms = dyn_cast<StringAttr>(*m)) mode = ms.getValue().str();
    if (mode == "bilinear") mode = "linear";
    attrs->push_back(b_.getNamedAttr("mode", b_.getStringAttr(mode)));
    attrs->push_back(b_.getNamedAttr("coordinate_transformation_mode", b_.getStringAttr("asymmetric")));
    attrs->push_back(b_.getNamedAttr("nearest_mode", b_.getStringAttr("floor")));
  } else if ((type == "Add" || type == "Sub" || type == "Mul" || type == "Div" || type == "Gemm") && opset_ < 7) {
    if (auto bc = takeAttr(attrs, "broadcast"))
      if (isa<IntegerAttr>(*bc) && cast<IntegerAttr>(*bc).getInt() != 0 && type != "Gemm")
        return fail(label + ": legacy broadcasting (opset < 7, broadcast=1) is not supported");
    takeAttr(attrs, "axis");
  }
  if (type == "BatchNormalization") {
    if (auto sp = takeAttr(attrs, "spatial"))
      if (!isa<IntegerAttr>(*sp) || cast<IntegerAttr>(*sp).getInt() != 1) return fail(label + ": spatial=0 is not supported");
    takeAttr(attrs, "momentum");
    if (auto tm = takeAttr(attrs, "training_mode"))
      if (isa<IntegerAttr>(*tm) && cast<IntegerAttr>(*tm).getInt() != 0)
        return fail(label + ": training_mode=1 is not supported (inference only)");
  } else if (type == "Dropout") {
    takeAttr(attrs, "is_test");
    takeAttr(attrs, "ratio");
    takeAttr(attrs, "seed");
    if (in->size() > 2 && !isa<NoneType>((*in)[2].getType())) {
      auto c = (*in)[2].getDefiningOp<ConstantOp>();
      std::vector<uint8_t> v = c ? elementsToBytes(c.getValue()) : std::vector<uint8_t>{};
      if (!c || v.empty() || v[0] != 0)
        return fail(label + ": training mode is not supported (inference only; training_mode must be a constant false)");
    }
    in->resize(1);  // the ratio does not matter at inference
  }
  return true;
}

bool Importer::importGraphBody(const onnx::GraphProto& g, SmallVector<Value>* outputs) {
  for (const auto& t : g.initializer()) {
    ConstantInput c;
    std::string err;
    if (!tensorBytes(t, base_dir_, &c, &err)) return fail("initializer: " + err);
    values_[t.name()] = constant(c, NameLoc::get(b_.getStringAttr(t.name())));
  }
  std::vector<const onnx::NodeProto*> order;
  if (!sortNodes(g, &order)) return false;
  for (const onnx::NodeProto* n : order) {
    int index = static_cast<int>(n - &g.node(0));
    std::string name = n->name().empty() ? g.name() + "/" + n->op_type() + "_" + std::to_string(index) : n->name();
    if (!importNode(*n, name)) return false;
  }
  for (const auto& vi : g.output()) {
    auto it = values_.find(vi.name());
    if (it == values_.end()) return fail("subgraph '" + g.name() + "': output '" + vi.name() + "' is never computed");
    outputs->push_back(it->second);
  }
  return true;
}

bool Importer::importIf(const onnx::NodeProto& n, const std::string& label, Location loc) {
  const onnx::GraphProto* branches[2] = {nullptr, nullptr};
  for (const auto& a : n.attribute()) {
    if (a.name() == "then_branch" && a.has_g()) branches[0] = &a.g();
    if (a.name() == "else_branch" && a.has_g()) branches[1] = &a.g();
  }
  if (!branches[0] || !branches[1] || n.input_size() != 1) return fail(label + ": needs a condition and two branches");
  for (int k = 0; k < 2; ++k)
    if (branches[k]->output_size() != n.output_size()) return fail(label + ": a branch has the wrong number of outputs");
  OperationState state(loc, "zy.If");
  state.addOperands(values_.at(n.input(0)));
  state.addTypes(SmallVector<Type>(n.output_size(), UnrankedTensorType::get(b_.getF32Type())));
  state.addRegion();
  state.addRegion();
  Operation* op = b_.create(state);
  for (int k = 0; k < 2; ++k) {
    Block* block = new Block();
    op->getRegion(k).push_back(block);
    OpBuilder::InsertionGuard guard(b_);
    b_.setInsertionPointToStart(block);
    // Names defined inside a branch are not visible after it.
    std::map<std::string, Value> outer = values_;
    SmallVector<Value> outs;
    if (!importGraphBody(*branches[k], &outs)) return false;
    b_.create<YieldOp>(loc, outs);
    values_ = std::move(outer);
  }
  for (int i = 0; i < n.output_size(); ++i)
    if (!n.output(i).empty()) values_[n.output(i)] = op->getResult(i);
  return true;
}

bool Importer::importLoop(const onnx::NodeProto& n, const std::string& label, Location loc) {
  const onnx::GraphProto* body = nullptr;
  for (const auto& a : n.attribute())
    if (a.name() == "body" && a.has_g()) body = &a.g();
  if (!body || n.input_size() < 2) return fail(label + ": needs M, cond and a body");
  const int carried = n.input_size() - 2;
  if (body->input_size() != 2 + carried || body->output_size() < 1 + carried)
    return fail(label + ": the body's inputs and outputs do not match the loop-carried values");
  OperationState state(loc, "zy.Loop");
  for (const auto& in : n.input()) state.addOperands(in.empty() ? none(loc) : values_.at(in));
  state.addTypes(SmallVector<Type>(n.output_size(), UnrankedTensorType::get(b_.getF32Type())));
  state.addRegion();
  Operation* op = b_.create(state);
  Block* block = new Block();
  op->getRegion(0).push_back(block);
  std::map<std::string, Value> outer = values_;
  for (int i = 0; i < body->input_size(); ++i) {
    const auto& vi = body->input(i);
    Type t = UnrankedTensorType::get(b_.getF32Type());
    if (i == 0) t = RankedTensorType::get({}, b_.getIntegerType(64));
    else if (i == 1) t = RankedTensorType::get({}, b_.getI1Type());
    else if (vi.type().has_tensor_type() && ::zy::dtypeFromOnnx(vi.type().tensor_type().elem_type()) != DType::Undefined)
      t = UnrankedTensorType::get(elementTypeOf(ctx_, ::zy::dtypeFromOnnx(vi.type().tensor_type().elem_type())));
    values_[vi.name()] = block->addArgument(t, loc);
  }
  {
    OpBuilder::InsertionGuard guard(b_);
    b_.setInsertionPointToStart(block);
    SmallVector<Value> outs;
    if (!importGraphBody(*body, &outs)) return false;
    b_.create<YieldOp>(loc, outs);
  }
  values_ = std::move(outer);
  for (int i = 0; i < n.output_size(); ++i)
    if (!n.output(i).empty()) values_[n.output(i)] = op->getResult(i);
  return true;
}

bool Importer::importNode(const onnx::NodeProto& n, const std::string& name) {
  const std::string label = "node '" + name + "' (" + n.op_type() + ")";
  Location loc = NameLoc::get(b_.getStringAttr(name));
  if (n.op_type() == "If") return importIf(n, label, loc);
  if (n.op_type() == "Loop") return importLoop(n, label, loc);
  if (n.op_type() == "Constant") {
    if (n.output_size() != 1) return fail(label + ": needs one output");
    ConstantInput c;
    bool found = false;
    for (const auto& a : n.attribute()) {
      std::string err;
      if (a.name() == "value") {
        if (!tensorBytes(a.t(), base_dir_, &c, &err)) return fail(label + ": " + err);
        found = true;
      } else if (a.name() == "value_float" || a.name() == "value_int") {
        c.shape = {};
        if (a.name() == "value_float") { c.dtype = DType::F32; float v = a.f(); c.bytes.resize(4); std::memcpy(c.bytes.data(), &v, 4); }
        else { c.dtype = DType::I64; int64_t v = a.i(); c.bytes.resize(8); std::memcpy(c.bytes.data(), &v, 8); }
        found = true;
      } else if (a.name() == "value_floats") {
        c.dtype = DType::F32;
        c.shape = {a.floats_size()};
        c.bytes.resize(4 * a.floats_size());
        if (a.floats_size()) std::memcpy(c.bytes.data(), a.floats().data(), c.bytes.size());
        found = true;
      } else if (a.name() == "value_ints") {
        c.dtype = DType::I64;
        c.shape = {a.ints_size()};
        c.bytes.resize(8 * a.ints_size());
        if (a.ints_size()) std::memcpy(c.bytes.data(), a.ints().data(), c.bytes.size());
        found = true;
      } else {
        return fail(label + ": attribute '" + a.name() + "' is not supported");
      }
    }
    if (!found) return fail(label + ": has no value");
    values_[n.output(0)] = constant(c, loc);
    return true;
  }
  SmallVector<Value> inputs;
  for (const auto& in : n.input()) {
    if (in.empty()) { inputs.push_back(none(loc)); continue; }
    inputs.push_back(values_.at(in));  // sortNodes proved it exists
  }
  SmallVector<NamedAttribute> attrs;
  for (const auto& a : n.attribute()) {
    if (a.name() == "consumed_inputs") continue;  // opset < 6 hint without meaning
    if (n.op_type() == "ConstantOfShape" && a.name() == "value") {
      // The one-element value tensor becomes typed scalar attributes.
      ConstantInput c;
      std::string err;
      if (!tensorBytes(a.t(), base_dir_, &c, &err)) return fail(label + ": " + err);
      if (c.bytes.size() != ::zy::dtypeSize(c.dtype)) return fail(label + ": value must have one element");
      attrs.push_back(b_.getNamedAttr("dtype", b_.getI64IntegerAttr(static_cast<int64_t>(c.dtype))));
      if (::zy::isFloat(c.dtype)) {
        double v = 0;
        if (c.dtype == DType::F32) { float f; std::memcpy(&f, c.bytes.data(), 4); v = f; }
        else if (c.dtype == DType::F64) std::memcpy(&v, c.bytes.data(), 8);
        else if (c.dtype == DType::F16) { uint16_t h; std::memcpy(&h, c.bytes.data(), 2); v = ::zy::halfToFloat(h); }
        else { uint16_t h; std::memcpy(&h, c.bytes.data(), 2); v = ::zy::bf16ToFloat(h); }
        attrs.push_back(b_.getNamedAttr("value_float", b_.getF32FloatAttr(static_cast<float>(v))));
      } else {
        int64_t v = 0;
        std::memcpy(&v, c.bytes.data(), c.bytes.size());  // little-endian, then sign-extend
        const size_t bits = 8 * c.bytes.size();
        const bool is_signed = c.dtype == DType::I8 || c.dtype == DType::I16 || c.dtype == DType::I32 || c.dtype == DType::I64;
        if (is_signed && bits < 64 && (v >> (bits - 1)) & 1) v |= ~((int64_t{1} << bits) - 1);
        attrs.push_back(b_.getNamedAttr("value_int", b_.getI64IntegerAttr(v)));
      }
      continue;
    }
    NamedAttribute na = b_.getNamedAttr("_", b_.getUnitAttr());
    if (!convertAttribute(a, label, &na)) return false;
    attrs.push_back(na);
  }
  std::string type;
  if (!normalize(n.op_type(), label, loc, &type, &inputs, &attrs)) return false;
  // Trailing omitted inputs carry no meaning.
  while (!inputs.empty() && isa<NoneType>(inputs.back().getType())) inputs.pop_back();
  OperationState state(loc, "zy." + type);
  state.addOperands(inputs);
  state.addAttributes(attrs);
  SmallVector<Type> results(n.output_size(), UnrankedTensorType::get(b_.getF32Type()));
  state.addTypes(results);
  Operation* op = b_.create(state);
  for (int i = 0; i < n.output_size(); ++i)
    if (!n.output(i).empty()) values_[n.output(i)] = op->getResult(i);
  return true;
}

OwningOpRef<ModuleOp> Importer::run(const onnx::ModelProto& model, std::string* error) {
  auto failed = [&]() { *error = error_; return OwningOpRef<ModuleOp>(); };
  for (const auto& o : model.opset_import())
    if (o.domain().empty() || o.domain() == "ai.onnx") opset_ = o.version();
  if (opset_ == 0) { error_ = "the model imports no ai.onnx opset"; return failed(); }
  if (opset_ < kMinOpset || opset_ > kMaxOpset) {
    error_ = "ONNX opset " + std::to_string(opset_) + " is not supported (supported: " + std::to_string(kMinOpset) + " to " + std::to_string(kMaxOpset) + ")";
    return failed();
  }
  const onnx::GraphProto& g = model.graph();
  if (!checkSupported(g)) return failed();

  Location mloc = NameLoc::get(b_.getStringAttr(g.name().empty() ? "main" : g.name()));
  OwningOpRef<ModuleOp> module = ModuleOp::create(mloc);
  (*module)->setAttr("zy.producer", b_.getStringAttr(model.producer_name() + (model.producer_version().empty() ? "" : " " + model.producer_version())));
  (*module)->setAttr("zy.opset", b_.getI64IntegerAttr(opset_));
  (*module)->setAttr("zy.ir_version", b_.getI64IntegerAttr(model.ir_version()));

  // Graph inputs (initializers listed as inputs are constants).
  std::set<std::string> initializers;
  for (const auto& t : g.initializer()) initializers.insert(t.name());
  std::vector<std::string> arg_names;
  std::vector<std::vector<std::string>> arg_dim_params;  // symbolic dimension names ("" = fixed)
  SmallVector<Type> arg_types;
  std::set<std::string> shape_overrides_used;
  for (const auto& vi : g.input()) {
    if (initializers.count(vi.name()) || opts_.constant_inputs.count(vi.name())) continue;
    if (!vi.type().has_tensor_type()) { error_ = "input '" + vi.name() + "' is not a tensor"; return failed(); }
    const auto& tt = vi.type().tensor_type();
    DType d = ::zy::dtypeFromOnnx(tt.elem_type());
    if (d == DType::Undefined) { error_ = "input '" + vi.name() + "' has unsupported ONNX data type " + std::to_string(tt.elem_type()); return failed(); }
    std::vector<int64_t> shape;
    std::vector<std::string> params;
    for (const auto& dim : tt.shape().dim()) {
      shape.push_back(dim.has_dim_value() && dim.dim_value() >= 0 ? dim.dim_value() : -1);
      params.push_back(dim.has_dim_value() ? "" : dim.dim_param());
    }
    auto ov = opts_.input_shapes.find(vi.name());
    if (ov != opts_.input_shapes.end()) {
      if (tt.has_shape() && ov->second.size() != shape.size()) {
        error_ = "--input-shape " + vi.name() + ": rank " + std::to_string(ov->second.size()) + " does not match the model's rank " + std::to_string(shape.size());
        return failed();
      }
      for (size_t k = 0; k < shape.size(); ++k)
        if (shape[k] >= 0 && shape[k] != ov->second[k]) {
          error_ = "--input-shape " + vi.name() + ": dimension " + std::to_string(k) + " is fixed to " + std::to_string(shape[k]) + " in the model";
          return failed();
        }
      shape = ov->second;
      params.assign(shape.size(), "");
      shape_overrides_used.insert(vi.name());
    } else if (!tt.has_shape()) {
      error_ = "input '" + vi.name() + "' has no shape (not even a rank); give it with --input-shape";
      return failed();
    }
    arg_names.push_back(vi.name());
    arg_dim_params.push_back(params);
    arg_types.push_back(tensorType(d, shape));
  }
  for (const auto& [name, _] : opts_.input_shapes)
    if (!shape_overrides_used.count(name)) { error_ = "--input-shape names '" + name + "', which is not an input of the model"; return failed(); }
  auto func = func::FuncOp::create(mloc, "main", FunctionType::get(ctx_, arg_types, {}));
  module->push_back(func);
  Block* entry = func.addEntryBlock();
  b_.setInsertionPointToStart(entry);
  for (size_t i = 0; i < arg_names.size(); ++i) {
    values_[arg_names[i]] = entry->getArgument(i);
    func.setArgAttr(i, "zy.name", b_.getStringAttr(arg_names[i]));
    bool dynamic = false;
    SmallVector<Attribute> params;
    for (const std::string& p : arg_dim_params[i]) params.push_back(b_.getStringAttr(p));
    for (int64_t d : cast<RankedTensorType>(arg_types[i]).getShape()) dynamic |= ShapedType::isDynamic(d);
    if (dynamic) func.setArgAttr(i, "zy.dim_params", b_.getArrayAttr(params));
  }
  for (const auto& t : g.initializer()) {
    ConstantInput c;
    std::string err;
    if (!tensorBytes(t, base_dir_, &c, &err)) { error_ = "initializer: " + err; return failed(); }
    values_[t.name()] = constant(c, NameLoc::get(b_.getStringAttr(t.name())));
  }
  for (const auto& [name, c] : opts_.constant_inputs) values_[name] = constant(c, NameLoc::get(b_.getStringAttr(name)));

  std::vector<const onnx::NodeProto*> order;
  if (!sortNodes(g, &order)) return failed();
  for (const onnx::NodeProto* n : order) {
    int index = static_cast<int>(n - &g.node(0));
    std::string name = n->name().empty() ? n->op_type() + "_" + std::to_string(index) : n->name();
    if (!importNode(*n, name)) return failed();
  }
  SmallVector<Value> results;
  for (const auto& vi : g.output()) {
    auto it = values_.find(vi.name());
    if (it == values_.end()) { error_ = "graph output '" + vi.name() + "' is never computed"; return failed(); }
    results.push_back(it->second);
  }
  b_.create<func::ReturnOp>(mloc, results);
  SmallVector<Type> result_types;
  for (Value v : results) result_types.push_back(v.getType());
  func.setType(FunctionType::get(ctx_, arg_types, result_types));
  for (int i = 0; i < g.output_size(); ++i) func.setResultAttr(i, "zy.name", b_.getStringAttr(g.output(i).name()));
  return module;
}

}  // namespace

OwningOpRef<ModuleOp> importOnnxBytes(MLIRContext* ctx, const std::string& bytes, const std::string& base_dir,
                                      const ImportOptions& options, std::string* error) {
  ctx->loadDialect<ZyDialect, func::FuncDialect>();
  onnx::ModelProto model;
  if (!model.ParseFromString(bytes)) {
    *error = "cannot parse the file as an ONNX model (truncated or not protobuf)";
    return {};
  }
  if (!model.has_graph()) {
    *error = "the ONNX model has no graph";
    return {};
  }
  Importer imp(ctx, options, base_dir);
  return imp.run(model, error);
}

OwningOpRef<ModuleOp> importOnnxFile(MLIRContext* ctx, const std::string& path, const ImportOptions& options,
                                     std::string* error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    *error = "cannot open '" + path + "'";
    return {};
  }
  std::stringstream ss;
  ss << f.rdbuf();
  size_t slash = path.find_last_of('/');
  std::string dir = slash == std::string::npos ? "." : path.substr(0, slash);
  auto m = importOnnxBytes(ctx, ss.str(), dir, options, error);
  if (!m) *error = path + ": " + *error;
  return m;
}

bool readTensorProtoFile(const std::string& path, ConstantInput* out, std::string* name, std::string* error) {
  std::ifstream f(path, std::ios::binary);
  if (!f) { *error = "cannot open '" + path + "'"; return false; }
  std::stringstream ss;
  ss << f.rdbuf();
  onnx::TensorProto t;
  if (!t.ParseFromString(ss.str())) { *error = "cannot parse '" + path + "' as a TensorProto"; return false; }
  if (name) *name = t.name();
  return tensorBytes(t, "", out, error);
}

}  // namespace zy
}  // namespace mlir
