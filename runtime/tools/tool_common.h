// Helpers shared by the command-line tools (zy-run, zy-bench).
#pragma once
#include <cstdint>
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

// Parses "1x3x224x224" (or "1,3,224,224").
bool parseDims(const std::string& s, std::vector<int64_t>* out);

// Parses a non-negative integer option value; false on garbage.
bool parseInt(const std::string& s, int64_t* out);

}  // namespace tools
}  // namespace zy
