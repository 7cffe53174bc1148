#include "npy.h"

#include <cstdio>
#include <cstring>

#include "core/model.h"

namespace zy {

namespace {

struct DescrMap { const char* descr; DType dtype; };
const DescrMap kDescrs[] = {
    {"<f4", DType::F32}, {"<f8", DType::F64}, {"<f2", DType::F16}, {"|i1", DType::I8}, {"|u1", DType::U8},
    {"<i2", DType::I16}, {"<u2", DType::U16}, {"<i4", DType::I32}, {"<u4", DType::U32}, {"<i8", DType::I64},
    {"<u8", DType::U64}, {"|b1", DType::Bool}, {"<i1", DType::I8}, {"<u1", DType::U8},
};

// Finds the value after 'key': in the header dict text.
std::string field(const std::string& h, const std::string& key) {
  size_t p = h.find("'" + key + "'");
  if (p == std::string::npos) return "";
  p = h.find(':', p);
  if (p == std::string::npos) return "";
  ++p;
  while (p < h.size() && h[p] == ' ') ++p;
  if (p >= h.size()) return "";
  if (h[p] == '\'') {
    size_t e = h.find('\'', p + 1);
    return e == std::string::npos ? "" : h.substr(p + 1, e - p - 1);
  }
  if (h[p] == '(') {
    size_t e = h.find(')', p);
    return e == std::string::npos ? "" : h.substr(p, e - p + 1);
  }
  size_t e = h.find_first_of(",}", p);
  return h.substr(p, e == std::string::npos ? std::string::npos : e - p);
}

}  // namespace

Status parseNpy(const uint8_t* b, size_t size, NpyArray* out) {
  if (size < 10 || std::memcmp(b, "\x93NUMPY", 6) != 0) return invalidArgument("not a .npy file");
  uint8_t major = b[6];
  size_t header_len, start;
  if (major == 1) { header_len = b[8] | (b[9] << 8); start = 10; }
  else if (major == 2 || major == 3) {
    if (size < 12) return invalidArgument("truncated .npy header");
    header_len = b[8] | (b[9] << 8) | (static_cast<size_t>(b[10]) << 16) | (static_cast<size_t>(b[11]) << 24);
    start = 12;
  } else return invalidArgument("unsupported .npy version " + std::to_string(major));
  if (header_len > size - start) return invalidArgument("truncated .npy header");
  std::string h(reinterpret_cast<const char*>(b + start), header_len);
  std::string descr = field(h, "descr"), fortran = field(h, "fortran_order"), shape = field(h, "shape");
  out->dtype = DType::Undefined;
  for (const auto& d : kDescrs) if (descr == d.descr) out->dtype = d.dtype;
  if (out->dtype == DType::Undefined) return unsupported("unsupported .npy dtype '" + descr + "'");
  if (fortran.find("True") != std::string::npos) return unsupported("Fortran-order .npy arrays are not supported");
  if (shape.empty() || shape[0] != '(') return invalidArgument("malformed .npy shape");
  out->shape.clear();
  std::string num;
  for (size_t i = 1; i < shape.size(); ++i) {
    char ch = shape[i];
    if (ch >= '0' && ch <= '9') num += ch;
    else if (ch == ',' || ch == ')') {
      if (!num.empty()) {
        if (num.size() > 15) return invalidArgument("malformed .npy shape");
        out->shape.push_back(std::stoll(num));
      }
      num.clear();
    } else if (ch != ' ' && ch != 'L') return invalidArgument("malformed .npy shape");
  }
  int64_t n = numElements(out->shape);
  if (n < 0) return invalidArgument("malformed .npy shape");
  size_t bytes = static_cast<size_t>(n) * dtypeSize(out->dtype);
  if (size - start - header_len < bytes) return invalidArgument("truncated .npy data");
  out->data.assign(b + start + header_len, b + start + header_len + bytes);
  return Status::OK();
}

Status readNpy(const std::string& path, NpyArray* out) {
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status(ZY_NOT_FOUND, "cannot open '" + path + "'");
  std::vector<uint8_t> bytes;
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.insert(bytes.end(), buf, buf + n);
  std::fclose(f);
  return parseNpy(bytes.data(), bytes.size(), out).withContext(path);
}

Status writeNpy(const std::string& path, DType dtype, const std::vector<int64_t>& shape, const void* data, size_t bytes) {
  const char* descr = nullptr;
  for (const auto& d : kDescrs) if (d.dtype == dtype) { descr = d.descr; break; }
  if (!descr) return unsupported(std::string("cannot write dtype ") + dtypeName(dtype) + " to .npy");
  std::string shp = "(";
  for (size_t i = 0; i < shape.size(); ++i) shp += std::to_string(shape[i]) + (shape.size() == 1 || i + 1 < shape.size() ? "," : "");
  shp += ")";
  std::string h = std::string("{'descr': '") + descr + "', 'fortran_order': False, 'shape': " + shp + ", }";
  size_t total = 10 + h.size() + 1;
  h.append((64 - total % 64) % 64, ' ');
  h += '\n';
  FILE* f = std::fopen(path.c_str(), "wb");
  if (!f) return Status(ZY_IO_ERROR, "cannot open '" + path + "' for writing");
  uint8_t pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, static_cast<uint8_t>(h.size() & 0xff), static_cast<uint8_t>(h.size() >> 8)};
  bool ok = std::fwrite(pre, 1, 10, f) == 10 && std::fwrite(h.data(), 1, h.size(), f) == h.size() &&
            (bytes == 0 || std::fwrite(data, 1, bytes, f) == bytes);
  ok = (std::fclose(f) == 0) && ok;
  return ok ? Status::OK() : Status(ZY_IO_ERROR, "cannot write '" + path + "'");
}

}  // namespace zy
