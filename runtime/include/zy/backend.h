/* Zhongyuan backend ABI, version 1.
 *
 * A backend is a table of C function pointers (zy_backend_api_t). Built-in
 * backends are linked statically; plugins export ZY_BACKEND_ENTRY_SYMBOL from
 * libzy_backend_<name>.so (docs/backend-guide.md):
 *   extern "C" ZY_BACKEND_EXPORT const zy_backend_api_t* ZY_BACKEND_ENTRY(uint32_t abi_version); Everything that crosses this boundary is plain C:
 * no C++ types, no exceptions, no ownership transfer except where stated.
 *
 * Lifecycle: create -> (supports_op / prepare_op for each op assigned to it)
 * -> run_op many times -> release_op for each prepared op -> destroy.
 * Thread-safety: the runtime never calls one backend instance from two threads
 * at once; a backend may use host->parallel_for for intra-op parallelism.
 */
#ifndef ZY_BACKEND_H_
#define ZY_BACKEND_H_

#include "zy/types.h"

#ifdef __cplusplus
extern "C" {
#endif

#define ZY_BACKEND_ABI_VERSION 1u
#define ZY_BACKEND_ENTRY_SYMBOL "zy_backend_get_api_v1"
#define ZY_BACKEND_ENTRY zy_backend_get_api_v1
#define ZY_BACKEND_EXPORT __attribute__((visibility("default")))

typedef enum zy_attr_type {
  ZY_ATTR_UNDEFINED = 0,
  ZY_ATTR_INT = 1,
  ZY_ATTR_FLOAT = 2,
  ZY_ATTR_STRING = 3,
  ZY_ATTR_INTS = 4,
  ZY_ATTR_FLOATS = 5,
  ZY_ATTR_STRINGS = 6,
  ZY_ATTR_TENSOR = 7,
  ZY_ATTR_GRAPH = 8,
} zy_attr_type_t;

/* A typed op attribute. Only the fields of `type` are meaningful. */
typedef struct zy_attr {
  const char* name;
  zy_attr_type_t type;
  int64_t i;
  float f;
  const char* s;                /* STRING: NUL-terminated */
  size_t count;                 /* INTS / FLOATS / STRINGS: element count */
  const int64_t* ints;
  const float* floats;
  const char* const* strings;
  int32_t index;                /* TENSOR: tensor index; GRAPH: subgraph index */
} zy_attr_t;

/* Affine quantization parameters: real = scale * (q - zero_point). */
typedef struct zy_quant_view {
  size_t count;                 /* 1 = per tensor, else per slice along `axis` */
  const float* scale;
  const int64_t* zero_point;
  int32_t axis;
} zy_quant_view_t;

/* A tensor as a backend sees it. `data` is NULL at prepare time for tensors
 * that are not constants. An omitted optional input has dtype UNDEFINED. */
typedef struct zy_tensor_view {
  const char* name;
  zy_dtype_t dtype;
  int32_t rank;
  const int64_t* dims;
  void* data;
  size_t byte_size;
  const zy_quant_view_t* quant; /* NULL when not quantized */
  int32_t is_constant;
} zy_tensor_view_t;

/* One op, with its tensors and attributes. Valid for the call it is passed to;
 * a backend that needs it later copies what it needs in prepare_op. */
typedef struct zy_op_view {
  const char* type;             /* ONNX op type, e.g. "Conv" */
  const char* domain;           /* "" for ai.onnx */
  const char* name;             /* node name, for error messages */
  size_t num_inputs;
  const zy_tensor_view_t* inputs;
  size_t num_outputs;
  const zy_tensor_view_t* outputs;
  size_t num_attrs;
  const zy_attr_t* attrs;
  /* prepare_op only: what this backend's compile_op made for this op ahead
   * of time (zy-compile --target), stored in the model; NULL if none. Valid
   * while the model is loaded. A backend must check that it still fits
   * (a file compiled on another CPU) and prepare from scratch if not. */
  const void* blob;
  size_t blob_size;
} zy_op_view_t;

/* Runs fn(arg, begin, end) over [0, n) in chunks of at least `grain`. */
typedef void (*zy_parallel_fn_t)(void* arg, size_t begin, size_t end);

/* What the runtime offers a backend. */
typedef struct zy_host {
  uint32_t abi_version;
  int32_t num_threads;          /* the session's thread count (1 = no extra thread) */
  void* ctx;
  void (*parallel_for)(void* ctx, size_t n, size_t grain, zy_parallel_fn_t fn, void* arg);
  const char* precision;        /* "fp32", or the session's opt-in fast math: "bf16" or "fp16"; never NULL */
} zy_host_t;

typedef struct zy_backend_api {
  uint32_t abi_version;         /* ZY_BACKEND_ABI_VERSION the backend was built for */
  uint32_t struct_size;         /* sizeof(zy_backend_api_t) at build time */
  const char* name;             /* "ref", "x86", ... */

  /* Creates a backend instance. `host` outlives the instance. Writes a
   * NUL-terminated reason into err on failure (e.g. a missing CPU feature). */
  zy_status_code_t (*create)(const zy_host_t* host, void** out_backend, char* err, size_t err_len);
  void (*destroy)(void* backend);

  /* Capability query: returns 1 if the backend can run `op` as described
   * (type, dtypes, shapes, attributes), else 0 with a reason. */
  int (*supports_op)(void* backend, const zy_op_view_t* op, char* reason, size_t reason_len);

  /* Prepares one op (validates, packs weights). The state is passed to run_op. */
  zy_status_code_t (*prepare_op)(void* backend, const zy_op_view_t* op, void** out_op_state,
                                 char* err, size_t err_len);
  /* Runs one op; all input and output data pointers are set. */
  zy_status_code_t (*run_op)(void* backend, void* op_state, const zy_op_view_t* op,
                             char* err, size_t err_len);
  void (*release_op)(void* backend, void* op_state);

  /* Optional (NULL, or past a shorter struct_size, when absent): compiles one
   * op ahead of time, for zy-compile --target NAME. On success *out_blob is
   * NULL (nothing worth keeping) or a blob the caller releases with
   * free_blob; the model stores it and prepare_op gets it back in op->blob. */
  zy_status_code_t (*compile_op)(void* backend, const zy_op_view_t* op, void** out_blob, size_t* out_size,
                                 char* err, size_t err_len);
  void (*free_blob)(void* backend, void* blob);

  /* Optional (as above): one line about a prepared op for profiles, e.g. an
   * accelerator's estimated cycles, MAC utilization and DRAM traffic. A line
   * that starts "est <cycles> cycles (<microseconds> us)" has its estimate
   * summed per subgraph by zy-bench --profile. */
  void (*describe_op)(void* backend, void* op_state, char* buf, size_t buf_len);

  /* Optional (as above): where the op's tensors live between ops, once the
   * session has placed every op (and again whenever a fallback moves one).
   * input_local[i] = 1: input i is made earlier in every run by an op of this
   * same backend instance, so a copy the backend kept in its own memory is
   * current. output_host[o] = 0: nothing but ops of this instance reads
   * output o, so it need not reach host memory. Without this entry (or
   * before the call) every input comes from and every output goes to the
   * host. Tensors are told apart by their view's name. */
  void (*set_residency)(void* backend, void* op_state, const zy_op_view_t* op, const uint8_t* input_local,
                        const uint8_t* output_host);

  /* Optional (as above): compiles a whole subgraph ahead of time for
   * zy-compile --targets: the consecutive ops placed on this backend, in run
   * order. On success *out_blob is NULL (nothing to keep) or one blob,
   * released with free_blob, that the model stores once for the subgraph;
   * prepare_op gets it back in op->blob for each of the subgraph's ops (find
   * the op by op->name). Used instead of compile_op where present. */
  zy_status_code_t (*compile_subgraph)(void* backend, const zy_op_view_t* ops, size_t num_ops, void** out_blob, size_t* out_size,
                                       char* err, size_t err_len);

  /* Optional (as above): one line about a started instance for
   * zy-run --list-backends: the ISA extensions and kernels it picked, or the
   * device it drives. */
  void (*describe_backend)(void* backend, char* buf, size_t buf_len);
} zy_backend_api_t;

/* The entry point a plugin exports (and a built-in backend provides). Returns
 * NULL if the backend cannot serve the requested ABI version. */
typedef const zy_backend_api_t* (*zy_backend_get_api_fn_t)(uint32_t abi_version);

#ifdef __cplusplus
}
#endif
#endif /* ZY_BACKEND_H_ */
