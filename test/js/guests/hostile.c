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

/* ---- Raw imports ----------------------------------------------------------
 * Each import under its own name with every argument an unsigned 32-bit
 * number, so a test can pass any value at all: counts of 2^31, lengths near
 * 2^32, tables it built itself in pages it grew past the guest's data. */

#define P1(name) \
  __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
typedef uint32_t u32;

P1(poll_oneoff) int p1_poll_oneoff(u32 in, u32 out, u32 count, u32 nevents);
P1(fd_read) int p1_fd_read(u32 fd, u32 iovs, u32 count, u32 n_out);
P1(fd_write) int p1_fd_write(u32 fd, u32 iovs, u32 count, u32 n_out);
P1(fd_pread) int p1_fd_pread(u32 fd, u32 iovs, u32 count, uint64_t offset, u32 n_out);
P1(fd_pwrite) int p1_fd_pwrite(u32 fd, u32 iovs, u32 count, uint64_t offset, u32 n_out);
P1(sock_recv) int p1_sock_recv(u32 fd, u32 iovs, u32 count, u32 flags, u32 n_out, u32 flags_out);
P1(sock_send) int p1_sock_send(u32 fd, u32 iovs, u32 count, u32 flags, u32 n_out);
P1(sock_accept) int p1_sock_accept(u32 fd, u32 flags, u32 fd_out);
EXT(socket_open) int raw_socket_open_import(u32 family, u32 type, u32 protocol, u32 flags, u32 fd_out);
EXT(socket_connect) int raw_socket_connect_import(u32 fd, u32 addr, u32 len);
EXT(host_name) int raw_host_name_import(u32 buf, u32 len);
EXT(service_by_port) int raw_service_by_port_import(u32 port, u32 proto, u32 proto_len, u32 out, u32 out_len);
EXT(protocol_by_name) int raw_protocol_by_name_import(u32 name, u32 name_len, u32 out, u32 out_len);
EXT(protocol_by_number) int raw_protocol_by_number_import(u32 number, u32 out, u32 out_len);

EXPORT(raw_poll_oneoff) int raw_poll_oneoff(u32 in, u32 out, u32 count, u32 nevents) {
  return p1_poll_oneoff(in, out, count, nevents);
}
EXPORT(raw_fd_read) int raw_fd_read(u32 fd, u32 iovs, u32 count, u32 n_out) {
  return p1_fd_read(fd, iovs, count, n_out);
}
EXPORT(raw_fd_write) int raw_fd_write(u32 fd, u32 iovs, u32 count, u32 n_out) {
  return p1_fd_write(fd, iovs, count, n_out);
}
EXPORT(raw_fd_pread) int raw_fd_pread(u32 fd, u32 iovs, u32 count, u32 n_out) {
  return p1_fd_pread(fd, iovs, count, 0, n_out);
}
EXPORT(raw_fd_pwrite) int raw_fd_pwrite(u32 fd, u32 iovs, u32 count, u32 n_out) {
  return p1_fd_pwrite(fd, iovs, count, 0, n_out);
}
EXPORT(raw_sock_recv) int raw_sock_recv(u32 fd, u32 iovs, u32 count, u32 flags, u32 n_out, u32 flags_out) {
  return p1_sock_recv(fd, iovs, count, flags, n_out, flags_out);
}
EXPORT(raw_sock_send) int raw_sock_send(u32 fd, u32 iovs, u32 count, u32 flags, u32 n_out) {
  return p1_sock_send(fd, iovs, count, flags, n_out);
}
EXPORT(raw_sock_accept) int raw_sock_accept(u32 fd, u32 flags, u32 fd_out) {
  return p1_sock_accept(fd, flags, fd_out);
}
EXPORT(raw_socket_open) int raw_socket_open(u32 family, u32 type, u32 protocol, u32 flags, u32 fd_out) {
  return raw_socket_open_import(family, type, protocol, flags, fd_out);
}
EXPORT(raw_socket_bind) int raw_socket_bind(u32 fd, u32 addr, u32 len) {
  return ext_socket_bind((int)fd, addr, len);
}
EXPORT(raw_socket_connect) int raw_socket_connect(u32 fd, u32 addr, u32 len) {
  return raw_socket_connect_import(fd, addr, len);
}
EXPORT(raw_socket_listen) int raw_socket_listen(u32 fd, u32 backlog) {
  return ext_socket_listen((int)fd, (int)backlog);
}
EXPORT(raw_socket_local_addr) int raw_socket_local_addr(u32 fd, u32 out) {
  return ext_socket_local_addr((int)fd, out);
}
EXPORT(raw_socket_send_to) int raw_socket_send_to(u32 fd, u32 buf, u32 len, u32 flags, u32 addr, u32 sent_out) {
  return ext_socket_send_to((int)fd, buf, len, (int)flags, addr, sent_out);
}
EXPORT(raw_resolve) int raw_resolve(u32 node, u32 node_len, u32 service, u32 service_len, u32 hints,
                                    u32 out, u32 out_count, u32 count_out, u32 canon, u32 canon_len) {
  return ext_resolve(node, node_len, service, service_len, hints, out, out_count, count_out, canon, canon_len);
}
EXPORT(raw_host_name) int raw_host_name(u32 buf, u32 len) {
  return raw_host_name_import(buf, len);
}
EXPORT(raw_service_by_name) int raw_service_by_name(u32 name, u32 name_len, u32 proto, u32 proto_len, u32 out, u32 out_len) {
  return ext_service_by_name(name, name_len, proto, proto_len, out, out_len);
}
EXPORT(raw_service_by_port) int raw_service_by_port(u32 port, u32 proto, u32 proto_len, u32 out, u32 out_len) {
  return raw_service_by_port_import(port, proto, proto_len, out, out_len);
}
EXPORT(raw_protocol_by_name) int raw_protocol_by_name(u32 name, u32 name_len, u32 out, u32 out_len) {
  return raw_protocol_by_name_import(name, name_len, out, out_len);
}
EXPORT(raw_protocol_by_number) int raw_protocol_by_number(u32 number, u32 out, u32 out_len) {
  return raw_protocol_by_number_import(number, out, out_len);
}
