/* UDP datagrams over loopback, and unix-domain stream sockets. */
#include "test.h"

static void udp_round_trip(ns_domain domain, const char *peer_text) {
  ns_socket a, b;
  ns_port pa, pb;
  struct sockaddr_storage to, from;
  socklen_t tolen, fromlen = (socklen_t)sizeof(from);
  char buf[64], text[NS_ADDRSTRLEN];
  REQUIRE_OK(bound_socket(domain, NS_SOCK_DGRAM, &a, &pa));
  REQUIRE_OK(bound_socket(domain, NS_SOCK_DGRAM, &b, &pb));
  tolen = loopback_address(domain, pb, &to);
  CHECK_EQ(ns_sendto(a, "datagram one", 12, 0, (struct sockaddr *)&to, tolen), 12);
  CHECK_EQ(ns_recvfrom(b, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fromlen), 12);
  CHECK(memcmp(buf, "datagram one", 12) == 0);
  CHECK_OK(ns_get_addr_string((struct sockaddr *)&from, text, sizeof(text)));
  CHECK_STR(text, peer_text);
  CHECK_EQ(from.ss_family == AF_INET
               ? ns_ntohs(((struct sockaddr_in *)&from)->sin_port)
               : ns_ntohs(((struct sockaddr_in6 *)&from)->sin6_port),
           pa);
  /* Datagram boundaries hold: a short buffer truncates one datagram only. */
  CHECK_EQ(ns_sendto(a, "12345", 5, 0, (struct sockaddr *)&to, tolen), 5);
  CHECK_EQ(ns_sendto(a, "678", 3, 0, (struct sockaddr *)&to, tolen), 3);
  CHECK_EQ(ns_recvfrom(b, buf, 2, 0, NULL, NULL), 2);
  CHECK(memcmp(buf, "12", 2) == 0);
  CHECK_EQ(ns_recv(b, buf, sizeof(buf), 0), 3);
  CHECK(memcmp(buf, "678", 3) == 0);
  /* An empty datagram is a datagram. */
  CHECK_EQ(ns_sendto(a, NULL, 0, 0, (struct sockaddr *)&to, tolen), 0);
  CHECK_EQ(ns_recv(b, buf, sizeof(buf), 0), 0);
  ns_close(a);
  ns_close(b);
}

static void udp_ipv4_sendto_recvfrom(void) {
  udp_round_trip(NS_AF_INET, "127.0.0.1");
}

static void udp_ipv6_sendto_recvfrom(void) {
  if (!ipv6_available()) SKIP("::1 cannot be bound on this machine");
  udp_round_trip(NS_AF_INET6, "::1");
}

static void udp_connected_send_recv(void) {
  ns_socket a, b;
  ns_port pa, pb;
  struct sockaddr_storage ss;
  socklen_t len;
  char buf[16];
  REQUIRE_OK(bound_socket(NS_AF_INET, NS_SOCK_DGRAM, &a, &pa));
  REQUIRE_OK(bound_socket(NS_AF_INET, NS_SOCK_DGRAM, &b, &pb));
  len = loopback_address(NS_AF_INET, pb, &ss);
  CHECK_OK(ns_connect(a, (struct sockaddr *)&ss, len));
  CHECK_EQ(ns_send(a, "ping", 4, 0), 4);
  CHECK_EQ(ns_recv(b, buf, sizeof(buf), 0), 4);
  CHECK(memcmp(buf, "ping", 4) == 0);
  ns_close(a);
  ns_close(b);
}

static void udp_oversized_datagram_is_emsgsize(void) {
  static char big[70000];
  ns_socket a, b;
  ns_port pa, pb;
  struct sockaddr_storage ss;
  socklen_t len;
  REQUIRE_OK(bound_socket(NS_AF_INET, NS_SOCK_DGRAM, &a, &pa));
  REQUIRE_OK(bound_socket(NS_AF_INET, NS_SOCK_DGRAM, &b, &pb));
  len = loopback_address(NS_AF_INET, pb, &ss);
  CHECK_EQ(ns_sendto(a, big, sizeof(big), 0, (struct sockaddr *)&ss, len),
           NS_EMSGSIZE);
  ns_close(a);
  ns_close(b);
}

static void udp_send_without_destination(void) {
  ns_socket a;
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_DGRAM, NS_IPPROTO_UDP, false, &a));
  CHECK_EQ(ns_send(a, "x", 1, 0), NS_EDESTADDRREQ);
  ns_close(a);
}

/* ---- unix-domain sockets ------------------------------------------------ */

static void unix_stream_round_trip(void) {
  ns_socket listener, client, server;
  struct sockaddr_un sa;
  socklen_t len;
  char path[200], addr[NS_ADDRSTRLEN], buf[16];
  ns_domain d;
  ns_port port;
  int rc;
  unix_socket_path(path, sizeof(path));
  rc = ns_make_unix_addr(path, &sa, &len);
  if (rc == NS_EAFNOSUPPORT) SKIP("no unix-domain sockets on this target");
  REQUIRE_OK(rc);
  rc = ns_create_native_socket(NS_AF_UNIX, NS_SOCK_STREAM, NS_IPPROTO_IP, false, &listener);
  if (!support_unix_sockets()) {
    /* A target without them gives the documented code, and no socket. */
    CHECK_EQ(rc, NS_EAFNOSUPPORT);
    CHECK_EQ(listener, NS_INVALID_SOCKET);
    return;
  }
  REQUIRE_OK(rc);
  CHECK_OK(ns_bind_addr(listener, (struct sockaddr *)&sa, len));
  CHECK_OK(ns_listen(listener, 4));
  CHECK_OK(ns_get_sock_domain(listener, &d));
  CHECK_EQ(d, NS_AF_UNIX);
  CHECK_EQ(ns_get_sock_name(listener, &port), NS_EAFNOSUPPORT);
  CHECK_EQ(ns_get_local_addr(listener, NS_AF_UNIX, addr, sizeof(addr), &port),
           NS_EAFNOSUPPORT);
  REQUIRE_OK(ns_create_native_socket(NS_AF_UNIX, NS_SOCK_STREAM, NS_IPPROTO_IP, false, &client));
  CHECK_OK(ns_connect(client, (struct sockaddr *)&sa, len));
  CHECK_OK(ns_accept(listener, false, &server, addr, sizeof(addr)));
  CHECK_STR(addr, "unix");
  CHECK_OK(send_all(client, "over unix", 9));
  CHECK_OK(recv_all(server, buf, 9));
  CHECK(memcmp(buf, "over unix", 9) == 0);
  ns_close(client);
  CHECK_EQ(ns_recv(server, buf, sizeof(buf), 0), 0);
  ns_close(server);
  ns_close(listener);
  support_remove_file(path);
}

/* How the unix-domain tests below begin: a fresh path and its address.
 * Returns 0 when the test is over already: skipped, as the target has no
 * unix-domain addresses, or checked that a target without unix sockets
 * refuses one of `type` with the documented code. */
static int unix_test_address(ns_sock_type type, char *path, size_t size,
                             struct sockaddr_un *sa, socklen_t *len) {
  ns_socket s;
  unix_socket_path(path, size);
  if (ns_make_unix_addr(path, sa, len) == NS_EAFNOSUPPORT) {
    test_skip("no unix-domain sockets on this target");
    return 0;
  }
  if (!support_unix_sockets()) {
    CHECK_EQ(ns_create_native_socket(NS_AF_UNIX, type, NS_IPPROTO_IP, false, &s),
             NS_EAFNOSUPPORT);
    return 0;
  }
  return 1;
}

static void unix_bind_to_used_path_is_eaddrinuse(void) {
  ns_socket a, b;
  struct sockaddr_un sa;
  socklen_t len;
  char path[200];
  if (!unix_test_address(NS_SOCK_STREAM, path, sizeof(path), &sa, &len)) return;
  REQUIRE_OK(ns_create_native_socket(NS_AF_UNIX, NS_SOCK_STREAM, NS_IPPROTO_IP, false, &a));
  CHECK_OK(ns_bind_addr(a, (struct sockaddr *)&sa, len));
  REQUIRE_OK(ns_create_native_socket(NS_AF_UNIX, NS_SOCK_STREAM, NS_IPPROTO_IP, false, &b));
  CHECK_EQ(ns_bind_addr(b, (struct sockaddr *)&sa, len), NS_EADDRINUSE);
  ns_close(a);
  ns_close(b);
  support_remove_file(path);
}

static void unix_connect_to_missing_path_is_enoent(void) {
  ns_socket s;
  struct sockaddr_un sa;
  socklen_t len;
  char path[200];
  if (!unix_test_address(NS_SOCK_STREAM, path, sizeof(path), &sa, &len)) return;
  REQUIRE_OK(ns_create_native_socket(NS_AF_UNIX, NS_SOCK_STREAM, NS_IPPROTO_IP, false, &s));
  CHECK_EQ(ns_connect(s, (struct sockaddr *)&sa, len), NS_ENOENT);
  ns_close(s);
}

static void unix_datagram_round_trip(void) {
  ns_socket a, b;
  struct sockaddr_un sa;
  socklen_t len;
  char path[200], buf[16];
  if (!unix_test_address(NS_SOCK_DGRAM, path, sizeof(path), &sa, &len)) return;
  if (ns_create_native_socket(NS_AF_UNIX, NS_SOCK_DGRAM, NS_IPPROTO_IP, false, &a) != NS_OK)
    SKIP("no unix-domain datagram sockets on this target");
  CHECK_OK(ns_bind_addr(a, (struct sockaddr *)&sa, len));
  REQUIRE_OK(ns_create_native_socket(NS_AF_UNIX, NS_SOCK_DGRAM, NS_IPPROTO_IP, false, &b));
  CHECK_EQ(ns_sendto(b, "dgram", 5, 0, (struct sockaddr *)&sa, len), 5);
  CHECK_EQ(ns_recv(a, buf, sizeof(buf), 0), 5);
  CHECK(memcmp(buf, "dgram", 5) == 0);
  ns_close(a);
  ns_close(b);
  support_remove_file(path);
}

const test_case udp_tests[] = {
    {"udp_ipv4_sendto_recvfrom", udp_ipv4_sendto_recvfrom},
    {"udp_ipv6_sendto_recvfrom", udp_ipv6_sendto_recvfrom},
    {"udp_connected_send_recv", udp_connected_send_recv},
    {"udp_oversized_datagram_is_emsgsize", udp_oversized_datagram_is_emsgsize},
    {"udp_send_without_destination", udp_send_without_destination},
    {NULL, NULL}};

const test_case unix_tests[] = {
    {"unix_stream_round_trip", unix_stream_round_trip},
    {"unix_bind_to_used_path_is_eaddrinuse", unix_bind_to_used_path_is_eaddrinuse},
    {"unix_connect_to_missing_path_is_enoent", unix_connect_to_missing_path_is_enoent},
    {"unix_datagram_round_trip", unix_datagram_round_trip},
    {NULL, NULL}};
