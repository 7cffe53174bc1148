// The simulated NPU device: its own memory, reached only through DMA copies,
// and a command queue that a device thread executes in order while the host
// goes on; each submitted command returns a fence the host can wait on.
// Kernels run on the device thread against device memory.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "npu_config.h"

namespace zy {
namespace npu {

// A device allocation (0 = none).
struct DeviceBuffer {
  uint64_t id = 0;
  size_t bytes = 0;
};

// Completion of every command submitted up to and including this one.
using Fence = uint64_t;

struct DeviceCounters {
  uint64_t bytes_to_device = 0, bytes_to_host = 0, kernels = 0;
  size_t bytes_allocated = 0;
};

class NpuDevice {
 public:
  explicit NpuDevice(const NpuConfig& config);
  ~NpuDevice();  // drains the queue
  NpuDevice(const NpuDevice&) = delete;
  NpuDevice& operator=(const NpuDevice&) = delete;

  const NpuConfig& config() const { return config_; }

  // Device memory; false with *error when the device's DRAM is exhausted.
  bool allocate(size_t bytes, DeviceBuffer* out, std::string* error);
  void release(DeviceBuffer buffer);

  // Commands, run in submission order on the device thread. `host` must stay
  // valid until the fence completes.
  Fence copyToDevice(DeviceBuffer dst, const void* host, size_t bytes);
  Fence copyToHost(void* host, DeviceBuffer src, size_t bytes);
  // kernel(resolve) runs on the device; resolve maps a buffer to its device
  // memory. A non-empty return is the kernel's error.
  using Resolve = std::function<uint8_t*(DeviceBuffer)>;
  Fence launch(std::function<std::string(const Resolve&)> kernel);

  // Waits for the fence; "" or the first error of a command up to it (which
  // is then cleared).
  std::string wait(Fence fence);

  DeviceCounters counters() const;

 private:
  struct Command {
    Fence fence;
    std::function<std::string()> work;
  };
  Fence submit(std::function<std::string()> work);
  uint8_t* resolve(DeviceBuffer b);
  void loop();

  NpuConfig config_;
  mutable std::mutex mu_;
  std::condition_variable cv_work_, cv_done_;
  std::deque<Command> queue_;
  Fence next_ = 0, done_ = 0;
  std::string error_;  // the first failure since the last wait
  bool stop_ = false;
  std::map<uint64_t, std::unique_ptr<uint8_t[]>> memory_;
  std::map<uint64_t, size_t> sizes_;
  uint64_t next_id_ = 1;
  DeviceCounters counters_;
  std::thread thread_;
};

}  // namespace npu
}  // namespace zy
