/* The failures the best socket libraries test: ports in use, foreign
 * addresses, refused and reset connections, EPIPE without a signal,
 * running out of descriptors, a listener closed with connections queued. */
#include "test.h"

static void bind_to_used_port_is_eaddrinuse(void) {
  ns_socket a, b;
  ns_port port;
  struct sockaddr_storage ss;
  socklen_t len;
  REQUIRE_OK(tcp_listener(NS_AF_INET, &a, &port));
  len = loopback_address(NS_AF_INET, port, &ss);
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &b));
  CHECK_EQ(ns_bind_addr(b, (struct sockaddr *)&ss, len), NS_EADDRINUSE);
  ns_close(b);
  ns_close(a);
}

static void bind_to_foreign_address_is_eaddrnotavail(void) {
  ns_socket s;
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  inet_pton(AF_INET, "192.0.2.1", &sa.sin_addr); /* TEST-NET-1, never local */
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
  CHECK_EQ(ns_bind_addr(s, (struct sockaddr *)&sa, sizeof(sa)), NS_EADDRNOTAVAIL);
  ns_close(s);
}

static void bind_twice_is_einval(void) {
  ns_socket s;
  ns_port port;
  struct sockaddr_storage ss;
  socklen_t len = loopback_address(NS_AF_INET, 0, &ss);
  REQUIRE_OK(bound_socket(NS_AF_INET, NS_SOCK_STREAM, &s, &port));
  CHECK_EQ(ns_bind_addr(s, (struct sockaddr *)&ss, len), NS_EINVAL);
  ns_close(s);
}

static void connect_to_closed_port_is_refused(void) {
  ns_socket s;
  ns_port port;
  struct sockaddr_storage ss;
  socklen_t len;
  REQUIRE_OK(unused_port(NS_AF_INET, &port));
  len = loopback_address(NS_AF_INET, port, &ss);
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
  CHECK_EQ(ns_connect(s, (struct sockaddr *)&ss, len), NS_ECONNREFUSED);
  ns_close(s);
  if (!ipv6_available()) return;
  REQUIRE_OK(unused_port(NS_AF_INET6, &port));
  len = loopback_address(NS_AF_INET6, port, &ss);
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET6, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
  CHECK_EQ(ns_connect(s, (struct sockaddr *)&ss, len), NS_ECONNREFUSED);
  ns_close(s);
}

/* What the client reads once its peer is gone and it is readable. A peer
 * closed with unread data, or a listener closed with the connection still
 * queued, resets the connection. */
static ptrdiff_t recv_from_closed_peer(ns_socket client) {
  ns_socket set[1];
  size_t n = 1;
  char buf[16];
  set[0] = client;
  CHECK_EQ(ns_select_read(set, &n, 5000), 1);
  return ns_recv(client, buf, sizeof(buf), 0);
}

/* Closing a socket with unread data makes TCP send a reset. */
static void peer_reset_is_econnreset(void) {
  ns_socket client, server, set[1];
  size_t n = 1;
  ptrdiff_t rc;
  REQUIRE_OK(tcp_pair(NS_AF_INET, &client, &server));
  CHECK_OK(send_all(client, "unread", 6));
  set[0] = server;
  CHECK_EQ(ns_select_read(set, &n, 5000), 1);
  CHECK_OK(ns_close(server));
  rc = recv_from_closed_peer(client);
  ns_close(client);
  if (rc == 0 && !support_reports_resets())
    SKIP("this target reports a reset as an end of stream (Wine)");
  CHECK_EQ(rc, NS_ECONNRESET);
}

/* Writing to a peer that has gone: EPIPE, and the process is still here
 * (SIGPIPE keeps its default action, which would end the suite). */
static void write_to_closed_peer_is_epipe(void) {
  ns_socket client, server, set[1];
  size_t n = 1;
  ptrdiff_t rc = 0;
  int i;
  char buf[4];
  REQUIRE_OK(tcp_pair(NS_AF_INET, &client, &server));
  CHECK_OK(ns_close(server));
  set[0] = client;
  CHECK_EQ(ns_select_read(set, &n, 5000), 1); /* the FIN arrived */
  CHECK_EQ(ns_recv(client, buf, sizeof(buf), 0), 0);
  /* The first write draws a reset; the writes after it fail. */
  for (i = 0; i < 100; i++) {
    rc = ns_send(client, "data", 4, 0);
    if (rc < 0) break;
    n = 1;
    set[0] = client;
    ns_select_read(set, &n, 50);
  }
  if (rc == NS_ECONNRESET) rc = ns_send(client, "data", 4, 0);
  CHECK_EQ(rc, NS_EPIPE);
  CHECK_EQ(ns_send(client, "data", 4, 0), NS_EPIPE);
  ns_close(client);
}

static void unconnected_socket_is_enotconn(void) {
  ns_socket s;
  char addr[NS_ADDRSTRLEN];
  ns_port port;
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
  CHECK_EQ(ns_get_peer_addr(s, NS_AF_INET, addr, sizeof(addr), &port), NS_ENOTCONN);
  CHECK_EQ(ns_shutdown(s, NS_SHUT_RDWR), NS_ENOTCONN);
  ns_close(s);
}

static void listen_on_udp_is_enotsup(void) {
  ns_socket s;
  ns_port port;
  REQUIRE_OK(bound_socket(NS_AF_INET, NS_SOCK_DGRAM, &s, &port));
  CHECK_EQ(ns_listen(s, 5), NS_ENOTSUP);
  ns_close(s);
}

static void running_out_of_descriptors_is_emfile(void) {
  ns_socket socks[200];
  int count = 0, rc = NS_OK, i, before = support_descriptor_count();
  if (before < 0 || support_lower_descriptor_limit(before + 20) != NS_OK)
    SKIP("the descriptor limit cannot be lowered on this target");
  while (count < 200) {
    rc = ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &socks[count]);
    if (rc != NS_OK) break;
    count++;
  }
  support_restore_descriptor_limit();
  CHECK_EQ(rc, NS_EMFILE);
  CHECK(count > 0 && count < 200);
  for (i = 0; i < count; i++) ns_close(socks[i]);
  /* And it all works again. */
  CHECK_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &socks[0]));
  ns_close(socks[0]);
}

static void accept_under_emfile_keeps_the_connection(void) {
  ns_socket listener, client, server, spares[64];
  int before, spare_count = 0, i, rc;
  REQUIRE_OK(tcp_pending(NS_AF_INET, &listener, &client));
  before = support_descriptor_count();
  if (before < 0 || support_lower_descriptor_limit(before) != NS_OK) {
    ns_close(client);
    ns_close(listener);
    SKIP("the descriptor limit cannot be lowered on this target");
  }
  /* Free numbers below the limit would let accept succeed; use them up. */
  while (spare_count < 64 &&
         ns_create_native_socket(NS_AF_INET, NS_SOCK_DGRAM, NS_IPPROTO_UDP,
                                 false, &spares[spare_count]) == NS_OK)
    spare_count++;
  /* Non-blocking, so that a wrong result cannot turn into a hang. */
  CHECK_OK(ns_set_blocking(listener, false));
  rc = ns_accept(listener, false, &server, NULL, 0);
  CHECK_EQ(rc, NS_EMFILE);
  support_restore_descriptor_limit();
  for (i = 0; i < spare_count; i++) ns_close(spares[i]);
  if (rc == NS_OK) ns_close(server);
  else CHECK_EQ(server, NS_INVALID_SOCKET);
  /* The connection was not lost: it is still there to accept. */
  CHECK_OK(ns_accept(listener, false, &server, NULL, 0));
  if (server != NS_INVALID_SOCKET) ns_close(server);
  ns_close(client);
  ns_close(listener);
}

/* Connections waiting in the queue of a listener that closes are reset. */
static void closing_listener_resets_queued_connections(void) {
  ns_socket listener, client;
  ptrdiff_t rc;
  REQUIRE_OK(tcp_pending(NS_AF_INET, &listener, &client));
  CHECK_OK(ns_close(listener));
  rc = recv_from_closed_peer(client);
  ns_close(client);
  if (rc == 0 && !support_reports_resets())
    SKIP("this target reports a reset as an end of stream (Wine)");
  CHECK_EQ(rc, NS_ECONNRESET);
}

const test_case fault_tests[] = {
    {"bind_to_used_port_is_eaddrinuse", bind_to_used_port_is_eaddrinuse},
    {"bind_to_foreign_address_is_eaddrnotavail", bind_to_foreign_address_is_eaddrnotavail},
    {"bind_twice_is_einval", bind_twice_is_einval},
    {"connect_to_closed_port_is_refused", connect_to_closed_port_is_refused},
    {"peer_reset_is_econnreset", peer_reset_is_econnreset},
    {"write_to_closed_peer_is_epipe", write_to_closed_peer_is_epipe},
    {"unconnected_socket_is_enotconn", unconnected_socket_is_enotconn},
    {"listen_on_udp_is_enotsup", listen_on_udp_is_enotsup},
    {"running_out_of_descriptors_is_emfile", running_out_of_descriptors_is_emfile},
    {"accept_under_emfile_keeps_the_connection", accept_under_emfile_keeps_the_connection},
    {"closing_listener_resets_queued_connections", closing_listener_resets_queued_connections},
    {NULL, NULL}};
