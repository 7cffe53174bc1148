#!/usr/bin/env bash
# The main job, end to end: export torchvision's MobileNetV2 (random weights,
# fixed seed) to ONNX, compile it with zy-compile, run it with zy-run, run the
# same input through ONNX Runtime, and print one screen comparing the two.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "demo: building (the first build takes several minutes)..." >&2
scripts/build.sh >/tmp/zy-demo-build.log 2>&1 || { cat /tmp/zy-demo-build.log; exit 1; }
NODE_PATH_DIR=$(scripts/ort.sh | tail -n 1)
PY=/usr/bin/python3
WORK=build/demo
MODEL=mobilenet_v2
mkdir -p "$WORK"
$PY models/export_zoo.py build/zoo "$MODEL" >/dev/null
build/bin/zy-compile "build/zoo/$MODEL.onnx" -o "$WORK/$MODEL.zym"
build/bin/zy-run "$WORK/$MODEL.zym" --input "input=build/zoo/$MODEL.input.npy" \
  --output-dir "$WORK/zy" --threads 1 > "$WORK/zy-run.txt"
NODE_PATH="$NODE_PATH_DIR" node models/ort_reference.js "build/zoo/$MODEL.onnx" \
  --input "input=build/zoo/$MODEL.input.npy" --output-dir "$WORK/ort" --threads 1 --runs 10 > "$WORK/ort.txt"
# zy latency: median of 10 runs, same input, one thread; which backend ran what.
for i in $(seq 10); do
  build/bin/zy-run "$WORK/$MODEL.zym" --input "input=build/zoo/$MODEL.input.npy" --threads 1 | sed -n 's/.*run \([0-9.]*\) ms.*/\1/p'
done > "$WORK/zy-times.txt"
build/bin/zy-bench "$WORK/$MODEL.zym" --runs 1 --warmup 0 --profile | sed -n 's/^backend *//p' > "$WORK/backend.txt"
# The same model quantized to int8 (docs/int8.md), calibrated on seeded noise.
build/bin/zy-compile "build/zoo/$MODEL.onnx" -o "$WORK/$MODEL.int8.zym" --quantize int8 --calibration-random 4 2>/dev/null
build/bin/zy-run "$WORK/$MODEL.int8.zym" --input "input=build/zoo/$MODEL.input.npy" --output-dir "$WORK/zy-int8" --threads 1 >/dev/null
build/bin/zy-bench "$WORK/$MODEL.int8.zym" --runs 10 --input "input=build/zoo/$MODEL.input.npy" \
  | sed -n 's/.*median \([0-9.]*\).*/\1/p' > "$WORK/int8-ms.txt"
# The int8 model placed across the simulated NPU plugin and the CPU; its
# outputs must equal the reference backend's, byte for byte.
build/bin/zy-compile "build/zoo/$MODEL.onnx" -o "$WORK/$MODEL.npu.zym" --quantize int8 --calibration-random 4 \
  --targets npu-sim,x86 --backend-path build/plugins --explain-placement 2>/dev/null | sed -n 's/^ops per backend: //p' > "$WORK/npu-placement.txt"
build/bin/zy-run "$WORK/$MODEL.npu.zym" --input "input=build/zoo/$MODEL.input.npy" --backend-path build/plugins \
  --output-dir "$WORK/zy-npu" --threads 1 >/dev/null
build/bin/zy-run "$WORK/$MODEL.npu.zym" --input "input=build/zoo/$MODEL.input.npy" --backend ref --output-dir "$WORK/zy-npu-ref" >/dev/null
build/bin/zy-bench "$WORK/$MODEL.npu.zym" --runs 1 --warmup 0 --profile --backend-path build/plugins \
  | awk '$2 == "npu-sim" && NF == 5 { s += $5 } END { printf "%.2f\n", s }' > "$WORK/npu-est-ms.txt"
$PY - "$WORK" "$MODEL" <<'PYEOF'
import sys, numpy as np
work, model = sys.argv[1], sys.argv[2]
zy = np.load(f"{work}/zy/output_0.npy"); ort = np.load(f"{work}/ort/output_0.npy")
zy_ms = float(np.median([float(x) for x in open(f"{work}/zy-times.txt").read().split()]))
ort_ms = float(open(f"{work}/ort.txt").read().split()[2])
diff = float(np.abs(zy - ort).max()); scale = float(np.abs(ort).max())
top_zy, top_ort = int(zy.argmax()), int(ort.argmax())
print("Zhongyuan demo: ONNX -> .zym -> results")
print(f"  model      {model} (torchvision, random weights, seed fixed), opset 13, input 1x3x224x224")
print(f"  file       {work}/{model}.zym")
print(f"  backend    {open(f'{work}/backend.txt').read().strip()}")
print(f"  latency    zy {zy_ms:.1f} ms   onnxruntime {ort_ms:.1f} ms   (median of 10 runs each)")
print(f"  output     {list(zy.shape)}  top-1 class zy {top_zy} / onnxruntime {top_ort}")
print(f"  max |zy - onnxruntime| = {diff:.2e}  ({diff / scale:.2e} of the output's largest magnitude)")
q = np.load(f"{work}/zy-int8/output_0.npy").astype(np.float64).ravel()
cos = float(q @ zy.ravel() / (np.linalg.norm(q) * np.linalg.norm(zy)))
int8_ms = float(open(f"{work}/int8-ms.txt").read().split()[0])
print(f"  int8       zy-compile --quantize int8: {int8_ms:.1f} ms, cosine {cos:.5f} with fp32, top-1 class {int(q.argmax())}")
npu = np.load(f"{work}/zy-npu/output_0.npy"); npu_ref = np.load(f"{work}/zy-npu-ref/output_0.npy")
npu_same = npu.shape == npu_ref.shape and bool((npu == npu_ref).all())
print(f"  npu-sim    zy-compile --targets npu-sim,x86: {open(f'{work}/npu-placement.txt').read().strip()}; "
      f"estimated {open(f'{work}/npu-est-ms.txt').read().strip()} ms on the NPU; "
      f"{'bit-exact' if npu_same else 'DIFFERENT'} with ref")
ok = diff <= 1e-4 * scale and top_zy == top_ort and npu_same
print("  result     " + ("MATCH" if ok else "MISMATCH"))
sys.exit(0 if ok else 1)
PYEOF
