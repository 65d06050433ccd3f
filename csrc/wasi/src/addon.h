/*
 * Internal header of the WASI add-on: the `nativesockets_v1` imports the Node
 * host provides (wasm/ABI.md is the contract; every number below comes from
 * it), the 136-byte address record, and the helpers the add-on's files share.
 *
 * Add-on names start with nsw_ so they cannot meet a program's own.
 */
#ifndef NATIVESOCKETS_WASI_ADDON_H
#define NATIVESOCKETS_WASI_ADDON_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* ---- the ABI's numbers ------------------------------------------------- */

enum {
  NSW_FAMILY_UNSPEC = 0,
  NSW_FAMILY_INET = 1,
  NSW_FAMILY_INET6 = 2,
  NSW_FAMILY_UNIX = 3
};

enum {
  NSW_TYPE_STREAM = 1,
  NSW_TYPE_DGRAM = 2,
  NSW_TYPE_RAW = 3,
  NSW_TYPE_SEQPACKET = 5
};

#define NSW_OPEN_NONBLOCK 1
#define NSW_RECV_PEEK 1
#define NSW_RECV_WAITALL 2

/* Resolver results: 0, one of these, or a negative WASI errno. */
enum {
  NSW_RESOLVE_AGAIN = 1,
  NSW_RESOLVE_BADFLAGS = 2,
  NSW_RESOLVE_FAIL = 3,
  NSW_RESOLVE_FAMILY = 4,
  NSW_RESOLVE_MEMORY = 5,
  NSW_RESOLVE_NONAME = 6,
  NSW_RESOLVE_SERVICE = 7,
  NSW_RESOLVE_SOCKTYPE = 8,
  NSW_RESOLVE_OVERFLOW = 9
};

#define NSW_UNIX_PATH_MAX 108

/* The address record. Its layout is the ABI's, byte for byte: wasm32 is
 * little-endian and every field sits at its natural alignment. */
typedef struct nsw_address {
  uint16_t family;
  uint16_t port; /* host byte order */
  uint32_t flowinfo;
  uint8_t addr[16]; /* network order; IPv4 in the first 4 bytes */
  uint32_t scope_id;
  char path[NSW_UNIX_PATH_MAX]; /* NUL-terminated; empty = unnamed */
} nsw_address;

_Static_assert(sizeof(nsw_address) == 136, "the ABI's address record");
_Static_assert(offsetof(nsw_address, path) == 28, "the ABI's address record");

/* resolve() writes these: the socket type and protocol, then the address. */
typedef struct nsw_resolved {
  int32_t type;
  int32_t protocol;
  nsw_address address;
} nsw_resolved;

_Static_assert(sizeof(nsw_resolved) == 144, "the ABI's resolve record");

/* One network interface address, as the interfaces import writes it. */
typedef struct nsw_interface {
  char name[16]; /* NUL-padded */
  uint32_t index;
  uint32_t flags; /* Linux's IFF_UP, IFF_BROADCAST, IFF_LOOPBACK, ... */
  nsw_address address;
  nsw_address netmask;
} nsw_interface;

_Static_assert(sizeof(nsw_interface) == 296, "the ABI's interface record");

/* ---- the imports ------------------------------------------------------- */

#ifdef __EMSCRIPTEN__
/* Emscripten links a program's undefined functions against its JS libraries:
 * emscripten/library_nativesockets.js defines every nsw_host_* below and
 * hands it to the same host code. */
#define NSW_IMPORT(name)
#else
#define NSW_IMPORT(name) \
  __attribute__((import_module("nativesockets_v1"), import_name(#name)))
#endif

NSW_IMPORT(socket_open)
int32_t nsw_host_socket_open(int32_t family, int32_t type, int32_t protocol,
                             int32_t flags, uint32_t *fd_out);
NSW_IMPORT(socket_bind)
int32_t nsw_host_socket_bind(int32_t fd, const nsw_address *addr,
                             uint32_t addr_len);
NSW_IMPORT(socket_connect)
int32_t nsw_host_socket_connect(int32_t fd, const nsw_address *addr,
                                uint32_t addr_len);
NSW_IMPORT(socket_listen)
int32_t nsw_host_socket_listen(int32_t fd, int32_t backlog);
NSW_IMPORT(socket_local_addr)
int32_t nsw_host_socket_local_addr(int32_t fd, nsw_address *addr_out);
NSW_IMPORT(socket_peer_addr)
int32_t nsw_host_socket_peer_addr(int32_t fd, nsw_address *addr_out);
NSW_IMPORT(socket_get_option)
int32_t nsw_host_socket_get_option(int32_t fd, int32_t level, int32_t name,
                                   int32_t *value_out);
NSW_IMPORT(socket_set_option)
int32_t nsw_host_socket_set_option(int32_t fd, int32_t level, int32_t name,
                                   int32_t value);
NSW_IMPORT(socket_send_to)
int32_t nsw_host_socket_send_to(int32_t fd, const void *buf, uint32_t len,
                                int32_t flags, const nsw_address *addr,
                                uint32_t *sent_out);
NSW_IMPORT(socket_recv_from)
int32_t nsw_host_socket_recv_from(int32_t fd, void *buf, uint32_t len,
                                  int32_t flags, nsw_address *addr_out,
                                  uint32_t *received_out);
NSW_IMPORT(resolve)
int32_t nsw_host_resolve(const char *node, uint32_t node_len,
                         const char *service, uint32_t service_len,
                         const int32_t hints[4], nsw_resolved *out,
                         uint32_t out_count, uint32_t *count_out, char *canon,
                         uint32_t canon_len);
NSW_IMPORT(name_info)
int32_t nsw_host_name_info(const nsw_address *addr, int32_t flags, char *host,
                           uint32_t host_len, char *serv, uint32_t serv_len);
NSW_IMPORT(host_name)
int32_t nsw_host_host_name(char *buf, uint32_t buf_len);
NSW_IMPORT(service_by_name)
int32_t nsw_host_service_by_name(const char *name, uint32_t name_len,
                                 const char *proto, uint32_t proto_len,
                                 void *out, uint32_t out_len);
NSW_IMPORT(service_by_port)
int32_t nsw_host_service_by_port(int32_t port, const char *proto,
                                 uint32_t proto_len, void *out,
                                 uint32_t out_len);
NSW_IMPORT(protocol_by_name)
int32_t nsw_host_protocol_by_name(const char *name, uint32_t name_len,
                                  void *out, uint32_t out_len);

NSW_IMPORT(protocol_by_number)
int32_t nsw_host_protocol_by_number(int32_t number, void *out, uint32_t out_len);
NSW_IMPORT(interfaces)
int32_t nsw_host_interfaces(nsw_interface *out, uint32_t out_len,
                            uint32_t *count_out);
NSW_IMPORT(socket_membership)
int32_t nsw_host_socket_membership(int32_t fd, int32_t join,
                                   const nsw_address *group, uint32_t group_len,
                                   int32_t interface);

#ifdef __EMSCRIPTEN__
#include <wasi/api.h>
/* Emscripten's wasi/api.h predates sock_accept; its JS library has it. */
__wasi_errno_t __wasi_sock_accept(__wasi_fd_t fd, __wasi_fdflags_t flags,
                                  __wasi_fd_t *fd_out)
    __attribute__((import_module("wasi_snapshot_preview1"),
                   import_name("sock_accept")));
#endif

/* ---- shared helpers ---------------------------------------------------- */

/* The POSIX way out: errno (WASI errno values are wasi-libc's), then -1. */
static inline int nsw_fail(int wasi_errno) {
  errno = wasi_errno;
  return -1;
}

/* Turns an import's result into the POSIX 0 / -1-and-errno. */
static inline int nsw_result(int32_t wasi_errno) {
  return wasi_errno == 0 ? 0 : nsw_fail(wasi_errno);
}

/* The libc's AF_* as the ABI's family; -1 when the ABI has no such family.
 * (wasi-libc's numbers are the ABI's; Emscripten's are Linux's.) */
int nsw_family_to_abi(int family);

/* The libc's SOCK_* and the ABI's types, both ways; -1 when unknown. */
int nsw_type_to_abi(int type);
int nsw_type_from_abi(int type);

/* A sockaddr of `len` bytes as a record. 0, or EINVAL (too short),
 * EAFNOSUPPORT (a family the ABI has not), ENAMETOOLONG (a unix path that
 * leaves no room for its NUL in the record). */
int nsw_address_from_sockaddr(const struct sockaddr *sa, socklen_t len,
                              nsw_address *out);
/* A record as a sockaddr, POSIX style: at most *len bytes are written and
 * *len becomes the full length (0 for an unspecified family). */
void nsw_address_to_sockaddr(const nsw_address *in, struct sockaddr *sa,
                             socklen_t *len);

#endif /* NATIVESOCKETS_WASI_ADDON_H */
