/* Test helpers built only on the public API. */
#include "test.h"

socklen_t loopback_address(ns_domain domain, ns_port port,
                           struct sockaddr_storage *out) {
  memset(out, 0, sizeof(*out));
  if (domain == NS_AF_INET6) {
    struct sockaddr_in6 *sa = (struct sockaddr_in6 *)out;
    sa->sin6_family = AF_INET6;
    sa->sin6_port = ns_htons(port);
    sa->sin6_addr.s6_addr[15] = 1;
    return (socklen_t)sizeof(*sa);
  } else {
    struct sockaddr_in *sa = (struct sockaddr_in *)out;
    sa->sin_family = AF_INET;
    sa->sin_port = ns_htons(port);
    sa->sin_addr.s_addr = ns_htonl(0x7f000001u);
    return (socklen_t)sizeof(*sa);
  }
}

int bound_socket(ns_domain domain, ns_sock_type type, ns_socket *out,
                 ns_port *port) {
  struct sockaddr_storage ss;
  socklen_t len = loopback_address(domain, 0, &ss);
  ns_protocol proto = type == NS_SOCK_DGRAM ? NS_IPPROTO_UDP : NS_IPPROTO_TCP;
  int rc = ns_create_native_socket(domain, type, proto, false, out);
  if (rc != NS_OK) return rc;
  rc = ns_bind_addr(*out, (struct sockaddr *)&ss, len);
  if (rc == NS_OK) rc = ns_get_sock_name(*out, port);
  if (rc != NS_OK) {
    ns_close(*out);
    *out = NS_INVALID_SOCKET;
  }
  return rc;
}

int ipv6_available(void) {
  ns_socket s;
  ns_port port;
  if (bound_socket(NS_AF_INET6, NS_SOCK_STREAM, &s, &port) != NS_OK) return 0;
  ns_close(s);
  return 1;
}

int tcp_listener(ns_domain domain, ns_socket *out, ns_port *port) {
  int rc = bound_socket(domain, NS_SOCK_STREAM, out, port);
  if (rc != NS_OK) return rc;
  rc = ns_listen(*out, NS_SOMAXCONN);
  if (rc != NS_OK) {
    ns_close(*out);
    *out = NS_INVALID_SOCKET;
  }
  return rc;
}

int tcp_connect_to(ns_domain domain, ns_port port, ns_socket *client) {
  struct sockaddr_storage ss;
  socklen_t len = loopback_address(domain, port, &ss);
  int rc = ns_create_native_socket(domain, NS_SOCK_STREAM, NS_IPPROTO_TCP,
                                   false, client);
  if (rc != NS_OK) return rc;
  /* A loopback connect completes from the listen queue, without accept. */
  rc = ns_connect(*client, (struct sockaddr *)&ss, len);
  if (rc != NS_OK) {
    ns_close(*client);
    *client = NS_INVALID_SOCKET;
  }
  return rc;
}

int tcp_pending(ns_domain domain, ns_socket *listener, ns_socket *client) {
  ns_port port;
  int rc = tcp_listener(domain, listener, &port);
  if (rc != NS_OK) return rc;
  rc = tcp_connect_to(domain, port, client);
  if (rc != NS_OK) {
    ns_close(*listener);
    *listener = NS_INVALID_SOCKET;
  }
  return rc;
}

int tcp_pair(ns_domain domain, ns_socket *client, ns_socket *server) {
  ns_socket listener;
  int rc = tcp_pending(domain, &listener, client);
  if (rc != NS_OK) return rc;
  rc = ns_accept(listener, false, server, NULL, 0);
  if (rc != NS_OK) ns_close(*client);
  ns_close(listener);
  return rc;
}

int unused_port(ns_domain domain, ns_port *port) {
  ns_socket s;
  int rc = bound_socket(domain, NS_SOCK_STREAM, &s, port);
  if (rc == NS_OK) ns_close(s);
  return rc;
}

int send_all(ns_socket sock, const void *buf, size_t len) {
  const char *p = (const char *)buf;
  while (len > 0) {
    ptrdiff_t n = ns_send(sock, p, len, 0);
    if (n < 0) return (int)n;
    p += n;
    len -= (size_t)n;
  }
  return NS_OK;
}

int recv_all(ns_socket sock, void *buf, size_t len) {
  char *p = (char *)buf;
  while (len > 0) {
    ptrdiff_t n = ns_recv(sock, p, len, 0);
    if (n < 0) return (int)n;
    if (n == 0) return NS_ECONNRESET;
    p += n;
    len -= (size_t)n;
  }
  return NS_OK;
}

void unix_socket_path(char *buf, size_t len) {
  static int counter;
  snprintf(buf, len, "%s/ns-test-%d-%d.sock", support_temp_dir(),
           support_process_id(), ++counter);
  support_remove_file(buf);
}
