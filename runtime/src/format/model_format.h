// Reading and writing .zym files (FlatBuffers, schema runtime/schema/zy_model.fbs).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/model.h"
#include "core/status.h"

namespace zy {

constexpr uint32_t kFormatVersionMajor = 1;
constexpr uint32_t kFormatVersionMinor = 0;

// Serializes a model; constant data is 64-byte aligned in the output.
Status writeModel(const Model& model, std::vector<uint8_t>* out);
Status writeModelFile(const Model& model, const std::string& path);

// Maps a file read-only and verifies it (see readModelBuffer).
Status loadModelFile(const std::string& path, Model* out);
// Verifies a buffer and builds the in-memory model. Constants point into the
// buffer, which `storage` must keep alive (it is stored in out->storage).
// Checks: the FlatBuffers verifier, the format version, every index, offset
// and size, constant sizes against shapes, an acyclic graph in execution
// order, the arena plan, and shapes against shape inference.
Status readModelBuffer(const uint8_t* data, size_t size, std::shared_ptr<void> storage, Model* out);
// Copies bytes into 64-byte aligned storage, then reads them.
Status loadModelMemory(const void* data, size_t size, Model* out);

// The semantic checks alone, on an in-memory model (also used by the compiler
// before it writes a file).
Status validateModel(const Model& model);

}  // namespace zy
