// Helpers shared by the command-line tools (zy-run, zy-bench).
#pragma once
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "zy/zy.h"

namespace zy {
namespace tools {

// Seeded input data: floats uniform in [-1, 1), integers in [0, 4), bools 0/1.
std::vector<uint8_t> randomTensor(zy_dtype_t dtype, int64_t count, std::mt19937_64& rng);

std::string dimsToString(const zy_tensor_info_t& info);
int64_t elementCount(const zy_tensor_info_t& info);

// One model input ready to feed: from a .npy file, or seeded random data of
// the model's shape (dynamic dimensions sized by --input-shape).
struct ToolInput {
  std::string name;
  zy_dtype_t dtype = ZY_DTYPE_UNDEFINED;
  std::vector<int64_t> dims;
  std::vector<uint8_t> data;
  std::string source;  // file name, or "random"
};

// files: name -> .npy path; shapes: name -> "DxD..." for random inputs.
// Returns false with *error set (an unknown input name, a bad file, a
// dynamic input without a size).
bool makeInputs(const zy_model_t* model, const std::map<std::string, std::string>& files,
                const std::map<std::string, std::string>& shapes, uint64_t seed, std::vector<ToolInput>* out,
                std::string* error);

// --list-backends: each backend, where it comes from, and why it cannot
// start if it cannot. False if listing failed.
bool printBackends(const std::string& backend_path);

// The session's fallback warnings on stderr, as "tool: warning: ...".
void printWarnings(const zy_session_t* session, const char* tool);

// "x86 52, ref 1": how many main-graph ops each backend runs.
std::string opsPerBackend(const zy_session_t* session);

// Parses "1x3x224x224" (or "1,3,224,224").
bool parseDims(const std::string& s, std::vector<int64_t>* out);

// Parses a non-negative integer option value; false on garbage.
bool parseInt(const std::string& s, int64_t* out);

}  // namespace tools
}  // namespace zy
