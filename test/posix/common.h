/* Shared by the test programs: what they print must read the same on Linux
 * and under the WASI host, so errors are printed by name (the numbers
 * differ between glibc and wasi-libc) and ports are never printed. */
#ifndef POSIX_TEST_COMMON_H
#define POSIX_TEST_COMMON_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

static const char *errno_name(int e) {
  switch (e) {
    case 0: return "OK";
    case EACCES: return "EACCES";
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EAGAIN: return "EAGAIN";
    case EALREADY: return "EALREADY";
    case EBADF: return "EBADF";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ECONNRESET: return "ECONNRESET";
    case EDESTADDRREQ: return "EDESTADDRREQ";
    case EFAULT: return "EFAULT";
    case EINPROGRESS: return "EINPROGRESS";
    case EINVAL: return "EINVAL";
    case EIO: return "EIO";
    case EISCONN: return "EISCONN";
    case EMSGSIZE: return "EMSGSIZE";
    case ENODEV: return "ENODEV";
    case ENOPROTOOPT: return "ENOPROTOOPT";
    case ENOTCONN: return "ENOTCONN";
    case ENOTSOCK: return "ENOTSOCK";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    case EPIPE: return "EPIPE";
    case ERANGE: return "ERANGE";
    case ENXIO: return "ENXIO";
    case ENETUNREACH: return "ENETUNREACH";
    case EHOSTUNREACH: return "EHOSTUNREACH";
    default: return "E(other)";
  }
}

/* Prints "what: ok" or "what: ENAME". */
#define SHOW(what, rc) \
  printf("%s: %s\n", (what), (rc) < 0 ? errno_name(errno) : "ok")

#define DIE(what)                                              \
  do {                                                         \
    printf("FATAL %s: %s (line %d)\n", (what), errno_name(errno), __LINE__); \
    exit(1);                                                   \
  } while (0)

#endif
