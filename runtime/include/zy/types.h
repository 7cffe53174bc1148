/* Zhongyuan: types shared by the public C API (zy.h) and the backend ABI (backend.h). */
#ifndef ZY_TYPES_H_
#define ZY_TYPES_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define ZY_API __declspec(dllexport)
#else
#define ZY_API __attribute__((visibility("default")))
#endif

/* Element types. The numbering is the one of the .zym schema (zy.fb.DType). */
typedef enum zy_dtype {
  ZY_DTYPE_UNDEFINED = 0,
  ZY_DTYPE_F32 = 1,
  ZY_DTYPE_F16 = 2,
  ZY_DTYPE_BF16 = 3,
  ZY_DTYPE_I8 = 4,
  ZY_DTYPE_U8 = 5,
  ZY_DTYPE_I16 = 6,
  ZY_DTYPE_I32 = 7,
  ZY_DTYPE_I64 = 8,
  ZY_DTYPE_BOOL = 9,
  ZY_DTYPE_F64 = 10,
  ZY_DTYPE_U16 = 11,
  ZY_DTYPE_U32 = 12,
  ZY_DTYPE_U64 = 13,
} zy_dtype_t;

/* Status codes, used by both the C API and backends. */
typedef enum zy_status_code {
  ZY_OK = 0,
  ZY_INVALID_ARGUMENT = 1, /* the caller passed something wrong (shape, dtype, index) */
  ZY_NOT_FOUND = 2,        /* file, tensor name or backend does not exist */
  ZY_INVALID_MODEL = 3,    /* the model file is malformed or inconsistent */
  ZY_UNSUPPORTED = 4,      /* valid, but not supported (op, dtype, version) */
  ZY_OUT_OF_MEMORY = 5,
  ZY_IO_ERROR = 6,
  ZY_INTERNAL = 7,
  ZY_BACKEND_ERROR = 8,    /* a backend failed to prepare or run an op */
} zy_status_code_t;

/* Highest tensor rank the runtime accepts. */
#define ZY_MAX_RANK 8

#ifdef __cplusplus
}
#endif
#endif /* ZY_TYPES_H_ */
