#include "core/backend_helpers.h"

namespace zy {

Attributes attributesFromView(const zy_op_view_t* op) {
  Attributes out;
  for (size_t k = 0; k < op->num_attrs; ++k) {
    const zy_attr_t& a = op->attrs[k];
    Attribute x;
    x.name = a.name ? a.name : "";
    x.type = a.type;
    x.i = a.i;
    x.f = a.f;
    x.s = a.s ? a.s : "";
    x.index = a.index;
    if (a.type == ZY_ATTR_INTS && a.ints) x.ints.assign(a.ints, a.ints + a.count);
    if (a.type == ZY_ATTR_FLOATS && a.floats) x.floats.assign(a.floats, a.floats + a.count);
    if (a.type == ZY_ATTR_STRINGS && a.strings)
      for (size_t j = 0; j < a.count; ++j) x.strings.emplace_back(a.strings[j] ? a.strings[j] : "");
    out.list().push_back(std::move(x));
  }
  return out;
}

void hostParallelFor(const zy_host_t* host, size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn) {
  if (!host || !host->parallel_for || host->num_threads <= 1) {
    if (n) fn(0, n);
    return;
  }
  host->parallel_for(
      host->ctx, n, grain,
      [](void* arg, size_t b, size_t e) { (*static_cast<const std::function<void(size_t, size_t)>*>(arg))(b, e); },
      const_cast<std::function<void(size_t, size_t)>*>(&fn));
}

}  // namespace zy
