# lit configuration for the compiler's IR tests (zy-opt / zy-compile + FileCheck).
import os
import lit.formats

config.name = "zy"
config.test_format = lit.formats.ShTest(execute_external=True)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.zy_build_dir, "tests", "lit")
config.environment["PATH"] = os.pathsep.join([config.zy_bin_dir, config.llvm_bin_dir, config.environment.get("PATH", "")])
config.substitutions.append(("%onnx_node", "/usr/share/libonnx-testdata/data/node"))
config.substitutions.append(("%zy_plugins", os.path.join(config.zy_build_dir, "plugins")))
config.excludes = ["lit.cfg.py", "lit.site.cfg.py.in", "CMakeLists.txt", "make_unsupported_model.py", "make_dynamic_model.py"]
