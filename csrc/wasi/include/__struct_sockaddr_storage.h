/*
 * nativesockets WASI add-on: replaces wasi-libc's internal header of the same
 * name (same include guard). wasi-libc's sockaddr_storage holds 32 bytes
 * after the family, too small for the sockaddr_un this add-on gives (POSIX
 * wants sockaddr_storage to hold every address the system supports). This
 * one is 128 bytes, as on Linux, with wasi-libc's alignment.
 */
#ifndef __wasilibc___struct_sockaddr_storage_h
#define __wasilibc___struct_sockaddr_storage_h

#pragma GCC system_header

#define __need_STDDEF_H_misc
#include <stddef.h>
/* Before C11 <stddef.h> has no max_align_t; clang's own header gives it. */
#include <__stddef_max_align_t.h>

#include <__typedef_sa_family_t.h>

struct sockaddr_storage {
  _Alignas(max_align_t) sa_family_t ss_family;
  char __ss_data[126];
};

#endif
