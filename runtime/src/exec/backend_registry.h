// The backends linked into this runtime build (plugins come later, through
// the same zy_backend_api_t table).
#pragma once
#include <string>
#include <vector>

#include "zy/backend.h"

namespace zy {

std::vector<const zy_backend_api_t*> builtinBackends();
const zy_backend_api_t* findBuiltinBackend(const std::string& name);

}  // namespace zy
