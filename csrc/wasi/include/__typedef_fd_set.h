/*
 * nativesockets WASI add-on: replaces wasi-libc's internal header of the same
 * name (same include guard). wasi-libc's fd_set is a count and a list of
 * descriptors; every Unix (and much real code, which sets the bits itself)
 * has a bitmap of FD_SETSIZE bits. This is Linux's and musl's layout; the
 * add-on's select() and pselect() read it.
 */
#ifndef __wasilibc___typedef_fd_set_h
#define __wasilibc___typedef_fd_set_h

#pragma GCC system_header

#include <__macro_FD_SETSIZE.h>

typedef unsigned long fd_mask;

typedef struct {
  unsigned long fds_bits[FD_SETSIZE / 8 / sizeof(long)];
} fd_set;

#endif
