#include "core/attributes.h"

namespace zy {

void Attributes::set(Attribute a) {
  for (auto& x : list_)
    if (x.name == a.name) { x = std::move(a); return; }
  list_.push_back(std::move(a));
}

void Attributes::erase(const std::string& name) {
  for (size_t k = 0; k < list_.size(); ++k)
    if (list_[k].name == name) { list_.erase(list_.begin() + k); return; }
}

const Attribute* Attributes::find(const std::string& name) const {
  for (const auto& a : list_)
    if (a.name == name) return &a;
  return nullptr;
}

int64_t Attributes::getInt(const std::string& name, int64_t def) const {
  const Attribute* a = find(name);
  if (!a) return def;
  if (a->type == ZY_ATTR_INT) return a->i;
  if (a->type == ZY_ATTR_FLOAT) return static_cast<int64_t>(a->f);
  return def;
}

float Attributes::getFloat(const std::string& name, float def) const {
  const Attribute* a = find(name);
  if (!a) return def;
  if (a->type == ZY_ATTR_FLOAT) return a->f;
  if (a->type == ZY_ATTR_INT) return static_cast<float>(a->i);
  return def;
}

std::string Attributes::getString(const std::string& name, const std::string& def) const {
  const Attribute* a = find(name);
  return a && a->type == ZY_ATTR_STRING ? a->s : def;
}

std::vector<int64_t> Attributes::getInts(const std::string& name) const {
  const Attribute* a = find(name);
  if (!a) return {};
  if (a->type == ZY_ATTR_INTS) return a->ints;
  if (a->type == ZY_ATTR_INT) return {a->i};
  return {};
}

}  // namespace zy
