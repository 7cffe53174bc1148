// C++ conveniences for in-tree backends over the plain-C backend ABI.
#pragma once
#include <cstddef>
#include <functional>

#include "core/attributes.h"
#include "zy/backend.h"

namespace zy {

// The op's attributes as owned C++ values.
Attributes attributesFromView(const zy_op_view_t* op);

// fn(begin, end) over [0, n) on the session's threads (inline with one).
void hostParallelFor(const zy_host_t* host, size_t n, size_t grain, const std::function<void(size_t, size_t)>& fn);

}  // namespace zy
