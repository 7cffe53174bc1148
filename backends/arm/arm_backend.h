// The ARM backend's ABI entry points, for the backends built on its ops
// (backends/kunpeng: the same op table with its own name, start condition
// and cache blocking).
#pragma once
#include "cpu_features.h"
#include "zy/backend.h"

namespace zy {
namespace arm {

// Starts an ARM backend instance whose GEMMs block for `caches`.
zy_status_code_t createArmBackend(const zy_host_t* host, const CacheSizes& caches, void** out, char* err, size_t len);

// The ARM backend's function table under another name and create function.
zy_backend_api_t armBackendApi(const char* name, zy_status_code_t (*create)(const zy_host_t*, void**, char*, size_t));

}  // namespace arm
}  // namespace zy
