// The ARM backend's ops: each op type it takes has a capability check (which
// says why not) and a prepare step that builds an ArmOp, the per-session state
// (packed weights) that runs it.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "zy/backend.h"

namespace zy {
namespace arm {

using ParallelFor = std::function<void(size_t n, const std::function<void(size_t, size_t)>& fn)>;

struct OpContext {
  ParallelFor parallel;  // the session's threads
  bool fp16 = false;     // the session asked for precision fp16 and the core has FP16 arithmetic
};

class ArmOp {
 public:
  virtual ~ArmOp() = default;
  virtual zy_status_code_t run(const zy_op_view_t* op, std::string* err) = 0;
};

struct OpKind {
  const char* type;
  bool (*supported)(const zy_op_view_t* op, std::string* why);
  std::unique_ptr<ArmOp> (*prepare)(const OpContext& ctx, const zy_op_view_t* op);
};

// The op kinds of each ops/*.cc file (arm_backend.cc searches them in order).
extern const OpKind kConvOps[], kGemmOps[], kNormalizationOps[], kElementwiseOps[], kPoolOps[], kQuantizedPoolOps[], kQuantizedElementwiseOps[],
    kQuantizedGemmOps[];
extern const size_t kNumConvOps, kNumGemmOps, kNumNormalizationOps, kNumElementwiseOps, kNumPoolOps, kNumQuantizedPoolOps, kNumQuantizedElementwiseOps,
    kNumQuantizedGemmOps;

}  // namespace arm
}  // namespace zy
