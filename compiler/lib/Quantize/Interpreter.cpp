#include "Interpreter.h"

#include "exec/op_evaluator.h"
#include "zy/Bridge/RuntimeBridge.h"
#include "zy/Dialect/ZyDialect.h"

namespace mlir {
namespace zy {

LogicalResult Interpreter::run(const std::vector<TensorBytes>& inputs, const Observer& observe, std::vector<TensorBytes>* outputs,
                               std::string* error) {
  Block& body = func_.getBody().front();
  if (inputs.size() != body.getNumArguments()) {
    *error = "expected " + std::to_string(body.getNumArguments()) + " inputs, got " + std::to_string(inputs.size());
    return failure();
  }
  // Live tensors, dropped after their last use.
  llvm::DenseMap<Value, TensorBytes> live;
  llvm::DenseMap<Value, int64_t> uses;
  auto define = [&](Value v, TensorBytes bytes) {
    ::zy::ValueInfo info = valueInfo(v);
    info.data = bytes.data();
    if (observe) observe(v, info);
    uses[v] = std::distance(v.getUses().begin(), v.getUses().end());
    live[v] = std::move(bytes);
  };
  for (unsigned i = 0; i < body.getNumArguments(); ++i) define(body.getArgument(i), inputs[i]);
  for (Operation& op : body) {
    if (auto c = dyn_cast<ConstantOp>(op)) {
      auto it = constants_.find(&op);
      if (it == constants_.end()) it = constants_.try_emplace(&op, elementsToBytes(c.getValue())).first;
      continue;
    }
    if (isa<NoneOp>(op)) continue;
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      outputs->clear();
      for (Value v : ret.getOperands()) {
        if (auto c = v.getDefiningOp<ConstantOp>()) outputs->push_back(constants_[c]);
        else outputs->push_back(live[v]);
      }
      return success();
    }
    if (op.getNumRegions() > 0) {
      *error = nodeLabel(&op) + ": models with control flow cannot be calibrated yet";
      return failure();
    }
    std::vector<::zy::ValueInfo> ins;
    for (Value v : op.getOperands()) {
      ::zy::ValueInfo info = valueInfo(v);
      if (info.present()) {
        if (auto c = v.getDefiningOp<ConstantOp>()) info.data = constants_[c].data();
        else info.data = live[v].data();
      }
      ins.push_back(std::move(info));
    }
    std::vector<::zy::ValueInfo> outs;
    std::vector<TensorBytes> results;
    ::zy::Status s = ::zy::evaluateOp(onnxOpType(&op).str(), attributesOf(&op), ins, op.getNumResults(), &outs, &results);
    if (!s.ok()) {
      *error = nodeLabel(&op) + ": " + s.message();
      return failure();
    }
    for (Value v : op.getOperands()) {
      auto it = uses.find(v);
      if (it != uses.end() && --it->second == 0) live.erase(v);
    }
    for (unsigned i = 0; i < op.getNumResults(); ++i) define(op.getResult(i), std::move(results[i]));
  }
  *error = "the function has no return";
  return failure();
}

}  // namespace zy
}  // namespace mlir
