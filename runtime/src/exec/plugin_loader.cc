#include "exec/plugin_loader.h"

#include <dirent.h>
#include <dlfcn.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstddef>
#include <cstdlib>
#include <map>
#include <mutex>

#include "core/string_list.h"

namespace zy {

namespace {

constexpr char kPrefix[] = "libzy_backend_";
constexpr char kSuffix[] = ".so";

// Open libraries by path, so that sessions share one handle.
std::mutex& registryMutex() {
  static std::mutex m;
  return m;
}
std::map<std::string, std::weak_ptr<Plugin>>& registry() {
  static std::map<std::string, std::weak_ptr<Plugin>> r;
  return r;
}

bool isDirectory(const std::string& p) {
  struct stat st;
  return stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

}  // namespace

Plugin::~Plugin() {
  if (handle_) dlclose(handle_);
}

std::string pluginNameFromFile(const std::string& path) {
  const std::string base = path.substr(path.find_last_of('/') + 1);
  const size_t pre = sizeof(kPrefix) - 1, suf = sizeof(kSuffix) - 1;
  if (base.size() <= pre + suf || base.compare(0, pre, kPrefix) != 0 || base.compare(base.size() - suf, suf, kSuffix) != 0) return "";
  return base.substr(pre, base.size() - pre - suf);
}

Status loadPlugin(const std::string& path, std::shared_ptr<Plugin>* out) {
  std::lock_guard<std::mutex> lock(registryMutex());
  if (std::shared_ptr<Plugin> open = registry()[path].lock()) {
    *out = open;
    return Status::OK();
  }
  const std::string where = "backend plugin '" + path + "'";
  const std::string expected = pluginNameFromFile(path);
  if (expected.empty()) return invalidArgument(where + ": plugin files are named libzy_backend_<name>.so");
  dlerror();
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* e = dlerror();
    return Status(ZY_NOT_FOUND, "cannot load " + where + ": " + (e ? e : "dlopen failed"));
  }
  auto plugin = std::shared_ptr<Plugin>(new Plugin);
  plugin->path_ = path;
  plugin->handle_ = handle;  // closed by ~Plugin from here on
  void* sym = dlsym(handle, ZY_BACKEND_ENTRY_SYMBOL);
  if (!sym) return Status(ZY_UNSUPPORTED, where + " does not export " + ZY_BACKEND_ENTRY_SYMBOL + ": it is not a Zhongyuan backend");
  const zy_backend_api_t* api = reinterpret_cast<zy_backend_get_api_fn_t>(sym)(ZY_BACKEND_ABI_VERSION);
  if (!api)
    return Status(ZY_UNSUPPORTED, where + strFormat(" does not support backend ABI version %u (this runtime's)", ZY_BACKEND_ABI_VERSION));
  if (api->abi_version != ZY_BACKEND_ABI_VERSION)
    return Status(ZY_UNSUPPORTED, where + strFormat(" was built for backend ABI version %u; this runtime has version %u", api->abi_version,
                                                    ZY_BACKEND_ABI_VERSION));
  if (api->struct_size < offsetof(zy_backend_api_t, compile_op))
    return Status(ZY_UNSUPPORTED, where + strFormat(": its function table is %u bytes, shorter than ABI version %u's", api->struct_size,
                                                    ZY_BACKEND_ABI_VERSION));
  if (!api->name || !api->create || !api->destroy || !api->supports_op || !api->prepare_op || !api->run_op || !api->release_op)
    return Status(ZY_UNSUPPORTED, where + ": its function table lacks a required entry (name, create, destroy, supports_op, prepare_op, "
                                          "run_op or release_op)");
  if (expected != api->name)
    return invalidArgument(where + " names its backend '" + api->name + "', but its file name says '" + expected + "'");
  plugin->api_ = api;
  registry()[path] = plugin;
  *out = plugin;
  return Status::OK();
}

std::string backendSearchPath(const std::string& option) {
  if (!option.empty()) return option;
  const char* env = std::getenv("ZY_BACKEND_PATH");
  return env ? env : "";
}

std::vector<std::string> pluginFiles(const std::string& search_path) {
  std::vector<std::string> files;
  for (const std::string& entry : splitList(search_path, ':')) {
    if (!isDirectory(entry)) {
      files.push_back(entry);
      continue;
    }
    std::vector<std::string> found;
    if (DIR* d = opendir(entry.c_str())) {
      while (const dirent* e = readdir(d))
        if (!pluginNameFromFile(e->d_name).empty()) found.push_back(entry + "/" + e->d_name);
      closedir(d);
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  return files;
}

std::string findPluginFile(const std::string& search_path, const std::string& name) {
  for (const std::string& f : pluginFiles(search_path))
    if (pluginNameFromFile(f) == name) return f;
  return "";
}

}  // namespace zy
