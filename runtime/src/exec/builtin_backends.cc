#include <cstring>

#include "exec/backend_registry.h"

// Each built-in backend provides its entry point under its own name.
extern "C" const zy_backend_api_t* zy_backend_ref_get_api(uint32_t abi_version);
#ifdef ZY_WITH_X86
extern "C" const zy_backend_api_t* zy_backend_x86_get_api(uint32_t abi_version);
#endif
#ifdef ZY_WITH_ARM
extern "C" const zy_backend_api_t* zy_backend_kunpeng_get_api(uint32_t abi_version);
extern "C" const zy_backend_api_t* zy_backend_arm_get_api(uint32_t abi_version);
#endif

namespace zy {

// In default priority order: fast backends first, ref (every op) last.
std::vector<const zy_backend_api_t*> builtinBackends() {
  std::vector<const zy_backend_api_t*> v;
#ifdef ZY_WITH_X86
  if (const zy_backend_api_t* x86 = zy_backend_x86_get_api(ZY_BACKEND_ABI_VERSION)) v.push_back(x86);
#endif
#ifdef ZY_WITH_ARM
  // kunpeng starts only on Kunpeng 920 cores; elsewhere the order moves on to arm.
  if (const zy_backend_api_t* kunpeng = zy_backend_kunpeng_get_api(ZY_BACKEND_ABI_VERSION)) v.push_back(kunpeng);
  if (const zy_backend_api_t* arm = zy_backend_arm_get_api(ZY_BACKEND_ABI_VERSION)) v.push_back(arm);
#endif
  if (const zy_backend_api_t* ref = zy_backend_ref_get_api(ZY_BACKEND_ABI_VERSION)) v.push_back(ref);
  return v;
}

const zy_backend_api_t* findBuiltinBackend(const std::string& name) {
  for (const zy_backend_api_t* b : builtinBackends())
    if (name == b->name) return b;
  return nullptr;
}

}  // namespace zy
