# Cross-compiling the runtime, the backends, zy-run, zy-bench and the runtime
# tests for aarch64 Linux with Debian's g++-aarch64-linux-gnu; the tests run
# under qemu-aarch64 (CMAKE_CROSSCOMPILING_EMULATOR, so plain ctest works).
#   cmake -S . -B build/aarch64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake -DZY_BUILD_COMPILER=OFF
# qemu reads the emulated core from the environment: QEMU_CPU=max (every
# extension: dotprod, fp16, i8mm, ...; qemu's default) or QEMU_CPU=cortex-a72
# (ARMv8.0: none of them), which proves the fallbacks.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Device makers count bytes: unused functions and data are dropped at link time.
set(CMAKE_C_FLAGS_INIT "-ffunction-sections -fdata-sections")
set(CMAKE_CXX_FLAGS_INIT "-ffunction-sections -fdata-sections")
set(CMAKE_EXE_LINKER_FLAGS_INIT "-Wl,--gc-sections")
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64;-L;/usr/aarch64-linux-gnu)
