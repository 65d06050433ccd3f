/* TCP over 127.0.0.1 and ::1: connect, accept, data, shutdown, blocking
 * modes, and the addresses each end sees. */
#include "test.h"

static void exchange_and_check(ns_domain domain, const char *peer_text) {
  ns_socket listener, client, server;
  ns_port port, client_port = 0, peer_port = 0, local_port = 0;
  struct sockaddr_storage ss;
  socklen_t len;
  char addr[NS_ADDRSTRLEN], local[NS_ADDRSTRLEN], buf[64];
  REQUIRE_OK(tcp_listener(domain, &listener, &port));
  len = loopback_address(domain, port, &ss);
  REQUIRE_OK(ns_create_native_socket(domain, NS_SOCK_STREAM, NS_IPPROTO_TCP,
                                     false, &client));
  CHECK_OK(ns_connect(client, (struct sockaddr *)&ss, len));
  CHECK_OK(ns_accept(listener, false, &server, addr, sizeof(addr)));
  CHECK_STR(addr, peer_text);
  /* Both ends agree on who is who. */
  CHECK_OK(ns_get_local_addr(client, domain, local, sizeof(local), &client_port));
  CHECK_STR(local, peer_text);
  CHECK_OK(ns_get_peer_addr(server, domain, addr, sizeof(addr), &peer_port));
  CHECK_STR(addr, peer_text);
  CHECK_EQ(peer_port, client_port);
  CHECK_OK(ns_get_peer_addr(client, domain, addr, sizeof(addr), &peer_port));
  CHECK_EQ(peer_port, port);
  CHECK_OK(ns_get_local_addr(server, domain, NULL, 0, &local_port));
  CHECK_EQ(local_port, port);
  /* Data both ways, intact. */
  CHECK_EQ(ns_send(client, "hello, server", 13, 0), 13);
  CHECK_OK(recv_all(server, buf, 13));
  CHECK(memcmp(buf, "hello, server", 13) == 0);
  CHECK_EQ(ns_send(server, "hi", 2, 0), 2);
  CHECK_OK(recv_all(client, buf, 2));
  CHECK(memcmp(buf, "hi", 2) == 0);
  /* Connecting a connected socket again says so. */
  CHECK_EQ(ns_connect(client, (struct sockaddr *)&ss, len), NS_EISCONN);
  /* Shutting down the write side gives the peer end-of-stream. */
  CHECK_OK(ns_shutdown(client, NS_SHUT_WR));
  CHECK_EQ(ns_recv(server, buf, sizeof(buf), 0), 0);
  CHECK_OK(ns_close(client));
  CHECK_OK(ns_close(server));
  CHECK_OK(ns_close(listener));
}

static void tcp_ipv4_round_trip(void) {
  exchange_and_check(NS_AF_INET, "127.0.0.1");
}

static void tcp_ipv6_round_trip(void) {
  if (!ipv6_available()) SKIP("::1 cannot be bound on this machine");
  exchange_and_check(NS_AF_INET6, "::1");
}

static void tcp_large_transfer_is_intact(void) {
  static unsigned char out[1 << 20], in[1 << 20];
  ns_socket client, server;
  size_t i, sent = 0, got = 0;
  for (i = 0; i < sizeof(out); i++) out[i] = (unsigned char)(i * 7 + i / 251);
  REQUIRE_OK(tcp_pair(NS_AF_INET, &client, &server));
  /* Interleave so neither side's buffer fills on one thread. */
  CHECK_OK(ns_set_blocking(client, false));
  while (got < sizeof(in) && !test_failed()) {
    if (sent < sizeof(out)) {
      ptrdiff_t n = ns_send(client, out + sent, sizeof(out) - sent, 0);
      if (n > 0) sent += (size_t)n;
      else CHECK_EQ(n, NS_EAGAIN);
    }
    if (got < sent) {
      ptrdiff_t n = ns_recv(server, in + got, sizeof(in) - got, 0);
      CHECK(n > 0);
      if (n > 0) got += (size_t)n;
    }
  }
  CHECK_EQ(got, sizeof(out));
  CHECK(memcmp(in, out, sizeof(in)) == 0);
  ns_close(client);
  ns_close(server);
}

static void recv_peek_leaves_data(void) {
  ns_socket client, server;
  char buf[8];
  REQUIRE_OK(tcp_pair(NS_AF_INET, &client, &server));
  CHECK_OK(send_all(client, "abc", 3));
  CHECK_EQ(ns_recv(server, buf, 2, NS_MSG_PEEK), 2);
  CHECK(memcmp(buf, "ab", 2) == 0);
  CHECK_OK(recv_all(server, buf, 3));
  CHECK(memcmp(buf, "abc", 3) == 0);
  ns_close(client);
  ns_close(server);
}

static void nonblocking_recv_is_eagain(void) {
  ns_socket client, server;
  char buf[8];
  REQUIRE_OK(tcp_pair(NS_AF_INET, &client, &server));
  CHECK_OK(ns_set_blocking(server, false));
  CHECK_EQ(ns_recv(server, buf, sizeof(buf), 0), NS_EAGAIN);
  CHECK_OK(send_all(client, "x", 1));
  {
    ns_socket one[1];
    size_t n = 1;
    one[0] = server;
    CHECK_EQ(ns_select_read(one, &n, 5000), 1);
  }
  CHECK_EQ(ns_recv(server, buf, sizeof(buf), 0), 1);
  CHECK_EQ(ns_recv(server, buf, sizeof(buf), 0), NS_EAGAIN);
  /* Back to blocking: the next recv waits for data instead. */
  CHECK_OK(ns_set_blocking(server, true));
  CHECK_OK(send_all(client, "yz", 2));
  CHECK_OK(recv_all(server, buf, 2));
  ns_close(client);
  ns_close(server);
}

static void nonblocking_accept_is_eagain(void) {
  ns_socket listener, client;
  ns_port port;
  REQUIRE_OK(tcp_listener(NS_AF_INET, &listener, &port));
  CHECK_OK(ns_set_blocking(listener, false));
  client = 12345;
  CHECK_EQ(ns_accept(listener, false, &client, NULL, 0), NS_EAGAIN);
  CHECK_EQ(client, NS_INVALID_SOCKET);
  ns_close(listener);
}

static void nonblocking_connect_is_einprogress(void) {
  ns_socket listener, client, server, one[1];
  ns_port port;
  struct sockaddr_storage ss;
  socklen_t len;
  size_t n = 1;
  int err = -1;
  REQUIRE_OK(tcp_listener(NS_AF_INET, &listener, &port));
  len = loopback_address(NS_AF_INET, port, &ss);
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP,
                                     false, &client));
  CHECK_OK(ns_set_blocking(client, false));
  CHECK_EQ(ns_connect(client, (struct sockaddr *)&ss, len), NS_EINPROGRESS);
  one[0] = client;
  CHECK_EQ(ns_select_write(one, &n, 5000), 1);
  CHECK_EQ(n, 1);
  CHECK_OK(ns_get_sock_opt_int(client, NS_SOL_SOCKET, NS_SO_ERROR, &err));
  CHECK_EQ(err, 0);
  CHECK_OK(ns_accept(listener, false, &server, NULL, 0));
  ns_close(server);
  ns_close(client);
  ns_close(listener);
}

static void ioctl_fionread_and_fionbio(void) {
  ns_socket client, server, one[1];
  unsigned long arg = 0;
  char buf[16];
  size_t n = 1;
  REQUIRE_OK(tcp_pair(NS_AF_INET, &client, &server));
  CHECK_OK(ns_ioctl(server, NS_FIONREAD, &arg));
  CHECK_EQ(arg, 0);
  CHECK_OK(send_all(client, "0123456789", 10));
  one[0] = server;
  CHECK_EQ(ns_select_read(one, &n, 5000), 1);
  CHECK_OK(ns_ioctl(server, NS_FIONREAD, &arg));
  CHECK_EQ(arg, 10);
  CHECK_OK(recv_all(server, buf, 10));
  arg = 1;
  CHECK_OK(ns_ioctl(server, NS_FIONBIO, &arg));
  CHECK_EQ(ns_recv(server, buf, sizeof(buf), 0), NS_EAGAIN);
  arg = 0;
  CHECK_OK(ns_ioctl(server, NS_FIONBIO, &arg));
  CHECK_EQ(ns_ioctl(server, 0x12345678UL, &arg), NS_EINVAL);
  CHECK_EQ(ns_ioctl(server, NS_FIONREAD, NULL), NS_EINVAL);
  CHECK_EQ(ns_ioctl(NS_INVALID_SOCKET, NS_FIONREAD, &arg), NS_EBADF);
  ns_close(client);
  ns_close(server);
}

static void sockets_are_not_inheritable_by_default(void) {
  ns_socket s, listener, client, server;
  ns_port port;
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
  if (support_is_inheritable(s) < 0) {
    ns_close(s);
    SKIP("inheritance cannot be observed on this target");
  }
  CHECK_EQ(support_is_inheritable(s), 0);
  CHECK_OK(ns_set_inheritable(s, true));
  CHECK_EQ(support_is_inheritable(s), 1);
  CHECK_OK(ns_set_inheritable(s, false));
  CHECK_EQ(support_is_inheritable(s), 0);
  ns_close(s);
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, true, &s));
  CHECK_EQ(support_is_inheritable(s), 1);
  ns_close(s);
  /* Accepted sockets follow the flag too. */
  REQUIRE_OK(tcp_listener(NS_AF_INET, &listener, &port));
  REQUIRE_OK(tcp_connect_to(NS_AF_INET, port, &client));
  CHECK_OK(ns_accept(listener, false, &server, NULL, 0));
  CHECK_EQ(support_is_inheritable(server), 0);
  ns_close(server);
  ns_close(client);
  REQUIRE_OK(tcp_connect_to(NS_AF_INET, port, &client));
  CHECK_OK(ns_accept(listener, true, &server, NULL, 0));
  CHECK_EQ(support_is_inheritable(server), 1);
  ns_close(server);
  ns_close(client);
  ns_close(listener);
}

static void raw_create_with_native_numbers(void) {
  ns_socket s = 77;
  ns_domain d;
  int type = 0;
  REQUIRE_OK(ns_create_native_socket_raw(AF_INET, SOCK_STREAM, 0, false, &s));
  CHECK_OK(ns_get_sock_domain(s, &d));
  CHECK_EQ(d, NS_AF_INET);
  CHECK_OK(ns_get_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_TYPE, &type));
  CHECK_EQ(type, SOCK_STREAM);
  ns_close(s);
  s = 77;
  CHECK_EQ(ns_create_native_socket_raw(12345, SOCK_STREAM, 0, false, &s),
           NS_EAFNOSUPPORT);
  CHECK_EQ(s, NS_INVALID_SOCKET);
  CHECK_EQ(ns_create_native_socket_raw(AF_INET, SOCK_STREAM, IPPROTO_UDP, false, &s),
           NS_EPROTONOSUPPORT);
}

const test_case tcp_tests[] = {
    {"tcp_ipv4_round_trip", tcp_ipv4_round_trip},
    {"tcp_ipv6_round_trip", tcp_ipv6_round_trip},
    {"tcp_large_transfer_is_intact", tcp_large_transfer_is_intact},
    {"recv_peek_leaves_data", recv_peek_leaves_data},
    {"nonblocking_recv_is_eagain", nonblocking_recv_is_eagain},
    {"nonblocking_accept_is_eagain", nonblocking_accept_is_eagain},
    {"nonblocking_connect_is_einprogress", nonblocking_connect_is_einprogress},
    {"ioctl_fionread_and_fionbio", ioctl_fionread_and_fionbio},
    {"sockets_are_not_inheritable_by_default", sockets_are_not_inheritable_by_default},
    {"raw_create_with_native_numbers", raw_create_with_native_numbers},
    {NULL, NULL}};
