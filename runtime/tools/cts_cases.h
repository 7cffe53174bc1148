// The op cases of zy-backend-cts: one small model per case (one op, or an
// op with its quantization around it), covering the int8 ops of
// docs/int8.md and the common float ops with their attributes. A backend is
// judged only on the cases it claims: int8 outputs must equal ref's bytes,
// float outputs must be within `tolerance` of ref's largest magnitude.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "core/model_builder.h"

namespace zy {
namespace cts {

struct OpCase {
  std::string name;
  bool exact;       // int8: bit for bit
  float tolerance;  // float: of the largest magnitude of ref's output
  std::function<void(ModelBuilder&)> build;
};

const std::vector<OpCase>& opCases();

}  // namespace cts
}  // namespace zy
