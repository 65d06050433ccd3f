/* Creating, naming and connecting sockets: socket, bind, connect, listen,
 * accept, accept4, getsockname, getpeername. wasi-libc has no socket, bind,
 * connect, listen or get*name, and its accept gives no peer address; these
 * replace them. */
#include "addon.h"

#include <string.h>
#include <wasi/api.h>

#define ADDRESS_LEN ((uint32_t)sizeof(nsw_address))

int socket(int domain, int type, int protocol) {
  int flags = (type & SOCK_NONBLOCK) ? NSW_OPEN_NONBLOCK : 0;
  /* There is no exec, so close-on-exec is accepted and means nothing. */
  int abi_type = nsw_type_to_abi(type & ~(SOCK_NONBLOCK | SOCK_CLOEXEC));
  int abi_family = nsw_family_to_abi(domain);
  uint32_t fd = 0;
  int32_t rc;
  if (abi_family <= NSW_FAMILY_UNSPEC) return nsw_fail(EAFNOSUPPORT);
  if (abi_type < 0) return nsw_fail(EINVAL);
  rc = nsw_host_socket_open(abi_family, abi_type, protocol, flags, &fd);
  if (rc != 0) return nsw_fail(rc);
  return (int)fd;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  nsw_address record;
  int rc = nsw_address_from_sockaddr(addr, len, &record);
  if (rc != 0) return nsw_fail(rc);
  return nsw_result(nsw_host_socket_bind(fd, &record, ADDRESS_LEN));
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
  nsw_address record;
  int rc;
  /* AF_UNSPEC dissolves a datagram socket's association. */
  if (addr != NULL && len >= sizeof(sa_family_t) && addr->sa_family == AF_UNSPEC) {
    memset(&record, 0, sizeof(record));
    return nsw_result(nsw_host_socket_connect(fd, &record, ADDRESS_LEN));
  }
  rc = nsw_address_from_sockaddr(addr, len, &record);
  if (rc != 0) return nsw_fail(rc);
  return nsw_result(nsw_host_socket_connect(fd, &record, ADDRESS_LEN));
}

int listen(int fd, int backlog) {
  return nsw_result(nsw_host_socket_listen(fd, backlog));
}

/* getsockname and getpeername: one record from the host, then POSIX's
 * truncating copy. */
static int socket_name(int fd, bool peer, struct sockaddr *addr,
                       socklen_t *len) {
  nsw_address record;
  int32_t rc;
  if (addr == NULL || len == NULL) return nsw_fail(EFAULT);
  rc = peer ? nsw_host_socket_peer_addr(fd, &record)
            : nsw_host_socket_local_addr(fd, &record);
  if (rc != 0) return nsw_fail(rc);
  nsw_address_to_sockaddr(&record, addr, len);
  return 0;
}

int getsockname(int fd, struct sockaddr *__restrict addr,
                socklen_t *__restrict len) {
  return socket_name(fd, false, addr, len);
}

int getpeername(int fd, struct sockaddr *__restrict addr,
                socklen_t *__restrict len) {
  return socket_name(fd, true, addr, len);
}

/* The address of an accepted socket's peer. The connection is already ours,
 * so a peer that cannot be named (it left at once) must not fail the accept:
 * it is reported as an unnamed address of the listener's family. */
static void accepted_peer(int listener, int fd, nsw_address *out) {
  uint16_t family;
  if (nsw_host_socket_peer_addr(fd, out) == 0) return;
  family = nsw_host_socket_local_addr(listener, out) == 0
               ? out->family
               : (uint16_t)NSW_FAMILY_UNSPEC;
  memset(out, 0, sizeof(*out));
  out->family = family;
}

int accept4(int fd, struct sockaddr *__restrict addr,
            socklen_t *__restrict len, int flags) {
  __wasi_fdflags_t fd_flags = 0;
  __wasi_fd_t client;
  __wasi_errno_t rc;
  nsw_address peer;
  /* Checked before a connection is taken from the queue: failing after it
   * would lose the connection. */
  if (flags & ~(SOCK_NONBLOCK | SOCK_CLOEXEC)) return nsw_fail(EINVAL);
  if (addr != NULL && len == NULL) return nsw_fail(EFAULT);
  if (flags & SOCK_NONBLOCK) fd_flags |= __WASI_FDFLAGS_NONBLOCK;
  rc = __wasi_sock_accept((__wasi_fd_t)fd, fd_flags, &client);
  if (rc != 0) return nsw_fail(rc);
  if (addr != NULL) {
    accepted_peer(fd, (int)client, &peer);
    nsw_address_to_sockaddr(&peer, addr, len);
  }
  return (int)client;
}

int accept(int fd, struct sockaddr *__restrict addr,
           socklen_t *__restrict len) {
  return accept4(fd, addr, len, 0);
}
