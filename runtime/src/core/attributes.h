// Typed op attributes (owning). Backends see them as zy_attr_t views.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "zy/backend.h"

namespace zy {

struct Attribute {
  std::string name;
  zy_attr_type_t type = ZY_ATTR_UNDEFINED;
  int64_t i = 0;
  float f = 0.f;
  std::string s;
  std::vector<int64_t> ints;
  std::vector<float> floats;
  std::vector<std::string> strings;
  int32_t index = -1;  // TENSOR: tensor index, GRAPH: subgraph index

  static Attribute Int(std::string n, int64_t v) { Attribute a; a.name = std::move(n); a.type = ZY_ATTR_INT; a.i = v; return a; }
  static Attribute Float(std::string n, float v) { Attribute a; a.name = std::move(n); a.type = ZY_ATTR_FLOAT; a.f = v; return a; }
  static Attribute String(std::string n, std::string v) { Attribute a; a.name = std::move(n); a.type = ZY_ATTR_STRING; a.s = std::move(v); return a; }
  static Attribute Ints(std::string n, std::vector<int64_t> v) { Attribute a; a.name = std::move(n); a.type = ZY_ATTR_INTS; a.ints = std::move(v); return a; }
  static Attribute Floats(std::string n, std::vector<float> v) { Attribute a; a.name = std::move(n); a.type = ZY_ATTR_FLOATS; a.floats = std::move(v); return a; }
};

class Attributes {
 public:
  std::vector<Attribute>& list() { return list_; }
  const std::vector<Attribute>& list() const { return list_; }
  void set(Attribute a);
  void erase(const std::string& name);
  const Attribute* find(const std::string& name) const;
  int64_t getInt(const std::string& name, int64_t def) const;
  float getFloat(const std::string& name, float def) const;
  std::string getString(const std::string& name, const std::string& def) const;
  std::vector<int64_t> getInts(const std::string& name) const;
  bool has(const std::string& name) const { return find(name) != nullptr; }

 private:
  std::vector<Attribute> list_;
};

}  // namespace zy
