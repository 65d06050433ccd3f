/* A guest that misbehaves on purpose: it calls the host's imports directly
 * (no add-on, no libc wrappers) with pointers outside its memory, lengths
 * that cannot be, and descriptors it was never given. test/js/host.test.js
 * calls each export and checks the WASI errno it returns. */
#include <stdint.h>
#include <string.h>
#include <wasi/api.h>

#define EXT(name) \
  __attribute__((import_module("nativesockets_v1"), import_name(#name)))
#define EXPORT(name) __attribute__((export_name(#name)))

EXT(socket_open) int ext_socket_open(int family, int type, int protocol, int flags, uint32_t fd_out);
EXT(socket_bind) int ext_socket_bind(int fd, uint32_t addr, uint32_t len);
EXT(socket_listen) int ext_socket_listen(int fd, int backlog);
EXT(socket_local_addr) int ext_socket_local_addr(int fd, uint32_t out);
EXT(socket_send_to) int ext_socket_send_to(int fd, uint32_t buf, uint32_t len, int flags, uint32_t addr, uint32_t sent_out);
EXT(socket_get_option) int ext_socket_get_option(int fd, int level, int name, uint32_t out);
EXT(service_by_name) int ext_service_by_name(uint32_t name, uint32_t name_len, uint32_t proto, uint32_t proto_len, uint32_t out, uint32_t out_len);
EXT(resolve) int ext_resolve(uint32_t node, uint32_t node_len, uint32_t service, uint32_t service_len, uint32_t hints, uint32_t out, uint32_t out_count, uint32_t count_out, uint32_t canon, uint32_t canon_len);

/* Far past the end of any memory this module will have. */
#define OUTSIDE 0xfffffff0u

static uint8_t loopback_v4[136];
static uint32_t scratch[64];

static uint32_t addr_of(const void *p) {
  return (uint32_t)(uintptr_t)p;
}

static int open_tcp(int *fd) {
  uint32_t out = 0;
  int rc = ext_socket_open(1, 1, 0, 0, addr_of(&out));
  *fd = (int)out;
  return rc;
}

EXPORT(open_with_bad_result_pointer) int open_with_bad_result_pointer(void) {
  return ext_socket_open(1, 1, 0, 0, OUTSIDE);
}

EXPORT(open_tcp_socket) int open_tcp_socket(void) {
  int fd, rc = open_tcp(&fd);
  return rc != 0 ? -rc : fd;
}

EXPORT(bind_with_bad_address) int bind_with_bad_address(int fd) {
  return ext_socket_bind(fd, OUTSIDE, 136);
}

EXPORT(bind_with_short_length) int bind_with_short_length(int fd) {
  return ext_socket_bind(fd, addr_of(loopback_v4), 16);
}

EXPORT(listen_on_loopback) int listen_on_loopback(int fd) {
  int rc;
  memset(loopback_v4, 0, sizeof(loopback_v4));
  loopback_v4[0] = 1; /* IPv4, port 0 */
  loopback_v4[8] = 127;
  loopback_v4[11] = 1;
  rc = ext_socket_bind(fd, addr_of(loopback_v4), 136);
  if (rc != 0) return rc;
  return ext_socket_listen(fd, 16);
}

EXPORT(local_addr_to_bad_pointer) int local_addr_to_bad_pointer(int fd) {
  return ext_socket_local_addr(fd, OUTSIDE);
}

EXPORT(send_with_huge_length) int send_with_huge_length(int fd) {
  return ext_socket_send_to(fd, 16, 0xffffffffu, 0, 0, addr_of(scratch));
}

EXPORT(option_to_bad_pointer) int option_to_bad_pointer(int fd) {
  return ext_socket_get_option(fd, 1, 2, OUTSIDE);
}

EXPORT(recv_into_bad_iovec) int recv_into_bad_iovec(int fd) {
  __wasi_iovec_t iov = {(uint8_t *)(uintptr_t)OUTSIDE, 64};
  __wasi_size_t n;
  __wasi_roflags_t flags;
  return __wasi_sock_recv(fd, &iov, 1, 0, &n, &flags);
}

EXPORT(recv_with_bad_iovec_table) int recv_with_bad_iovec_table(int fd) {
  __wasi_size_t n;
  __wasi_roflags_t flags;
  return __wasi_sock_recv(fd, (const __wasi_iovec_t *)(uintptr_t)OUTSIDE, 4, 0, &n, &flags);
}

EXPORT(send_on_descriptor) int send_on_descriptor(int fd) {
  __wasi_ciovec_t iov = {(const uint8_t *)"x", 1};
  __wasi_size_t n;
  return __wasi_sock_send(fd, &iov, 1, 0, &n);
}

EXPORT(accept_on_descriptor) int accept_on_descriptor(int fd) {
  __wasi_fd_t out;
  return __wasi_sock_accept(fd, 0, &out);
}

EXPORT(bind_on_descriptor) int bind_on_descriptor(int fd) {
  return ext_socket_bind(fd, addr_of(loopback_v4), 136);
}

EXPORT(close_descriptor) int close_descriptor(int fd) {
  return __wasi_fd_close(fd);
}

EXPORT(poll_with_bad_subscriptions) int poll_with_bad_subscriptions(void) {
  __wasi_size_t n;
  return __wasi_poll_oneoff((const __wasi_subscription_t *)(uintptr_t)OUTSIDE,
                            (__wasi_event_t *)scratch, 1, &n);
}

EXPORT(poll_with_no_subscriptions) int poll_with_no_subscriptions(void) {
  __wasi_size_t n;
  return __wasi_poll_oneoff((const __wasi_subscription_t *)scratch,
                            (__wasi_event_t *)scratch, 0, &n);
}

EXPORT(lookup_with_bad_name) int lookup_with_bad_name(void) {
  return ext_service_by_name(OUTSIDE, 4, 0, 0, addr_of(scratch), sizeof(scratch));
}

EXPORT(lookup_with_overlong_name) int lookup_with_overlong_name(void) {
  return ext_service_by_name(0, 5000, 0, 0, addr_of(scratch), sizeof(scratch));
}

EXPORT(resolve_with_bad_hints) int resolve_with_bad_hints(void) {
  static const char node[] = "localhost";
  return ext_resolve(addr_of(node), sizeof(node) - 1, 0, 0, OUTSIDE,
                     addr_of(scratch), 1, addr_of(scratch), 0, 0);
}

/* Opens `count` sockets, then closes them all; 0 when every call worked. */
EXPORT(open_and_close_many) int open_and_close_many(int count) {
  static int fds[4096];
  int i, rc;
  if (count > 4096) return -1;
  for (i = 0; i < count; i++) {
    rc = open_tcp(&fds[i]);
    if (rc != 0) return rc;
  }
  for (i = 0; i < count; i++) {
    rc = __wasi_fd_close(fds[i]);
    if (rc != 0) return rc;
  }
  return 0;
}

/* Blocks in accept on a listener (the test makes the worker die meanwhile). */
EXPORT(accept_blocking) int accept_blocking(int fd) {
  __wasi_fd_t out;
  return __wasi_sock_accept(fd, 0, &out);
}
