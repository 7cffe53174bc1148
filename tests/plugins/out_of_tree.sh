#!/bin/sh
# A vendor's view: install the package, build backends/npu-template out of
# tree against it (find_package(zy)), load the plugin and run the
# conformance kit on it. usage: out_of_tree.sh SOURCE_DIR BUILD_DIR
set -eu
src=$1
build=$2
work=$build/out_of_tree
rm -rf "$work"
cmake --install "$build" --prefix "$work/prefix" > /dev/null
cp -r "$src/backends/npu-template" "$work/npu-template"
cmake -S "$work/npu-template" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" > /dev/null
cmake --build "$work/build"
plugin="$work/build/libzy_backend_npu_template.so"
test -f "$plugin"
"$work/prefix/bin/zy-run" --list-backends --backend-path "$work/build" | tee "$work/list.txt"
grep -q "^npu_template *available" "$work/list.txt"
"$work/prefix/bin/zy-backend-cts" "$plugin"
