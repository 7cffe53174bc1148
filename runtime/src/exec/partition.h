// Partitioning a model across backends (zy-compile --targets npu-sim,x86):
// each backend's capability query is asked about every op; an op goes to the
// first target, in priority order, that takes it, and whatever none takes
// falls back to the built-in CPU backends. Consecutive ops on one backend
// form a subgraph; a lone cheap op on an accelerator between CPU ops moves to
// the CPU, which saves two copies. Every tensor that crosses between an
// accelerator (a plugin, with memory of its own) and the host is a boundary
// copy. Backends with compile_subgraph compile each of their subgraphs into
// one blob, those with compile_op each op; the model keeps each op's backend
// and blob (a subgraph's ops share one backend entry and its blob).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include "core/model.h"
#include "core/status.h"

namespace zy {

struct Placement {
  struct Op {
    std::string backend;  // "control flow" for If/Loop
    std::vector<std::pair<std::string, std::string>> verdicts;  // each backend asked: name, "" or why not
    bool moved_to_cpu = false;  // a lone cheap accelerator op moved to save copies
    std::string note;           // its backend's describe_op line (e.g. npu-sim's estimate)
    int subgraph = -1;
  };
  struct Subgraph {
    std::string backend;
    size_t first = 0, last = 0;  // node indices
  };
  struct Copy {
    std::string tensor, from, to;  // "host" or an accelerator
    int64_t bytes = 0;
  };
  std::vector<std::string> order;  // the backends asked, in priority order
  std::vector<Op> ops;
  std::vector<Subgraph> subgraphs;
  std::vector<Copy> copies;
  int compiled = 0;            // ops given an ahead-of-time blob (their own, or their subgraph's)
  int subgraph_blobs = 0;      // of which subgraphs compiled as a whole (compile_subgraph)
};

// Places the main graph's ops and records the placement (and blobs) in the model.
Status partitionModel(Model* model, const std::vector<std::string>& targets, const std::string& backend_path, Placement* out);

// --explain-placement: each op's backend, and every refusal with its reason.
std::string explainPlacement(const Model& model, const Placement& p);

// --emit-dot: the graph in Graphviz, ops coloured by backend, boundary copies in red.
std::string placementDot(const Model& model, const Placement& p);

}  // namespace zy
