#include "exec/ahead_of_time.h"

#include <memory>
#include <utility>
#include <vector>

#include "exec/backend_registry.h"
#include "exec/session.h"

namespace zy {

Status compileAheadOfTime(Model* model, const std::string& backend, int* out_compiled) {
  *out_compiled = 0;
  if (!findBuiltinBackend(backend)) return invalidArgument("unknown target '" + backend + "': no such backend is built in");
  std::vector<std::pair<size_t, std::vector<uint8_t>>> blobs;
  {
    // A one-thread session places and prepares every op as a default session would.
    SessionOptions o;
    o.num_threads = 1;
    o.backend_order = {backend, "ref"};
    std::unique_ptr<Session> s;
    ZY_RETURN_IF_ERROR(Session::create(*model, o, &s));
    ZY_RETURN_IF_ERROR(s->compileOps(backend, &blobs));
  }
  for (auto& [node, bytes] : blobs) {
    model->backends.push_back(BackendTarget::withBlob(backend, std::move(bytes)));
    model->graph.nodes[node].backend = static_cast<int32_t>(model->backends.size() - 1);
    ++*out_compiled;
  }
  return Status::OK();
}

}  // namespace zy
