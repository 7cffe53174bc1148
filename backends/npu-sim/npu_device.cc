#include "npu_device.h"

#include <cstring>
#include <new>

namespace zy {
namespace npu {

NpuDevice::NpuDevice(const NpuConfig& config) : config_(config), thread_([this] { loop(); }) {}

NpuDevice::~NpuDevice() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_work_.notify_all();
  thread_.join();
}

bool NpuDevice::allocate(size_t bytes, DeviceBuffer* out, std::string* error) {
  std::lock_guard<std::mutex> lock(mu_);
  const size_t size = bytes ? bytes : 1;
  if (counters_.bytes_allocated + size > static_cast<size_t>(config_.dram_bytes)) {
    *error = "device memory exhausted: " + std::to_string(size) + " bytes asked, " +
             std::to_string(static_cast<size_t>(config_.dram_bytes) - counters_.bytes_allocated) + " free";
    return false;
  }
  std::unique_ptr<uint8_t[]> mem(new (std::nothrow) uint8_t[size]);
  if (!mem) {
    *error = "cannot back " + std::to_string(size) + " bytes of device memory";
    return false;
  }
  const uint64_t id = next_id_++;
  memory_[id] = std::move(mem);
  sizes_[id] = size;
  counters_.bytes_allocated += size;
  *out = {id, bytes};
  return true;
}

void NpuDevice::release(DeviceBuffer b) {
  if (!b.id) return;
  std::lock_guard<std::mutex> lock(mu_);
  auto it = sizes_.find(b.id);
  if (it == sizes_.end()) return;
  counters_.bytes_allocated -= it->second;
  sizes_.erase(it);
  memory_.erase(b.id);
}

uint8_t* NpuDevice::resolve(DeviceBuffer b) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = memory_.find(b.id);
  return it == memory_.end() ? nullptr : it->second.get();
}

Fence NpuDevice::submit(std::function<std::string()> work) {
  std::lock_guard<std::mutex> lock(mu_);
  const Fence f = ++next_;
  queue_.push_back({f, std::move(work)});
  cv_work_.notify_one();
  return f;
}

Fence NpuDevice::copyToDevice(DeviceBuffer dst, const void* host, size_t bytes) {
  return submit([this, dst, host, bytes]() -> std::string {
    uint8_t* d = resolve(dst);
    if (!d || bytes > dst.bytes) return "DMA to device: bad destination buffer";
    if (bytes) std::memcpy(d, host, bytes);
    std::lock_guard<std::mutex> lock(mu_);
    counters_.bytes_to_device += bytes;
    return "";
  });
}

Fence NpuDevice::copyToHost(void* host, DeviceBuffer src, size_t bytes) {
  return submit([this, host, src, bytes]() -> std::string {
    const uint8_t* s = resolve(src);
    if (!s || bytes > src.bytes) return "DMA to host: bad source buffer";
    if (bytes) std::memcpy(host, s, bytes);
    std::lock_guard<std::mutex> lock(mu_);
    counters_.bytes_to_host += bytes;
    return "";
  });
}

Fence NpuDevice::launch(std::function<std::string(const Resolve&)> kernel) {
  return submit([this, kernel]() -> std::string {
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++counters_.kernels;
    }
    return kernel([this](DeviceBuffer b) { return resolve(b); });
  });
}

std::string NpuDevice::wait(Fence fence) {
  std::unique_lock<std::mutex> lock(mu_);
  cv_done_.wait(lock, [&] { return done_ >= fence; });
  std::string e;
  e.swap(error_);
  return e;
}

DeviceCounters NpuDevice::counters() const {
  std::lock_guard<std::mutex> lock(mu_);
  return counters_;
}

void NpuDevice::loop() {
  for (;;) {
    Command c;
    {
      std::unique_lock<std::mutex> lock(mu_);
      cv_work_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and drained
      c = std::move(queue_.front());
      queue_.pop_front();
    }
    std::string e;
    try {
      e = c.work();
    } catch (const std::bad_alloc&) {
      e = "out of memory on the device thread";
    }
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!e.empty() && error_.empty()) error_ = e;
      done_ = c.fence;
    }
    cv_done_.notify_all();
  }
}

}  // namespace npu
}  // namespace zy
