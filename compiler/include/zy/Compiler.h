// One call from an ONNX file to .zym bytes: import, the default pipeline and
// export, with every diagnostic collected into one message.
#pragma once

#include <string>
#include <vector>

#include "zy/Import/OnnxImporter.h"

namespace mlir {
namespace zy {

LogicalResult compileOnnxFile(const std::string& path, const ImportOptions& options, std::vector<uint8_t>* zym,
                              std::string* error);

}  // namespace zy
}  // namespace mlir
