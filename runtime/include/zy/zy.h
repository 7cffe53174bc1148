/* Zhongyuan runtime: public C API.
 *
 * Conventions: every call returns a zy_status_t; NULL means success, anything
 * else is an error object the caller owns and frees with zy_status_free().
 * Out-parameters are named out_*. No call aborts or throws on bad input.
 *
 * Thread-safety: a zy_model_t is immutable after loading and may be shared by
 * sessions on any thread. A zy_session_t must be used by one thread at a time.
 */
#ifndef ZY_ZY_H_
#define ZY_ZY_H_

#include "zy/types.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct zy_status_s* zy_status_t;
typedef struct zy_model_s zy_model_t;
typedef struct zy_session_s zy_session_t;

/* ---- status ---------------------------------------------------------- */
ZY_API zy_status_code_t zy_status_code(zy_status_t status);
/* The error text; valid until zy_status_free. "OK" for a NULL status. */
ZY_API const char* zy_status_message(zy_status_t status);
ZY_API void zy_status_free(zy_status_t status);

/* ---- dtypes ---------------------------------------------------------- */
ZY_API const char* zy_dtype_name(zy_dtype_t dtype);   /* "f32", "i64", ... */
ZY_API size_t zy_dtype_size(zy_dtype_t dtype);        /* bytes per element; 0 if undefined */

/* ---- models ---------------------------------------------------------- */
/* Maps a .zym file read-only and verifies it completely before returning. */
ZY_API zy_status_t zy_model_load_file(const char* path, zy_model_t** out_model);
/* Loads from memory. The bytes are copied (into 64-byte aligned storage), so
 * the caller may free `data` when this returns. */
ZY_API zy_status_t zy_model_load_memory(const void* data, size_t size, zy_model_t** out_model);
ZY_API void zy_model_release(zy_model_t* model);

/* A tensor's description. `name` is owned by the model (or session) it came from. */
typedef struct zy_tensor_info {
  const char* name;
  zy_dtype_t dtype;
  int32_t rank;
  int64_t dims[ZY_MAX_RANK];   /* -1 = known only at run time */
} zy_tensor_info_t;

ZY_API size_t zy_model_input_count(const zy_model_t* model);
ZY_API size_t zy_model_output_count(const zy_model_t* model);
ZY_API zy_status_t zy_model_input_info(const zy_model_t* model, size_t index, zy_tensor_info_t* out_info);
ZY_API zy_status_t zy_model_output_info(const zy_model_t* model, size_t index, zy_tensor_info_t* out_info);
/* Metadata: producer name and the ONNX opset the model came from. */
ZY_API const char* zy_model_producer(const zy_model_t* model);
ZY_API int64_t zy_model_source_opset(const zy_model_t* model);

/* ---- sessions -------------------------------------------------------- */
typedef struct zy_session_options {
  uint32_t struct_size;        /* = sizeof(zy_session_options_t); set by zy_session_options_init */
  int32_t num_threads;         /* 0 = all cores; 1 = run on the calling thread only */
  const char* backend_order;   /* comma-separated, e.g. "x86,ref"; NULL = every built-in backend, fastest first */
  int32_t enable_profiling;    /* 1 = time every op of each run (zy_session_profile_*) */
  const char* precision;       /* NULL or "fp32" (the default, exact f32); opt-in fast math: "bf16" =
                                  backends that can (x86 with AMX-BF16 or AVX512-BF16) run GEMMs and convolutions
                                  with bf16 inputs and f32 accumulation; "fp16" = backends that can (ARM
                                  with FP16 arithmetic, e.g. Kunpeng 920) run convolutions in fp16;
                                  others stay f32 */
  const char* thread_placement; /* NULL or "none" (the OS places the threads); "compact": pin the
                                   workers nearest the calling thread first, its cluster, then its
                                   NUMA node cluster by cluster (sysfs topology; Kunpeng 920) */
  const char* backend_path;    /* NULL = $ZY_BACKEND_PATH: ':'-separated directories (each
                                  libzy_backend_<name>.so in them) or plugin files. By default the
                                  session uses the plugins there first, then the built-in backends;
                                  backend_order may name plugins too */
  const char* fallback;        /* NULL or "cpu" (default): a plugin that fails to load, start, prepare
                                  or run an op is passed over and its ops go to the built-in CPU
                                  backends (zy_session_warning says what moved); "error": the session
                                  fails with the backend, the file and the op named */
} zy_session_options_t;

ZY_API void zy_session_options_init(zy_session_options_t* options);

/* A backend a session could use, and whether it can start on this machine. */
typedef struct zy_backend_info {
  char name[64];
  char origin[512];            /* "built-in", or the plugin file */
  int32_t available;           /* 1 = it starts here */
  char reason[512];            /* why not, when available is 0 */
  char detail[256];            /* when available: what it runs with (ISA extensions, kernels, device) */
} zy_backend_info_t;

/* The backends in default order: plugins in backend_path (NULL = $ZY_BACKEND_PATH),
 * then the built-in ones. Fills up to capacity entries; *count gets how many
 * there are. */
ZY_API zy_status_t zy_list_backends(const char* backend_path, zy_backend_info_t* infos, size_t capacity, size_t* count);

/* Creates a session: binds backends, prepares every op, allocates the arena
 * once. The model must outlive the session. */
ZY_API zy_status_t zy_session_create(zy_model_t* model, const zy_session_options_t* options,
                                     zy_session_t** out_session);
ZY_API void zy_session_release(zy_session_t* session);

/* Copies an input into the session. dtype and rank must match the model's
 * input; dimensions the model fixes must match, and dimensions it leaves
 * dynamic (-1 in zy_model_input_info) take any size: the session infers every
 * shape again and plans a new arena when they change. */
ZY_API zy_status_t zy_session_set_input(zy_session_t* session, size_t index, zy_dtype_t dtype,
                                        const int64_t* dims, int32_t rank,
                                        const void* data, size_t byte_size);
/* Binds an input to the caller's memory without copying it: later runs read
 * it in place (never writing it) until the input is set or bound again, or the
 * session is released; the caller keeps it valid and unchanged until then.
 * Checks as zy_session_set_input does. Memory that is not 64-byte aligned, or
 * an input that an op aliases (Reshape, Flatten), is copied instead, as
 * zy_session_set_input would; *out_in_place (may be NULL) says which. */
ZY_API zy_status_t zy_session_bind_input(zy_session_t* session, size_t index, zy_dtype_t dtype,
                                         const int64_t* dims, int32_t rank,
                                         const void* data, size_t byte_size, int* out_in_place);
/* Looks an input up by name; NOT_FOUND if there is none. */
ZY_API zy_status_t zy_session_input_index(const zy_session_t* session, const char* name,
                                          size_t* out_index);
ZY_API zy_status_t zy_session_run(zy_session_t* session);
/* Describes output `index` after a run (with this run's shape); *out_data
 * stays valid until the next run or release of the session. */
ZY_API zy_status_t zy_session_get_output(zy_session_t* session, size_t index,
                                         zy_tensor_info_t* out_info, const void** out_data,
                                         size_t* out_byte_size);
/* Bytes of the session arena (intermediate tensors, inputs and outputs). */
ZY_API size_t zy_session_arena_bytes(const zy_session_t* session);

/* Per-op timings of the last run (sessions created with enable_profiling).
 * Strings are owned by the model or session. */
typedef struct zy_op_profile {
  const char* name;            /* ONNX node name */
  const char* type;            /* ONNX op type */
  const char* backend;         /* backend that ran it ("control flow" for If/Loop) */
  double start_us;             /* from the start of the run */
  double duration_us;
  double flops;                /* floating-point operations, 0 where not counted */
} zy_op_profile_t;

ZY_API size_t zy_session_profile_count(const zy_session_t* session);
ZY_API zy_status_t zy_session_profile_entry(const zy_session_t* session, size_t index, zy_op_profile_t* out_entry);

/* What the backend says of the op in profile entry `index` ("" if nothing):
 * e.g. npu-sim's estimated cycles, MAC utilization and DRAM traffic. */
ZY_API const char* zy_session_profile_note(const zy_session_t* session, size_t index);

/* The backend that runs op `index` of the main graph (NULL past the end). */
ZY_API const char* zy_session_op_backend(const zy_session_t* session, size_t index);

/* Fallback "cpu": what was passed over or moved to the CPU, one message each
 * (NULL past the end). Owned by the session. */
ZY_API size_t zy_session_warning_count(const zy_session_t* session);
ZY_API const char* zy_session_warning(const zy_session_t* session, size_t index);

#ifdef __cplusplus
}
#endif
#endif /* ZY_ZY_H_ */
