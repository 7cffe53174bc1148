#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds into build/, then
# runs every test through ctest:
#   - runtime unit tests, reference-backend op tests, robustness tests (gtest)
#   - compiler IR tests (lit + FileCheck)
#   - ONNX node conformance (libonnx-testdata)
#   - the model zoo end to end against ONNX Runtime
# the runtime's tests again under AddressSanitizer + UBSan (build/asan), and
# the runtime cross-built for aarch64, its tests and small models under qemu.
# Backend plugins (npu-sim, npu-template, faulty test plugins) and the
# conformance kit over every shipped backend run in each of these.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${ZY_JOBS:-$(nproc)}

scripts/build.sh
NODE_PATH_DIR=$(scripts/ort.sh | tail -n 1)
models/fetch_models.sh build/models   # pinned by sha256; cached after the first run

echo "== tests (build/)"
ZY_ORT_NODE_PATH="$NODE_PATH_DIR" ctest --test-dir build --output-on-failure -j"$JOBS"

echo "== ONNX node conformance summary"
build/bin/zy-conformance --known-failures tests/conformance/known_failures.txt | grep -E "^(op |total|passed [0-9]+ of)"

echo "== runtime tests under AddressSanitizer + UBSan (build/asan)"
if [ ! -f build/asan/build.ninja ]; then
  cmake -S . -B build/asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
    -DZY_BUILD_COMPILER=OFF -DZY_THREADING=native -DZY_SANITIZE=address,undefined >/dev/null
fi
cmake --build build/asan -j"$JOBS"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/asan --output-on-failure -j"$JOBS"

echo "== zoo models (compiled by the e2e tests) through the sanitized runtime"
for m in mobilenet_v2 squeezenet1_1 shufflenet_v2_x1_0; do
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1 \
    build/asan/bin/zy-run "build/zoo/e2e/$m/$m.zym" --input "input=build/zoo/$m.input.npy" --threads 2 --quiet
  echo "$m: ok under ASan + UBSan"
done
# int8 models (quantized by e2e_quantize_*; PyTorch's QDQ export by e2e_qdq_vs_ort):
# the x86 int8 kernels under the sanitizers.
for z in build/zoo/e2e/mobilenet_v2_int8/int8.zym build/zoo/e2e/resnet18_int8/int8.zym build/zoo/e2e/qdq/torch_qdq_cnn.zym; do
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1 build/asan/bin/zy-run "$z" --threads 2 --quiet
  echo "$z: ok under ASan + UBSan"
done
# The same int8 model partitioned onto the npu-sim plugin (device thread, DMA, fences) under the sanitizers.
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1 \
  build/asan/bin/zy-run build/zoo/e2e/mobilenet_v2_int8/int8.zym --backend-path build/asan/plugins --threads 2 --quiet
echo "mobilenet_v2 int8 on npu-sim: ok under ASan + UBSan"
# Control flow (If chosen by an int64 input) through the sanitized runtime.
W=build/zoo/e2e/silero_vad_legacy
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1 \
  build/asan/bin/zy-run "$W/silero_vad_legacy.zym" --input "input=$W/case0_input.npy" --input "sr=$W/case0_sr.npy" \
  --input "h=$W/case0_h.npy" --input "c=$W/case0_c.npy" --quiet
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1 \
  build/asan/bin/zy-run "$W/silero_vad_legacy.zym" --input "input=$W/case1_input.npy" --input "sr=$W/case1_sr.npy" \
  --input "h=$W/case1_h.npy" --input "c=$W/case1_c.npy" --quiet
echo "silero_vad_legacy (If at run time, 16 and 8 kHz): ok under ASan + UBSan"

echo "== aarch64: cross build (build/aarch64), runtime tests under qemu-aarch64 as max, cortex-a72 and neoverse-n1"
if [ ! -f build/aarch64/build.ninja ]; then
  cmake -S . -B build/aarch64 -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_TOOLCHAIN_FILE="$PWD/cmake/toolchains/aarch64-linux-gnu.cmake" \
    -DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DZY_BUILD_COMPILER=OFF >/dev/null
fi
cmake --build build/aarch64 -j"$JOBS"
QEMU_CPU=max ctest --test-dir build/aarch64 --output-on-failure -j"$JOBS"
QEMU_CPU=cortex-a72 ctest --test-dir build/aarch64 --output-on-failure -j"$JOBS" -E cts_kunpeng  # no dotprod: not a Kunpeng core
# The int8 GEMM has three kernels: max takes I8MM's, cortex-a72 the ARMv8.0 one, neoverse-n1 (dotprod, no I8MM) SDOT's.
QEMU_CPU=neoverse-n1 ctest --test-dir build/aarch64 --output-on-failure -j"$JOBS" -R "ArmKernels|arm_kernels|cts_arm|cts_kunpeng"
# Small zoo models end to end (compiled by the host's e2e tests), against the host's outputs.
ARM_CASES=(
  --case "squeezenet1_1:build/zoo/e2e/squeezenet1_1/squeezenet1_1.zym:input=build/zoo/squeezenet1_1.input.npy:fp32"
  --case "mobilenet_v2:build/zoo/e2e/mobilenet_v2/mobilenet_v2.zym:input=build/zoo/mobilenet_v2.input.npy:fp32"
  --case "resnet18:build/zoo/e2e/resnet18/resnet18.zym:input=build/zoo/resnet18.input.npy:fp32"
  --case "lstm2:build/zoo/e2e/lstm2/lstm2.zym:input=build/zoo/e2e/lstm2/case0_input.npy:fp32"
  --case "transformer_encoder:build/zoo/e2e/transformer_encoder/transformer_encoder.zym:input=build/zoo/e2e/transformer_encoder/case0_input.npy:fp32"
  --case "mobilenet_v2_int8:build/zoo/e2e/mobilenet_v2_int8/int8.zym:input=build/zoo/mobilenet_v2.input.npy:int8"
  --case "efficientnet_b0_int8:build/zoo/e2e/efficientnet_b0_int8/int8.zym:input=build/zoo/efficientnet_b0.input.npy:int8")
for cpu in max cortex-a72; do
  echo "-- QEMU_CPU=$cpu"
  QEMU_CPU=$cpu /usr/bin/python3 tests/e2e/arm_vs_host.py --host-bin build/bin --arm-bin build/aarch64/bin "${ARM_CASES[@]}"
done
echo "-- QEMU_CPU=neoverse-n1 as a Kunpeng 920 core (ZY_ARM_CPU=tsv110: the kunpeng backend)"
QEMU_CPU=neoverse-n1 ZY_ARM_CPU=tsv110 /usr/bin/python3 tests/e2e/arm_vs_host.py --host-bin build/bin --arm-bin build/aarch64/bin \
  --arm-backend kunpeng,ref "${ARM_CASES[@]}"
aarch64-linux-gnu-strip -o build/aarch64/zy-run.stripped build/aarch64/bin/zy-run
echo "aarch64 zy-run, stripped (runtime + built-in backends): $(stat -c %s build/aarch64/zy-run.stripped) bytes"
