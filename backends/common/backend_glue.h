// The ABI entry points every kernel backend (x86, ARM) writes the same way:
// an op is prepared into a state object of the backend's op class, run and
// released through it; out-of-memory is caught here, never thrown across the
// C ABI, and messages are copied into the caller's buffer.
#pragma once
#include <cstdio>
#include <memory>
#include <new>
#include <string>

#include "zy/backend.h"

namespace zy {

inline void copyMessage(char* buf, size_t len, const std::string& s) {
  if (buf && len) std::snprintf(buf, len, "%s", s.c_str());
}

// *out_state = make().release(): make builds the backend's op for a supported op.
template <typename Make>
zy_status_code_t prepareState(Make&& make, void** out_state, char* err, size_t len) {
  try {
    *out_state = make().release();
    return ZY_OK;
  } catch (const std::bad_alloc&) {
    copyMessage(err, len, "out of memory");
    return ZY_OUT_OF_MEMORY;
  }
}

// Op: the backend's op class, with zy_status_code_t run(const zy_op_view_t*, std::string* why).
template <typename Op>
zy_status_code_t runState(void*, void* state, const zy_op_view_t* op, char* err, size_t len) {
  try {
    std::string why;
    const zy_status_code_t s = static_cast<Op*>(state)->run(op, &why);
    if (s != ZY_OK) copyMessage(err, len, why);
    return s;
  } catch (const std::bad_alloc&) {
    copyMessage(err, len, "out of memory");
    return ZY_OUT_OF_MEMORY;
  }
}

template <typename Op>
void releaseState(void*, void* state) {
  delete static_cast<Op*>(state);
}

}  // namespace zy
