// Element-wise int8 ops on ARM: the portable ones of
// backends/common/qs8_elementwise_ops.h, bit-exact with ref.
#include "arm_op.h"
#include "qs8_elementwise_ops.h"

namespace zy {
namespace arm {
namespace {

template <class Op>
std::unique_ptr<ArmOp> prepare(const OpContext& ctx, const zy_op_view_t* op) { return std::make_unique<Op>(ctx, op); }

}  // namespace

const OpKind kQuantizedElementwiseOps[] = {
    {"QuantizeLinear", qs8::quantizeSupported, prepare<qs8::QuantizeOp<ArmOp, OpContext>>},
    {"DequantizeLinear", qs8::dequantizeSupported, prepare<qs8::DequantizeOp<ArmOp, OpContext>>},
    {"QLinearAdd", qs8::binarySupported<false>, prepare<qs8::BinaryOp8<ArmOp, OpContext, false>>},
    {"QLinearMul", qs8::binarySupported<true>, prepare<qs8::BinaryOp8<ArmOp, OpContext, true>>},
    {"QLinearLookup", qs8::lookupSupported, prepare<qs8::LookupOp<ArmOp, OpContext>>}};
const size_t kNumQuantizedElementwiseOps = sizeof(kQuantizedElementwiseOps) / sizeof(kQuantizedElementwiseOps[0]);

}  // namespace arm
}  // namespace zy
