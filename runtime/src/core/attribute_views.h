// zy_attr_t views over owned Attributes, for handing attributes across the
// backend ABI. The views stay valid while the Attributes and this object live.
#pragma once
#include <vector>

#include "core/attributes.h"

namespace zy {

class AttributeViews {
 public:
  void build(const Attributes& attrs) {
    views_.clear();
    strings_.clear();
    strings_.reserve(attrs.list().size());
    for (const Attribute& a : attrs.list()) {
      zy_attr_t z{};
      z.name = a.name.c_str();
      z.type = a.type;
      z.i = a.i;
      z.f = a.f;
      z.s = a.s.c_str();
      z.index = a.index;
      if (a.type == ZY_ATTR_INTS) { z.count = a.ints.size(); z.ints = a.ints.data(); }
      if (a.type == ZY_ATTR_FLOATS) { z.count = a.floats.size(); z.floats = a.floats.data(); }
      if (a.type == ZY_ATTR_STRINGS) {
        strings_.emplace_back();
        for (const auto& s : a.strings) strings_.back().push_back(s.c_str());
        z.count = a.strings.size();
        z.strings = strings_.back().data();
      }
      views_.push_back(z);
    }
  }
  const zy_attr_t* data() const { return views_.data(); }
  size_t size() const { return views_.size(); }

 private:
  std::vector<zy_attr_t> views_;
  std::vector<std::vector<const char*>> strings_;
};

}  // namespace zy
