#include <cstdio>

#include "format/model_format.h"
#include "zy_model_generated.h"

namespace zy {

namespace {

flatbuffers::Offset<fb::Graph> writeGraph(flatbuffers::FlatBufferBuilder& b, const Graph& g) {
  std::vector<flatbuffers::Offset<fb::Op>> ops;
  for (const Node& n : g.nodes) {
    std::vector<flatbuffers::Offset<fb::Attribute>> attrs;
    for (const Attribute& a : n.attrs.list()) {
      std::vector<flatbuffers::Offset<flatbuffers::String>> strs;
      for (const auto& s : a.strings) strs.push_back(b.CreateString(s));
      auto name = b.CreateString(a.name);
      auto s = a.type == ZY_ATTR_STRING ? b.CreateString(a.s) : 0;
      auto ints = a.type == ZY_ATTR_INTS ? b.CreateVector(a.ints) : 0;
      auto floats = a.type == ZY_ATTR_FLOATS ? b.CreateVector(a.floats) : 0;
      auto strings = a.type == ZY_ATTR_STRINGS ? b.CreateVector(strs) : 0;
      fb::AttributeBuilder ab(b);
      ab.add_name(name);
      ab.add_type(static_cast<fb::AttrType>(a.type));
      if (a.type == ZY_ATTR_INT) ab.add_i(a.i);
      if (a.type == ZY_ATTR_FLOAT) ab.add_f(a.f);
      if (!s.IsNull()) ab.add_s(s);
      if (!ints.IsNull()) ab.add_ints(ints);
      if (!floats.IsNull()) ab.add_floats(floats);
      if (!strings.IsNull()) ab.add_strings(strings);
      if (a.type == ZY_ATTR_TENSOR) ab.add_tensor(a.index);
      if (a.type == ZY_ATTR_GRAPH) ab.add_graph(a.index);
      attrs.push_back(ab.Finish());
    }
    ops.push_back(fb::CreateOpDirect(b, n.type.c_str(), n.domain.c_str(), n.name.c_str(), &n.inputs,
                                     &n.outputs, &attrs, n.backend));
  }
  return fb::CreateGraphDirect(b, g.name.c_str(), &ops, &g.inputs, &g.outputs);
}

}  // namespace

Status writeModel(const Model& m, std::vector<uint8_t>* out) {
  flatbuffers::FlatBufferBuilder b(1 << 16);
  // Buffer 0 is the empty buffer; each constant gets its own 64-byte aligned one.
  std::vector<flatbuffers::Offset<fb::Buffer>> buffers;
  buffers.push_back(fb::CreateBuffer(b));
  std::vector<flatbuffers::Offset<fb::Tensor>> tensors;
  for (const Tensor& t : m.tensors) {
    uint32_t buf = 0;
    if (t.isConstant()) {
      b.ForceVectorAlignment(t.nbytes, 1, 64);
      auto data = b.CreateVector(t.data, t.nbytes);
      buf = static_cast<uint32_t>(buffers.size());
      buffers.push_back(fb::CreateBuffer(b, data));
    }
    flatbuffers::Offset<fb::Quantization> q = 0;
    if (!t.quant.empty())
      q = fb::CreateQuantizationDirect(b, &t.quant.scale, &t.quant.zero_point, t.quant.axis);
    tensors.push_back(fb::CreateTensorDirect(b, t.name.c_str(), static_cast<fb::DType>(t.dtype), &t.shape,
                                             static_cast<fb::TensorKind>(t.kind), q, buf, t.arena_offset));
  }
  auto graph = writeGraph(b, m.graph);
  std::vector<flatbuffers::Offset<fb::Graph>> subgraphs;
  for (const Graph& g : m.subgraphs) subgraphs.push_back(writeGraph(b, g));
  std::vector<flatbuffers::Offset<fb::Backend>> backends;
  for (const BackendTarget& t : m.backends) {
    flatbuffers::Offset<flatbuffers::Vector<uint8_t>> blob = 0;
    if (t.blob_size) {
      b.ForceVectorAlignment(t.blob_size, 1, 64);  // as the schema's force_align asks
      blob = b.CreateVector(t.blob, t.blob_size);
    }
    backends.push_back(fb::CreateBackend(b, b.CreateString(t.name), blob));
  }
  std::vector<flatbuffers::Offset<fb::OpsetImport>> opsets;
  for (const auto& [d, v] : m.metadata.opset_imports) opsets.push_back(fb::CreateOpsetImportDirect(b, d.c_str(), v));
  std::vector<flatbuffers::Offset<flatbuffers::String>> in_names, out_names;
  auto nameOf = [&](int32_t i) { return i >= 0 && static_cast<size_t>(i) < m.tensors.size() ? m.tensors[i].name : std::string(); };
  for (int32_t i : m.graph.inputs) in_names.push_back(b.CreateString(nameOf(i)));
  for (int32_t i : m.graph.outputs) out_names.push_back(b.CreateString(nameOf(i)));
  const Metadata& md = m.metadata;
  auto meta = fb::CreateMetadataDirect(b, md.producer_name.c_str(), md.producer_version.c_str(),
                                       md.source_format.c_str(), md.source_ir_version, &opsets, &in_names,
                                       &out_names, md.description.c_str());
  auto plan = fb::CreateMemoryPlan(b, m.arena_size, m.arena_alignment);
  auto root = fb::CreateModelDirect(b, m.version_major, m.version_minor, meta, &tensors, &buffers, graph,
                                    &subgraphs, &backends, plan);
  b.Finish(root, fb::ModelIdentifier());
  out->assign(b.GetBufferPointer(), b.GetBufferPointer() + b.GetSize());
  return Status::OK();
}

Status writeModelFile(const Model& m, const std::string& path) {
  std::vector<uint8_t> bytes;
  ZY_RETURN_IF_ERROR(writeModel(m, &bytes));
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status(ZY_IO_ERROR, "cannot open '" + path + "' for writing");
  size_t n = std::fwrite(bytes.data(), 1, bytes.size(), f);
  bool ok = n == bytes.size() && std::fclose(f) == 0;
  if (!ok) return Status(ZY_IO_ERROR, "cannot write '" + path + "'");
  return Status::OK();
}

}  // namespace zy
