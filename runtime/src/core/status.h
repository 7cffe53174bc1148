// Status: the runtime's error value. No exceptions are used in the runtime so
// that it can be linked into -fno-exceptions code (the compiler, embedders).
#pragma once
#include <string>
#include <utility>

#include "zy/types.h"

namespace zy {

class Status {
 public:
  Status() = default;
  Status(zy_status_code_t code, std::string message) : code_(code), message_(std::move(message)) {}
  static Status OK() { return Status(); }

  bool ok() const { return code_ == ZY_OK; }
  zy_status_code_t code() const { return code_; }
  const std::string& message() const { return message_; }

  // Prefixes the message with context, e.g. the node that failed.
  Status withContext(const std::string& context) const {
    if (ok()) return *this;
    return Status(code_, context + ": " + message_);
  }

 private:
  zy_status_code_t code_ = ZY_OK;
  std::string message_;
};

std::string strFormat(const char* fmt, ...) __attribute__((format(printf, 1, 2)));

inline Status invalidArgument(std::string m) { return Status(ZY_INVALID_ARGUMENT, std::move(m)); }
inline Status invalidModel(std::string m) { return Status(ZY_INVALID_MODEL, std::move(m)); }
inline Status unsupported(std::string m) { return Status(ZY_UNSUPPORTED, std::move(m)); }

}  // namespace zy

#define ZY_RETURN_IF_ERROR(expr)           \
  do {                                     \
    ::zy::Status zy_status_tmp_ = (expr);  \
    if (!zy_status_tmp_.ok()) return zy_status_tmp_; \
  } while (0)
