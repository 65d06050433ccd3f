/*
 * nativesockets WASI add-on: replaces wasi-libc's internal header of the same
 * name (same include guard): the FD_* macros of a bitmap fd_set (see
 * __typedef_fd_set.h), as musl has them. Descriptors from 0 to
 * FD_SETSIZE - 1 fit, as on Linux.
 */
#ifndef __wasilibc___fd_set_h
#define __wasilibc___fd_set_h

#pragma GCC system_header

#include <__typedef_fd_set.h>

#define NFDBITS (8 * (int)sizeof(long))
#define FD_ZERO(s) \
  do { \
    int __i; \
    unsigned long *__b = (s)->fds_bits; \
    for (__i = sizeof(fd_set) / sizeof(long); __i; __i--) *__b++ = 0; \
  } while (0)
#define FD_SET(d, s) \
  ((s)->fds_bits[(d) / (8 * sizeof(long))] |= (1UL << ((d) % (8 * sizeof(long)))))
#define FD_CLR(d, s) \
  ((s)->fds_bits[(d) / (8 * sizeof(long))] &= ~(1UL << ((d) % (8 * sizeof(long)))))
#define FD_ISSET(d, s) \
  !!((s)->fds_bits[(d) / (8 * sizeof(long))] & (1UL << ((d) % (8 * sizeof(long)))))
#define FD_COPY(from, to) (*(to) = *(from))

#endif
