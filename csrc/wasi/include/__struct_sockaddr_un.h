/*
 * nativesockets WASI add-on: replaces wasi-libc's internal header of the same
 * name (same include guard), whose struct sockaddr_un has no sun_path because
 * preview1 has no unix-domain sockets. The Node host gives them, so the
 * struct gets the usual 108-byte path. It keeps wasi-libc's alignment so that
 * casts between the sockaddr types stay valid.
 */
#ifndef __wasilibc___struct_sockaddr_un_h
#define __wasilibc___struct_sockaddr_un_h

#pragma GCC system_header

#define __need_STDDEF_H_misc
#include <stddef.h>
/* Before C11 <stddef.h> has no max_align_t; clang's own header gives it. */
#include <__stddef_max_align_t.h>

#include <__typedef_sa_family_t.h>

struct sockaddr_un {
  _Alignas(max_align_t) sa_family_t sun_family;
  char sun_path[108];
};

#endif
