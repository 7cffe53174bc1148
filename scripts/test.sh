#!/usr/bin/env bash
# The whole test suite: installs what is missing, builds into build/, then
# runs every test through ctest:
#   - runtime unit tests, reference-backend op tests, robustness tests (gtest)
#   - compiler IR tests (lit + FileCheck)
#   - ONNX node conformance (libonnx-testdata)
#   - the model zoo end to end against ONNX Runtime
# and the runtime's tests again under AddressSanitizer + UBSan (build/asan).
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
# Control flow (If chosen by an int64 input) through the sanitized runtime.
W=build/zoo/e2e/silero_vad_legacy
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1 \
  build/asan/bin/zy-run "$W/silero_vad_legacy.zym" --input "input=$W/case0_input.npy" --input "sr=$W/case0_sr.npy" \
  --input "h=$W/case0_h.npy" --input "c=$W/case0_c.npy" --quiet
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1 \
  build/asan/bin/zy-run "$W/silero_vad_legacy.zym" --input "input=$W/case1_input.npy" --input "sr=$W/case1_sr.npy" \
  --input "h=$W/case1_h.npy" --input "c=$W/case1_c.npy" --quiet
echo "silero_vad_legacy (If at run time, 16 and 8 kHz): ok under ASan + UBSan"
