#include "zy/Bridge/RuntimeBridge.h"

#include <cstring>

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"

namespace mlir {
namespace zy {

using ::zy::DType;

DType dtypeOf(Type t) {
  if (t.isF32()) return DType::F32;
  if (t.isF16()) return DType::F16;
  if (t.isBF16()) return DType::BF16;
  if (t.isF64()) return DType::F64;
  if (auto i = dyn_cast<IntegerType>(t)) {
    bool u = i.isUnsigned();
    switch (i.getWidth()) {
      case 1: return DType::Bool;
      case 8: return u ? DType::U8 : DType::I8;
      case 16: return u ? DType::U16 : DType::I16;
      case 32: return u ? DType::U32 : DType::I32;
      case 64: return u ? DType::U64 : DType::I64;
      default: break;
    }
  }
  return DType::Undefined;
}

Type elementTypeOf(MLIRContext* ctx, DType d) {
  Builder b(ctx);
  switch (d) {
    case DType::F32: return b.getF32Type();
    case DType::F16: return b.getF16Type();
    case DType::BF16: return b.getBF16Type();
    case DType::F64: return b.getF64Type();
    case DType::Bool: return b.getI1Type();
    case DType::I8: return b.getIntegerType(8);
    case DType::I16: return b.getIntegerType(16);
    case DType::I32: return b.getIntegerType(32);
    case DType::I64: return b.getIntegerType(64);
    case DType::U8: return b.getIntegerType(8, false);
    case DType::U16: return b.getIntegerType(16, false);
    case DType::U32: return b.getIntegerType(32, false);
    case DType::U64: return b.getIntegerType(64, false);
    case DType::Undefined: break;
  }
  return {};
}

::zy::ValueInfo valueInfo(Value v) {
  ::zy::ValueInfo info;
  if (auto t = dyn_cast<RankedTensorType>(v.getType())) {
    info.dtype = dtypeOf(t.getElementType());
    info.shape.assign(t.getShape().begin(), t.getShape().end());
    for (auto& d : info.shape)
      if (ShapedType::isDynamic(d)) d = -1;
  }
  return info;
}

std::vector<uint8_t> elementsToBytes(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  DType d = dtypeOf(type.getElementType());
  size_t es = ::zy::dtypeSize(d);
  size_t n = static_cast<size_t>(type.getNumElements());
  std::vector<uint8_t> out(n * es);
  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense) {
    // Resource blobs and other forms: go through the element values.
    if (auto res = dyn_cast<DenseResourceElementsAttr>(attr)) {
      if (auto blob = res.getRawHandle().getBlob()) {
        ArrayRef<char> data = blob->getData();
        if (data.size() == out.size()) std::memcpy(out.data(), data.data(), out.size());
      }
    }
    return out;
  }
  if (d == DType::Bool) {
    size_t i = 0;
    for (bool b : dense.getValues<bool>()) out[i++] = b ? 1 : 0;
    return out;
  }
  ArrayRef<char> raw = dense.getRawData();
  if (dense.isSplat()) {
    for (size_t i = 0; i < n; ++i) std::memcpy(out.data() + i * es, raw.data(), es);
  } else if (raw.size() == out.size()) {
    std::memcpy(out.data(), raw.data(), out.size());
  }
  return out;
}

DenseElementsAttr bytesToElements(RankedTensorType type, const uint8_t* bytes, size_t size) {
  if (type.getElementType().isInteger(1)) {
    std::vector<bool> v(size);
    for (size_t i = 0; i < size; ++i) v[i] = bytes[i] != 0;
    SmallVector<bool> sv(v.begin(), v.end());
    return DenseElementsAttr::get(type, ArrayRef<bool>(sv));
  }
  return DenseElementsAttr::getFromRawBuffer(type, ArrayRef<char>(reinterpret_cast<const char*>(bytes), size));
}

bool isInternalAttribute(StringRef name) { return name == "arena_offsets"; }

::zy::Attributes attributesOf(Operation* op) {
  ::zy::Attributes out;
  for (NamedAttribute na : op->getAttrs()) {
    StringRef name = na.getName().getValue();
    if (isInternalAttribute(name) || name == "operandSegmentSizes") continue;
    Attribute a = na.getValue();
    ::zy::Attribute z;
    z.name = name.str();
    if (auto i = dyn_cast<IntegerAttr>(a)) { z.type = ZY_ATTR_INT; z.i = i.getValue().getSExtValue(); }
    else if (auto f = dyn_cast<FloatAttr>(a)) { z.type = ZY_ATTR_FLOAT; z.f = static_cast<float>(f.getValueAsDouble()); }
    else if (auto s = dyn_cast<StringAttr>(a)) { z.type = ZY_ATTR_STRING; z.s = s.getValue().str(); }
    else if (auto is = dyn_cast<DenseI64ArrayAttr>(a)) { z.type = ZY_ATTR_INTS; z.ints.assign(is.asArrayRef().begin(), is.asArrayRef().end()); }
    else if (auto fs = dyn_cast<DenseF32ArrayAttr>(a)) { z.type = ZY_ATTR_FLOATS; z.floats.assign(fs.asArrayRef().begin(), fs.asArrayRef().end()); }
    else if (auto arr = dyn_cast<ArrayAttr>(a)) {
      z.type = ZY_ATTR_STRINGS;
      for (Attribute e : arr)
        if (auto s = dyn_cast<StringAttr>(e)) z.strings.push_back(s.getValue().str());
    } else {
      continue;
    }
    out.list().push_back(std::move(z));
  }
  return out;
}

Attribute toMlirAttribute(MLIRContext* ctx, const ::zy::Attribute& a) {
  Builder b(ctx);
  switch (a.type) {
    case ZY_ATTR_INT: return b.getI64IntegerAttr(a.i);
    case ZY_ATTR_FLOAT: return b.getF32FloatAttr(a.f);
    case ZY_ATTR_STRING: return b.getStringAttr(a.s);
    case ZY_ATTR_INTS: return b.getDenseI64ArrayAttr(a.ints);
    case ZY_ATTR_FLOATS: return b.getDenseF32ArrayAttr(a.floats);
    case ZY_ATTR_STRINGS: {
      SmallVector<Attribute> v;
      for (const auto& s : a.strings) v.push_back(b.getStringAttr(s));
      return b.getArrayAttr(v);
    }
    default: return {};
  }
}

}  // namespace zy
}  // namespace mlir
