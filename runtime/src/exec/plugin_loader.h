// Backend plugins: shared libraries named libzy_backend_<name>.so that export
// ZY_BACKEND_ENTRY_SYMBOL (zy/backend.h). The runtime searches the session's
// backend_path option, else $ZY_BACKEND_PATH: directories (every
// libzy_backend_*.so in them) or files, separated by ':'. A library is opened
// once per process and closed when the last session using it is gone.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "zy/backend.h"

namespace zy {

class Plugin {
 public:
  ~Plugin();
  const zy_backend_api_t* api() const { return api_; }
  const std::string& path() const { return path_; }

 private:
  friend Status loadPlugin(const std::string& path, std::shared_ptr<Plugin>* out);
  std::string path_;
  void* handle_ = nullptr;
  const zy_backend_api_t* api_ = nullptr;
};

// Opens path and checks its entry point: the symbol, the ABI version, the
// function table, and that the backend's name matches the file name. Every
// error names the file.
Status loadPlugin(const std::string& path, std::shared_ptr<Plugin>* out);

// `option` if set, else $ZY_BACKEND_PATH, else "".
std::string backendSearchPath(const std::string& option);

// The plugin files the search path names, in its order (each directory's
// libzy_backend_*.so sorted by name).
std::vector<std::string> pluginFiles(const std::string& search_path);

// The file for backend `name` in the search path ("" if none).
std::string findPluginFile(const std::string& search_path, const std::string& name);

// The backend name a plugin file name gives: libzy_backend_<name>.so -> name ("" if it is not one).
std::string pluginNameFromFile(const std::string& path);

}  // namespace zy
