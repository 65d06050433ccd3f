/* Socket operations whose BSD calls are the same on every target. */
#include "internal.h"

#include <limits.h>

int ns_create_native_socket_raw(int domain, int type, int protocol,
                                bool inheritable, ns_socket *out) {
  if (out == NULL) return NS_EINVAL;
  *out = NS_INVALID_SOCKET;
  ns_init();
  return nsi_open_socket(domain, type, protocol, inheritable, out);
}

int ns_create_native_socket(ns_domain domain, ns_sock_type type,
                            ns_protocol protocol, bool inheritable,
                            ns_socket *out) {
  int native_domain = ns_domain_to_int(domain);
  int native_type = ns_sock_type_to_int(type);
  int native_protocol = ns_protocol_to_int(protocol);
  if (out == NULL) return NS_EINVAL;
  *out = NS_INVALID_SOCKET;
  if (native_domain < 0 || native_type < 0 || native_protocol < 0)
    return NS_EINVAL;
  return ns_create_native_socket_raw(native_domain, native_type,
                                     native_protocol, inheritable, out);
}

int ns_bind_addr(ns_socket sock, const struct sockaddr *addr, socklen_t len) {
  int rc;
  if (addr == NULL) return NS_EINVAL;
  rc = nsi_check_address(sock, addr, len);
  if (rc != NS_OK) return rc;
  if (bind(sock, addr, len) != 0) return nsi_socket_error(sock);
  return NS_OK;
}

int ns_listen(ns_socket sock, int backlog) {
  if (listen(sock, backlog) != 0) return nsi_socket_error(sock);
  return NS_OK;
}

int ns_connect(ns_socket sock, const struct sockaddr *addr, socklen_t len) {
  int rc;
  if (addr == NULL) return NS_EINVAL;
  rc = nsi_check_address(sock, addr, len);
  if (rc != NS_OK) return rc;
  if (connect(sock, addr, len) != 0) return nsi_last_connect_error(sock);
  return NS_OK;
}

int ns_accept(ns_socket server, bool inheritable, ns_socket *client,
              char *addr, size_t addrlen) {
  struct sockaddr_storage peer;
  socklen_t peer_len = (socklen_t)sizeof(peer);
  int rc;
  if (client == NULL) return NS_EINVAL;
  *client = NS_INVALID_SOCKET;
  /* Checked before accepting: a connection taken from the queue and then
   * dropped for want of buffer space would be lost to the caller. */
  if (addr != NULL && addrlen < NS_ADDRSTRLEN) return NS_ERANGE;
  memset(&peer, 0, sizeof(peer));
  rc = nsi_accept(server, inheritable, (struct sockaddr *)&peer, &peer_len,
                  client);
  if (rc != NS_OK || addr == NULL) return rc;
  if (peer_len == 0) peer.ss_family = AF_UNIX; /* an unnamed unix peer */
  if (ns_get_addr_string((struct sockaddr *)&peer, addr, addrlen) != NS_OK)
    addr[0] = '\0';
  return NS_OK;
}

int ns_shutdown(ns_socket sock, int how) {
  if (how != NS_SHUT_RD && how != NS_SHUT_WR && how != NS_SHUT_RDWR)
    return NS_EINVAL;
  if (shutdown(sock, how) != 0) return nsi_socket_error(sock);
  return NS_OK;
}

/* Winsock counts in int; one call moves at most INT_MAX bytes anywhere. */
static int io_length(size_t len) {
  return len > (size_t)INT_MAX ? INT_MAX : (int)len;
}

ptrdiff_t ns_send(ns_socket sock, const void *buf, size_t len, int flags) {
  ptrdiff_t n;
  if (buf == NULL && len > 0) return NS_EINVAL;
  n = send(sock, buf, io_length(len), nsi_send_flags(flags));
  return n < 0 ? nsi_send_error(sock) : n;
}

ptrdiff_t ns_recv(ns_socket sock, void *buf, size_t len, int flags) {
  ptrdiff_t n;
  if (buf == NULL && len > 0) return NS_EINVAL;
  n = recv(sock, buf, io_length(len), flags);
  return n < 0 ? nsi_recv_error(sock, io_length(len)) : n;
}

ptrdiff_t ns_sendto(ns_socket sock, const void *buf, size_t len, int flags,
                    const struct sockaddr *to, socklen_t tolen) {
  ptrdiff_t n;
  if (buf == NULL && len > 0) return NS_EINVAL;
  if (to == NULL && tolen != 0) return NS_EINVAL;
  n = sendto(sock, buf, io_length(len), nsi_send_flags(flags), to, tolen);
  return n < 0 ? nsi_send_error(sock) : n;
}

ptrdiff_t ns_recvfrom(ns_socket sock, void *buf, size_t len, int flags,
                      struct sockaddr *from, socklen_t *fromlen) {
  ptrdiff_t n;
  if (buf == NULL && len > 0) return NS_EINVAL;
  if ((from == NULL) != (fromlen == NULL)) return NS_EINVAL;
  n = recvfrom(sock, buf, io_length(len), flags, from, fromlen);
  return n < 0 ? nsi_recv_error(sock, io_length(len)) : n;
}

int ns_get_sock_opt_int(ns_socket sock, int level, int optname, int *out) {
  int value = 0;
  socklen_t len = (socklen_t)sizeof(value);
  if (out == NULL) return NS_EINVAL;
  if (level == NS_OPTION_MISSING || optname == NS_OPTION_MISSING)
    return NS_ENOPROTOOPT;
  if (getsockopt(sock, level, optname, (void *)&value, &len) != 0)
    return nsi_socket_error(sock);
  *out = value;
  return NS_OK;
}

int ns_set_sock_opt_int(ns_socket sock, int level, int optname, int value) {
  if (level == NS_OPTION_MISSING || optname == NS_OPTION_MISSING)
    return NS_ENOPROTOOPT;
  if (setsockopt(sock, level, optname, (const void *)&value,
                 (socklen_t)sizeof(value)) != 0)
    return nsi_socket_error(sock);
  return NS_OK;
}

/* Shared by select_read and select_write: poll, then keep the ready ones. */
static int select_ready(ns_socket *socks, size_t *count, int timeout_ms,
                        bool for_write) {
  unsigned char *ready;
  size_t n, i, kept;
  int rc;
  if (count == NULL || timeout_ms < -1) return NS_EINVAL;
  n = *count;
  if (n > 0 && socks == NULL) return NS_EINVAL;
  /* Nothing to wait for, forever, would never return. */
  if (n == 0 && timeout_ms == -1) return NS_EINVAL;
  for (i = 0; i < n; i++) {
    if (socks[i] == NS_INVALID_SOCKET) return NS_EBADF;
  }
  ready = (unsigned char *)calloc(n > 0 ? n : 1, 1);
  if (ready == NULL) return NS_ENOMEM;
  rc = nsi_poll(socks, n, for_write, timeout_ms, ready);
  if (rc >= 0) {
    kept = 0;
    for (i = 0; i < n; i++) {
      if (ready[i]) socks[kept++] = socks[i];
    }
    *count = kept;
    rc = (int)kept;
  }
  free(ready);
  return rc;
}

int ns_select_read(ns_socket *socks, size_t *count, int timeout_ms) {
  return select_ready(socks, count, timeout_ms, false);
}

int ns_select_write(ns_socket *socks, size_t *count, int timeout_ms) {
  return select_ready(socks, count, timeout_ms, true);
}
