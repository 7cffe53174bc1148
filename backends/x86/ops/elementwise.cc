// Element-wise ops on x86: Add, Sub, Mul and Div as the shared row ops
// (backends/common/binary_ops.h) over AVX-512 / AVX2 rows, and the
// activations as standalone ops.
#include <cstring>

#include "activation_ops.h"
#include "binary_ops.h"
#include "core/backend_helpers.h"
#include "kernels/f32_activation.h"
#include "kernels/f32_vbinary.h"
#include "x86_op.h"

namespace zy {
namespace x86 {
namespace {

std::unique_ptr<X86Op> prepareBinary(const OpContext& ctx, const zy_op_view_t* op) {
  return std::make_unique<BinaryRowsOp<X86Op, OpContext>>(ctx, op, vbinary);
}
std::unique_ptr<X86Op> prepareActivation(const OpContext& ctx, const zy_op_view_t* op) {
  return std::make_unique<ActivationOp<X86Op, OpContext>>(ctx, op, applyActivation);
}

}  // namespace

const OpKind kElementwiseOps[] = {
    {"Add", binarySupported, prepareBinary},           {"Sub", binarySupported, prepareBinary},
    {"Mul", binarySupported, prepareBinary},           {"Div", binarySupported, prepareBinary},
    {"Relu", activationSupported, prepareActivation},  {"Sigmoid", activationSupported, prepareActivation},
    {"Clip", activationSupported, prepareActivation},  {"LeakyRelu", activationSupported, prepareActivation},
    {"HardSigmoid", activationSupported, prepareActivation}, {"HardSwish", activationSupported, prepareActivation},
};
const size_t kNumElementwiseOps = sizeof(kElementwiseOps) / sizeof(kElementwiseOps[0]);

}  // namespace x86
}  // namespace zy
