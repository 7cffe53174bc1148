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
# zy latency: median of 10 runs, same input, one thread.
for i in $(seq 10); do
  build/bin/zy-run "$WORK/$MODEL.zym" --input "input=build/zoo/$MODEL.input.npy" --threads 1 | sed -n 's/.*run \([0-9.]*\) ms.*/\1/p'
done > "$WORK/zy-times.txt"
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
print(f"  backend    ref (portable reference backend), 1 thread")
print(f"  latency    zy {zy_ms:.1f} ms   onnxruntime {ort_ms:.1f} ms   (median of 10 runs each)")
print(f"  output     {list(zy.shape)}  top-1 class zy {top_zy} / onnxruntime {top_ort}")
print(f"  max |zy - onnxruntime| = {diff:.2e}  ({diff / scale:.2e} of the output's largest magnitude)")
ok = diff <= 1e-4 * scale and top_zy == top_ort
print("  result     " + ("MATCH" if ok else "MISMATCH"))
sys.exit(0 if ok else 1)
PYEOF
