/* The guest fuzzer's parts (fuzz.c: the random calls; fuzz_echo.c: the
 * echo checks and the sockets they use): imports, numbers and what the two
 * share. See fuzz.c. */
#ifndef FUZZ_H
#define FUZZ_H
#include <stdint.h>
#include <string.h>

typedef uint32_t u32;
typedef uint64_t u64;
#define A(p) ((u32)(uintptr_t)(p))

#define EXT(name) __attribute__((import_module("nativesockets_v1"), import_name(#name)))
#define P1(name) __attribute__((import_module("wasi_snapshot_preview1"), import_name(#name)))
#define HARNESS(name) __attribute__((import_module("fuzz_harness"), import_name(#name)))
#define EXPORT(name) __attribute__((export_name(#name)))

EXT(socket_open) int x_socket_open(u32, u32, u32, u32, u32);
EXT(socket_bind) int x_socket_bind(u32, u32, u32);
EXT(socket_connect) int x_socket_connect(u32, u32, u32);
EXT(socket_listen) int x_socket_listen(u32, u32);
EXT(socket_local_addr) int x_socket_local_addr(u32, u32);
EXT(socket_peer_addr) int x_socket_peer_addr(u32, u32);
EXT(socket_get_option) int x_socket_get_option(u32, u32, u32, u32);
EXT(socket_set_option) int x_socket_set_option(u32, u32, u32, u32);
EXT(socket_send_to) int x_socket_send_to(u32, u32, u32, u32, u32, u32);
EXT(socket_recv_from) int x_socket_recv_from(u32, u32, u32, u32, u32, u32);
EXT(resolve) int x_resolve(u32, u32, u32, u32, u32, u32, u32, u32, u32, u32);
EXT(name_info) int x_name_info(u32, u32, u32, u32, u32, u32);
EXT(host_name) int x_host_name(u32, u32);
EXT(service_by_name) int x_service_by_name(u32, u32, u32, u32, u32, u32);
EXT(service_by_port) int x_service_by_port(u32, u32, u32, u32, u32);
EXT(protocol_by_name) int x_protocol_by_name(u32, u32, u32, u32);
P1(sock_accept) int p_sock_accept(u32, u32, u32);
P1(sock_recv) int p_sock_recv(u32, u32, u32, u32, u32, u32);
P1(sock_send) int p_sock_send(u32, u32, u32, u32, u32);
P1(sock_shutdown) int p_sock_shutdown(u32, u32);
P1(fd_read) int p_fd_read(u32, u32, u32, u32);
P1(fd_write) int p_fd_write(u32, u32, u32, u32);
P1(fd_pread) int p_fd_pread(u32, u32, u32, u64, u32);
P1(fd_pwrite) int p_fd_pwrite(u32, u32, u32, u64, u32);
P1(fd_close) int p_fd_close(u32);
P1(fd_fdstat_get) int p_fd_fdstat_get(u32, u32);
P1(fd_fdstat_set_flags) int p_fd_fdstat_set_flags(u32, u32);
P1(fd_filestat_get) int p_fd_filestat_get(u32, u32);
P1(fd_renumber) int p_fd_renumber(u32, u32);
P1(poll_oneoff) int p_poll_oneoff(u32, u32, u32, u32);
/* Tells the harness which call comes next (its hang watchdog names it). */
HARNESS(note) void harness_note(u32 op);

/* ---- the calls, numbered for the harness's coverage report ---- */
enum {
  OP_SOCKET_OPEN, OP_SOCKET_BIND, OP_SOCKET_CONNECT, OP_SOCKET_LISTEN,
  OP_SOCKET_LOCAL_ADDR, OP_SOCKET_PEER_ADDR, OP_SOCKET_GET_OPTION,
  OP_SOCKET_SET_OPTION, OP_SOCKET_SEND_TO, OP_SOCKET_RECV_FROM, OP_RESOLVE,
  OP_NAME_INFO, OP_HOST_NAME, OP_SERVICE_BY_NAME, OP_SERVICE_BY_PORT,
  OP_PROTOCOL_BY_NAME, OP_SOCK_ACCEPT, OP_SOCK_RECV, OP_SOCK_SEND,
  OP_SOCK_SHUTDOWN, OP_FD_READ, OP_FD_WRITE, OP_FD_PREAD, OP_FD_PWRITE,
  OP_FD_CLOSE, OP_FD_FDSTAT_GET, OP_FD_FDSTAT_SET_FLAGS, OP_FD_FILESTAT_GET,
  OP_FD_RENUMBER, OP_POLL_ONEOFF, OP_POLL_HUGE, OP_ECHO_TCP, OP_ECHO_UDP,
  OP_COUNT
};

extern u32 op_counts[OP_COUNT];

/* the seeded PRNG (fuzz.c) */
u64 next64(void);
u32 rnd(void);
u32 below(u32 n);
int chance(u32 percent);

/* the fuzzer's descriptors (fuzz.c) */
void pool_add(u32 fd);
void protect(u32 fd);
/* Records why the run failed (fuzz_failure() reads it); returns 1. */
int fail(const char *what, int rc);
extern uint16_t listen_ports[8];

/* the echo checks (fuzz_echo.c): 0 when the data came back intact */
int make_echo_sockets(void);
int make_listeners(void);
int echo_tcp(void);
int echo_udp(void);
void close_echo_sockets(void);

#define ADDR_SIZE 136u

static inline void put32(u32 at, u32 v) { memcpy((void *)(uintptr_t)at, &v, 4); }
static inline void put16(u32 at, uint16_t v) { memcpy((void *)(uintptr_t)at, &v, 2); }
static inline void put64(u32 at, u64 v) { memcpy((void *)(uintptr_t)at, &v, 8); }
static inline u32 get32(u32 at) { u32 v; memcpy(&v, (const void *)(uintptr_t)at, 4); return v; }

#endif
