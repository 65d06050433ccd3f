/* setsockopt and getsockopt: integer options, translated from wasi-libc's
 * levels and Linux's option numbers to the ABI's. wasi-libc has no
 * setsockopt, and its getsockopt knows SO_TYPE only; these replace it. */
#include "addon.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>

enum {
  ABI_LEVEL_SOCKET = 1,
  ABI_LEVEL_TCP = 2,
  ABI_LEVEL_IPV6 = 3
};

/* Asked of the host for an option the ABI has not: no level or name is 0,
 * so the host checks the descriptor (EBADF, ENOTSOCK) and then answers
 * ENOPROTOOPT, in the order a kernel would. */
#define ABI_UNKNOWN 0

/* One option: the level and name a program passes, and the ABI's. */
typedef struct option_name {
  int level, name;
  int32_t abi_level, abi_name;
} option_name;

static const option_name options[] = {
    {SOL_SOCKET, SO_REUSEADDR, ABI_LEVEL_SOCKET, 1},
    {SOL_SOCKET, SO_TYPE, ABI_LEVEL_SOCKET, 2},
    {SOL_SOCKET, SO_ERROR, ABI_LEVEL_SOCKET, 3},
    {SOL_SOCKET, SO_DONTROUTE, ABI_LEVEL_SOCKET, 4},
    {SOL_SOCKET, SO_BROADCAST, ABI_LEVEL_SOCKET, 5},
    {SOL_SOCKET, SO_SNDBUF, ABI_LEVEL_SOCKET, 6},
    {SOL_SOCKET, SO_RCVBUF, ABI_LEVEL_SOCKET, 7},
    {SOL_SOCKET, SO_KEEPALIVE, ABI_LEVEL_SOCKET, 8},
    {SOL_SOCKET, SO_OOBINLINE, ABI_LEVEL_SOCKET, 9},
    {SOL_SOCKET, SO_REUSEPORT, ABI_LEVEL_SOCKET, 10},
    {SOL_SOCKET, SO_ACCEPTCONN, ABI_LEVEL_SOCKET, 11},
    {SOL_SOCKET, SO_DEBUG, ABI_LEVEL_SOCKET, 12},
    {IPPROTO_TCP, TCP_NODELAY, ABI_LEVEL_TCP, 1},
    {IPPROTO_IPV6, IPV6_V6ONLY, ABI_LEVEL_IPV6, 1},
};

/* The ABI's level and name of (level, name); ABI_UNKNOWN for both when the
 * ABI has no such option. */
static option_name lookup(int level, int name) {
  option_name none = {level, name, ABI_UNKNOWN, ABI_UNKNOWN};
  size_t i;
  for (i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
    if (options[i].level == level && options[i].name == name) return options[i];
  }
  return none;
}

int setsockopt(int fd, int level, int name, const void *value,
               socklen_t len) {
  option_name option = lookup(level, name);
  int32_t v;
  if (value == NULL) return nsw_fail(EFAULT);
  if (len < sizeof(int32_t)) return nsw_fail(EINVAL);
  memcpy(&v, value, sizeof(v));
  return nsw_result(
      nsw_host_socket_set_option(fd, option.abi_level, option.abi_name, v));
}

int getsockopt(int fd, int level, int name, void *__restrict value,
               socklen_t *__restrict len) {
  option_name option = lookup(level, name);
  int32_t v = 0;
  int32_t rc;
  if (value == NULL || len == NULL) return nsw_fail(EFAULT);
  if (*len < sizeof(int32_t)) return nsw_fail(EINVAL);
  rc = nsw_host_socket_get_option(fd, option.abi_level, option.abi_name, &v);
  if (rc != 0) return nsw_fail(rc);
  /* The host answers SO_TYPE in the ABI's numbers, SO_ERROR as a WASI errno
   * (which is already wasi-libc's errno). */
  if (level == SOL_SOCKET && name == SO_TYPE) v = nsw_type_from_abi(v);
  memcpy(value, &v, sizeof(v));
  *len = sizeof(int32_t);
  return 0;
}
