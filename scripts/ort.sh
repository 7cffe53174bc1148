#!/usr/bin/env bash
# Installs onnxruntime-node (the reference peer) into build/ort; idempotent.
# Its install script downloads GPU libraries, which this machine cannot reach:
# ONNXRUNTIME_NODE_INSTALL=skip keeps the CPU build that ships in the package.
set -euo pipefail
cd "$(dirname "$0")/.."
ORT_DIR=${ZY_ORT_DIR:-build/ort}
if [ ! -f "$ORT_DIR/node_modules/onnxruntime-node/package.json" ]; then
  mkdir -p "$ORT_DIR"
  echo "ort: installing onnxruntime-node@1.30.0 into $ORT_DIR"
  (cd "$ORT_DIR" && [ -f package.json ] || echo '{"private":true}' > package.json)
  (cd "$ORT_DIR" && ONNXRUNTIME_NODE_INSTALL=skip npm install --no-audit --no-fund --loglevel=error onnxruntime-node@1.30.0 >/dev/null)
fi
echo "$(cd "$ORT_DIR" && pwd)/node_modules"
