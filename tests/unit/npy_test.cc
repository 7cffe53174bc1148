// .npy reading and writing, and rejection of malformed files.
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include <gtest/gtest.h>

#include "npy.h"

namespace zy {
namespace {

TEST(Npy, WriteThenRead) {
  const std::string path = ::testing::TempDir() + "/zy_npy_test_" + std::to_string(::getpid()) + ".npy";
  int32_t data[6] = {1, -2, 3, -4, 5, -6};
  ASSERT_TRUE(writeNpy(path, DType::I32, {2, 3}, data, sizeof data).ok());
  NpyArray a;
  ASSERT_TRUE(readNpy(path, &a).ok());
  EXPECT_EQ(a.dtype, DType::I32);
  EXPECT_EQ(a.shape, (std::vector<int64_t>{2, 3}));
  ASSERT_EQ(a.data.size(), sizeof data);
  EXPECT_EQ(std::memcmp(a.data.data(), data, sizeof data), 0);
  std::remove(path.c_str());
}

TEST(Npy, ParsesNumpyHeaderForms) {
  // Header as numpy writes it for float32 (3,), scalar () and (2, 1).
  auto make = [](const std::string& dict, size_t payload) {
    std::string h = dict;
    h.append((64 - (10 + h.size() + 1) % 64) % 64, ' ');
    h += '\n';
    std::vector<uint8_t> b = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, static_cast<uint8_t>(h.size()), 0};
    b.insert(b.end(), h.begin(), h.end());
    b.resize(b.size() + payload, 0);
    return b;
  };
  NpyArray a;
  auto b = make("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }", 12);
  ASSERT_TRUE(parseNpy(b.data(), b.size(), &a).ok());
  EXPECT_EQ(a.shape, std::vector<int64_t>{3});
  b = make("{'descr': '<f8', 'fortran_order': False, 'shape': (), }", 8);
  ASSERT_TRUE(parseNpy(b.data(), b.size(), &a).ok());
  EXPECT_TRUE(a.shape.empty());
  b = make("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 1), }", 8);
  EXPECT_FALSE(parseNpy(b.data(), b.size(), &a).ok());
  b = make("{'descr': '<f4', 'fortran_order': False, 'shape': (1000,), }", 8);
  EXPECT_NE(parseNpy(b.data(), b.size(), &a).message().find("truncated"), std::string::npos);
  b = make("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", 8);
  EXPECT_FALSE(parseNpy(b.data(), b.size(), &a).ok());
}

}  // namespace
}  // namespace zy
