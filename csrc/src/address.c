/* Socket addresses as text, and the local and peer addresses of sockets. */
#include "internal.h"

#include <stdio.h>

static bool is_v4_mapped(const struct in6_addr *a) {
  static const unsigned char prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  return memcmp(a->s6_addr, prefix, sizeof(prefix)) == 0;
}

static int format_ipv4(const struct in_addr *a, char *buf, size_t len) {
  char text[NS_ADDRSTRLEN];
  if (inet_ntop(AF_INET, a, text, sizeof(text)) == NULL) return NS_EINVAL;
  return nsi_copy_text(buf, len, text);
}

/* `unmap` prints a v4-mapped address as its dotted quad, as Nim's
 * getAddrString does. A scope id is appended as "%N". */
static int format_ipv6(const struct sockaddr_in6 *sa, bool unmap, char *buf,
                       size_t len) {
  char text[NS_ADDRSTRLEN + 16];
  size_t used;
  if (unmap && is_v4_mapped(&sa->sin6_addr)) {
    struct in_addr v4;
    memcpy(&v4, &sa->sin6_addr.s6_addr[12], sizeof(v4));
    return format_ipv4(&v4, buf, len);
  }
  if (inet_ntop(AF_INET6, &sa->sin6_addr, text, NS_ADDRSTRLEN) == NULL)
    return NS_EINVAL;
  if (sa->sin6_scope_id != 0) {
    used = strlen(text);
    snprintf(text + used, sizeof(text) - used, "%%%lu",
             (unsigned long)sa->sin6_scope_id);
  }
  return nsi_copy_text(buf, len, text);
}

static int format_address(const struct sockaddr *sa, bool unmap, char *buf,
                          size_t len) {
  if (sa == NULL || buf == NULL) return NS_EINVAL;
  if (sa->sa_family == AF_INET)
    return format_ipv4(&((const struct sockaddr_in *)sa)->sin_addr, buf, len);
  if (sa->sa_family == AF_INET6)
    return format_ipv6((const struct sockaddr_in6 *)sa, unmap, buf, len);
  if (sa->sa_family == AF_UNIX) return nsi_copy_text(buf, len, "unix");
  return NS_EAFNOSUPPORT;
}

int ns_get_addr_string(const struct sockaddr *addr, char *buf, size_t len) {
  return format_address(addr, true, buf, len);
}

int ns_inet_ntoa(struct in_addr in, char *buf, size_t len) {
  if (buf == NULL) return NS_EINVAL;
  return format_ipv4(&in, buf, len);
}

static ns_port port_of(const struct sockaddr_storage *ss) {
  if (ss->ss_family == AF_INET)
    return ns_ntohs(((const struct sockaddr_in *)ss)->sin_port);
  return ns_ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
}

/* getsockname (or, for `peer`, getpeername) into *ss. */
static int socket_address(ns_socket sock, bool peer,
                          struct sockaddr_storage *ss) {
  socklen_t len = (socklen_t)sizeof(*ss);
  memset(ss, 0, sizeof(*ss));
  if (!peer) return nsi_sock_name(sock, ss);
  if (getpeername(sock, (struct sockaddr *)ss, &len) != 0)
    return nsi_socket_error(sock);
  return NS_OK;
}

int ns_get_sock_domain(ns_socket sock, ns_domain *out) {
  struct sockaddr_storage ss;
  int rc;
  if (out == NULL) return NS_EINVAL;
  rc = socket_address(sock, false, &ss);
  if (rc != NS_OK) return rc;
  return ns_to_known_domain(ss.ss_family, out) ? NS_OK : NS_EAFNOSUPPORT;
}

int ns_get_sock_name(ns_socket sock, ns_port *out) {
  struct sockaddr_storage ss;
  int rc;
  if (out == NULL) return NS_EINVAL;
  rc = socket_address(sock, false, &ss);
  if (rc != NS_OK) return rc;
  if (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)
    return NS_EAFNOSUPPORT;
  *out = port_of(&ss);
  return NS_OK;
}

/* get_local_addr and get_peer_addr: IPv6 text is printed as is, as Nim's
 * getLocalAddr/getPeerAddr do. */
static int address_and_port(ns_socket sock, bool peer, ns_domain domain,
                            char *addr, size_t addrlen, ns_port *port) {
  struct sockaddr_storage ss;
  int rc;
  if (domain != NS_AF_INET && domain != NS_AF_INET6) return NS_EAFNOSUPPORT;
  rc = socket_address(sock, peer, &ss);
  if (rc != NS_OK) return rc;
  if (ss.ss_family != ns_domain_to_int(domain)) return NS_EINVAL;
  if (addr != NULL) {
    rc = format_address((const struct sockaddr *)&ss, false, addr, addrlen);
    if (rc != NS_OK) return rc;
  }
  if (port != NULL) *port = port_of(&ss);
  return NS_OK;
}

int ns_get_local_addr(ns_socket sock, ns_domain domain, char *addr,
                      size_t addrlen, ns_port *port) {
  return address_and_port(sock, false, domain, addr, addrlen, port);
}

int ns_get_peer_addr(ns_socket sock, ns_domain domain, char *addr,
                     size_t addrlen, ns_port *port) {
  return address_and_port(sock, true, domain, addr, addrlen, port);
}

/* Every target's sockaddr_un has sun_path (WASI's through the add-on's
 * header, Windows' through afunix.h); whether the system can create the
 * socket is the backend's answer at ns_create_native_socket. */
int ns_make_unix_addr(const char *path, struct sockaddr_un *out,
                      socklen_t *len) {
  size_t path_len;
  if (path == NULL || out == NULL || len == NULL) return NS_EINVAL;
  path_len = strlen(path);
  if (path_len >= sizeof(out->sun_path)) return NS_ENAMETOOLONG;
  memset(out, 0, sizeof(*out));
  out->sun_family = AF_UNIX;
  memcpy(out->sun_path, path, path_len + 1);
  *len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + path_len + 1);
  return NS_OK;
}
