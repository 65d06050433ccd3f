/* setsockopt and getsockopt, translated from wasi-libc's levels and Linux's
 * option numbers to the ABI's. wasi-libc has no setsockopt, and its
 * getsockopt knows SO_TYPE only; these replace them.
 *
 * Most options are one int. SO_LINGER (struct linger) travels packed in one
 * int; IP_MULTICAST_IF takes an address; group membership (struct ip_mreq,
 * ip_mreqn, ipv6_mreq) has its own import. The 1-byte forms Linux accepts
 * for IPv4 multicast options are accepted too. */
#include "addon.h"

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

enum {
  ABI_LEVEL_SOCKET = 1,
  ABI_LEVEL_TCP = 2,
  ABI_LEVEL_IPV6 = 3,
  ABI_LEVEL_IPV4 = 4
};

/* Asked of the host for an option the ABI has not: no level or name is 0,
 * so the host checks the descriptor (EBADF, ENOTSOCK) and then answers
 * ENOPROTOOPT, in the order a kernel would. */
#define ABI_UNKNOWN 0

/* How an option's value is laid out in the program's buffer. */
typedef enum value_kind {
  VALUE_INT,      /* an int */
  VALUE_BYTE_OK,  /* an int, or (IPv4 multicast) a single byte */
  VALUE_LINGER,   /* struct linger */
  VALUE_TIMEVAL,  /* struct timeval: milliseconds for the ABI, 0 = none */
  VALUE_IN_ADDR,  /* struct in_addr (or ip_mreq/ip_mreqn to set) */
  VALUE_MEMBER4,  /* struct ip_mreq or ip_mreqn; set only */
  VALUE_MEMBER6   /* struct ipv6_mreq; set only */
} value_kind;

typedef struct option_name {
  int level, name;
  int32_t abi_level, abi_name;
  value_kind kind;
} option_name;

#define MEMBERSHIP_JOIN 1
#define MEMBERSHIP_LEAVE 0

static const option_name options[] = {
    {SOL_SOCKET, SO_REUSEADDR, ABI_LEVEL_SOCKET, 1, VALUE_INT},
    {SOL_SOCKET, SO_TYPE, ABI_LEVEL_SOCKET, 2, VALUE_INT},
    {SOL_SOCKET, SO_ERROR, ABI_LEVEL_SOCKET, 3, VALUE_INT},
    {SOL_SOCKET, SO_DONTROUTE, ABI_LEVEL_SOCKET, 4, VALUE_INT},
    {SOL_SOCKET, SO_BROADCAST, ABI_LEVEL_SOCKET, 5, VALUE_INT},
    {SOL_SOCKET, SO_SNDBUF, ABI_LEVEL_SOCKET, 6, VALUE_INT},
    {SOL_SOCKET, SO_RCVBUF, ABI_LEVEL_SOCKET, 7, VALUE_INT},
    {SOL_SOCKET, SO_KEEPALIVE, ABI_LEVEL_SOCKET, 8, VALUE_INT},
    {SOL_SOCKET, SO_OOBINLINE, ABI_LEVEL_SOCKET, 9, VALUE_INT},
    {SOL_SOCKET, SO_REUSEPORT, ABI_LEVEL_SOCKET, 10, VALUE_INT},
    {SOL_SOCKET, SO_ACCEPTCONN, ABI_LEVEL_SOCKET, 11, VALUE_INT},
    {SOL_SOCKET, SO_DEBUG, ABI_LEVEL_SOCKET, 12, VALUE_INT},
    {SOL_SOCKET, SO_LINGER, ABI_LEVEL_SOCKET, 13, VALUE_LINGER},
    {SOL_SOCKET, SO_RCVTIMEO, ABI_LEVEL_SOCKET, 14, VALUE_TIMEVAL},
    {SOL_SOCKET, SO_SNDTIMEO, ABI_LEVEL_SOCKET, 15, VALUE_TIMEVAL},
    {IPPROTO_TCP, TCP_NODELAY, ABI_LEVEL_TCP, 1, VALUE_INT},
    {IPPROTO_TCP, TCP_KEEPIDLE, ABI_LEVEL_TCP, 2, VALUE_INT},
    {IPPROTO_TCP, TCP_KEEPINTVL, ABI_LEVEL_TCP, 3, VALUE_INT},
    {IPPROTO_TCP, TCP_KEEPCNT, ABI_LEVEL_TCP, 4, VALUE_INT},
    {IPPROTO_TCP, TCP_FASTOPEN, ABI_LEVEL_TCP, 5, VALUE_INT},
    {IPPROTO_IPV6, IPV6_V6ONLY, ABI_LEVEL_IPV6, 1, VALUE_INT},
    {IPPROTO_IPV6, IPV6_UNICAST_HOPS, ABI_LEVEL_IPV6, 2, VALUE_INT},
    {IPPROTO_IPV6, IPV6_MULTICAST_HOPS, ABI_LEVEL_IPV6, 3, VALUE_INT},
    {IPPROTO_IPV6, IPV6_MULTICAST_LOOP, ABI_LEVEL_IPV6, 4, VALUE_INT},
    {IPPROTO_IPV6, IPV6_MULTICAST_IF, ABI_LEVEL_IPV6, 5, VALUE_INT},
    {IPPROTO_IPV6, IPV6_JOIN_GROUP, ABI_LEVEL_IPV6, MEMBERSHIP_JOIN, VALUE_MEMBER6},
    {IPPROTO_IPV6, IPV6_LEAVE_GROUP, ABI_LEVEL_IPV6, MEMBERSHIP_LEAVE, VALUE_MEMBER6},
    {IPPROTO_IP, IP_TTL, ABI_LEVEL_IPV4, 1, VALUE_INT},
    {IPPROTO_IP, IP_MULTICAST_TTL, ABI_LEVEL_IPV4, 2, VALUE_BYTE_OK},
    {IPPROTO_IP, IP_MULTICAST_LOOP, ABI_LEVEL_IPV4, 3, VALUE_BYTE_OK},
    {IPPROTO_IP, IP_MULTICAST_IF, ABI_LEVEL_IPV4, 4, VALUE_IN_ADDR},
    {IPPROTO_IP, IP_ADD_MEMBERSHIP, ABI_LEVEL_IPV4, MEMBERSHIP_JOIN, VALUE_MEMBER4},
    {IPPROTO_IP, IP_DROP_MEMBERSHIP, ABI_LEVEL_IPV4, MEMBERSHIP_LEAVE, VALUE_MEMBER4},
};

/* The ABI's level and name of (level, name); ABI_UNKNOWN for both when the
 * ABI has no such option. */
static option_name lookup(int level, int name) {
  option_name none = {level, name, ABI_UNKNOWN, ABI_UNKNOWN, VALUE_INT};
  size_t i;
  for (i = 0; i < sizeof(options) / sizeof(options[0]); i++) {
    if (options[i].level == level && options[i].name == name) return options[i];
  }
  return none;
}

/* SO_LINGER in one int: bit 0 on, the seconds above it. */
static int32_t pack_linger(const struct linger *l) {
  int32_t secs = l->l_linger < 0 ? 0 : l->l_linger;
  if (secs > 0x3fffffff) secs = 0x3fffffff;
  return (int32_t)(((uint32_t)secs << 1) | (l->l_onoff ? 1u : 0u));
}

/* SO_RCVTIMEO/SO_SNDTIMEO as milliseconds, rounded up as Linux rounds up
 * to its clock ticks; 0 (no timeout) for a zero or negative time. EDOM for
 * microseconds out of range, as on Linux. */
static int timeval_to_ms(const struct timeval *tv, int32_t *out) {
  int64_t ms;
  if (tv->tv_usec < 0 || tv->tv_usec >= 1000000) return EDOM;
  if (tv->tv_sec < 0) {
    *out = 0;
    return 0;
  }
  ms = (int64_t)tv->tv_sec * 1000 + (tv->tv_usec + 999) / 1000;
  *out = ms > INT32_MAX ? INT32_MAX : (int32_t)ms;
  return 0;
}

/* An IPv4 address as the ABI passes it: its four bytes, in memory order. */
static int32_t in_addr_value(const struct in_addr *in) {
  int32_t v;
  memcpy(&v, &in->s_addr, sizeof(v));
  return v;
}

static int join_or_leave4(int fd, option_name option, const void *value,
                          socklen_t len) {
  struct ip_mreqn m;
  nsw_address group;
  memset(&m, 0, sizeof(m));
  if (len < sizeof(struct ip_mreq)) return nsw_fail(EINVAL);
  memcpy(&m, value, len < sizeof(m) ? len : sizeof(m));
  memset(&group, 0, sizeof(group));
  group.family = NSW_FAMILY_INET;
  memcpy(group.addr, &m.imr_multiaddr, 4);
  return nsw_result(nsw_host_socket_membership(fd, option.abi_name, &group,
                                               sizeof(group),
                                               in_addr_value(&m.imr_address)));
}

static int join_or_leave6(int fd, option_name option, const void *value,
                          socklen_t len) {
  struct ipv6_mreq m;
  nsw_address group;
  if (len < sizeof(m)) return nsw_fail(EINVAL);
  memcpy(&m, value, sizeof(m));
  memset(&group, 0, sizeof(group));
  group.family = NSW_FAMILY_INET6;
  memcpy(group.addr, &m.ipv6mr_multiaddr, 16);
  return nsw_result(nsw_host_socket_membership(fd, option.abi_name, &group,
                                               sizeof(group),
                                               (int32_t)m.ipv6mr_interface));
}

/* The int the ABI takes for a value of `len` bytes; EINVAL when too short. */
static int value_to_abi(option_name option, const void *value, socklen_t len,
                        int32_t *out) {
  if (option.kind == VALUE_LINGER) {
    struct linger l;
    if (len < sizeof(l)) return EINVAL;
    memcpy(&l, value, sizeof(l));
    *out = pack_linger(&l);
    return 0;
  }
  if (option.kind == VALUE_TIMEVAL) {
    struct timeval tv;
    if (len < sizeof(tv)) return EINVAL;
    memcpy(&tv, value, sizeof(tv));
    return timeval_to_ms(&tv, out);
  }
  if (option.kind == VALUE_IN_ADDR) {
    /* An in_addr, or an ip_mreq/ip_mreqn whose interface address counts. */
    struct ip_mreqn m;
    memset(&m, 0, sizeof(m));
    if (len >= sizeof(struct ip_mreq)) {
      memcpy(&m, value, len < sizeof(m) ? len : sizeof(m));
      *out = in_addr_value(&m.imr_address);
    } else if (len >= sizeof(struct in_addr)) {
      memcpy(&m.imr_address, value, sizeof(struct in_addr));
      *out = in_addr_value(&m.imr_address);
    } else {
      return EINVAL;
    }
    return 0;
  }
  if (option.kind == VALUE_BYTE_OK && len >= 1 && len < sizeof(int32_t)) {
    *out = *(const unsigned char *)value;
    return 0;
  }
  if (len < sizeof(int32_t)) return EINVAL;
  memcpy(out, value, sizeof(*out));
  return 0;
}

int setsockopt(int fd, int level, int name, const void *value,
               socklen_t len) {
  option_name option = lookup(level, name);
  int32_t v;
  int rc;
  if (value == NULL) return nsw_fail(EFAULT);
  if (option.kind == VALUE_MEMBER4) return join_or_leave4(fd, option, value, len);
  if (option.kind == VALUE_MEMBER6) return join_or_leave6(fd, option, value, len);
  rc = value_to_abi(option, value, len, &v);
  if (rc != 0) return nsw_fail(rc);
  return nsw_result(
      nsw_host_socket_set_option(fd, option.abi_level, option.abi_name, v));
}

/* Writes an option's value as Linux does: at most *len bytes, and *len
 * becomes the size written. */
static void put_value(const void *from, size_t size, void *value,
                      socklen_t *len) {
  if (*len > size) *len = (socklen_t)size;
  memcpy(value, from, *len);
}

static int value_from_abi(option_name option, int32_t v, void *value,
                          socklen_t *len) {
  if (option.kind == VALUE_LINGER) {
    struct linger l;
    l.l_onoff = (int)(v & 1);
    l.l_linger = (int)((uint32_t)v >> 1);
    put_value(&l, sizeof(l), value, len);
    return 0;
  }
  if (option.kind == VALUE_TIMEVAL) {
    struct timeval tv;
    tv.tv_sec = v / 1000;
    tv.tv_usec = (v % 1000) * 1000;
    put_value(&tv, sizeof(tv), value, len);
    return 0;
  }
  if (option.kind == VALUE_IN_ADDR) {
    put_value(&v, sizeof(v), value, len);
    return 0;
  }
  if (option.kind == VALUE_BYTE_OK && *len < sizeof(int32_t)) {
    unsigned char byte = (unsigned char)v;
    put_value(&byte, 1, value, len);
    return 0;
  }
  if (option.kind == VALUE_MEMBER4 || option.kind == VALUE_MEMBER6) return ENOPROTOOPT;
  if (*len < sizeof(int32_t)) return EINVAL;
  put_value(&v, sizeof(v), value, len);
  return 0;
}

int getsockopt(int fd, int level, int name, void *__restrict value,
               socklen_t *__restrict len) {
  option_name option = lookup(level, name);
  int32_t v = 0;
  int32_t rc;
  if (value == NULL || len == NULL) return nsw_fail(EFAULT);
  if (option.kind == VALUE_MEMBER4 || option.kind == VALUE_MEMBER6) {
    option.abi_level = option.abi_name = ABI_UNKNOWN;
  }
  rc = nsw_host_socket_get_option(fd, option.abi_level, option.abi_name, &v);
  if (rc != 0) return nsw_fail(rc);
  /* The host answers SO_TYPE in the ABI's numbers, SO_ERROR as a WASI errno
   * (which is already wasi-libc's errno). */
  if (level == SOL_SOCKET && name == SO_TYPE) v = nsw_type_from_abi(v);
  rc = value_from_abi(option, v, value, len);
  return rc != 0 ? nsw_fail(rc) : 0;
}
