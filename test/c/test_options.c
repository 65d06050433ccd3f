/* Integer socket options. */
#include "test.h"

static void reuseaddr_and_type_and_acceptconn(void) {
  ns_socket s, u;
  ns_port port;
  int v = -1;
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
  CHECK_OK(ns_set_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_REUSEADDR, 1));
  CHECK_OK(ns_get_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_REUSEADDR, &v));
  CHECK(v != 0);
  CHECK_OK(ns_set_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_REUSEADDR, 0));
  CHECK_OK(ns_get_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_REUSEADDR, &v));
  CHECK_EQ(v, 0);
  CHECK_OK(ns_get_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_TYPE, &v));
  CHECK_EQ(v, SOCK_STREAM);
  ns_close(s);
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_DGRAM, NS_IPPROTO_UDP, false, &u));
  CHECK_OK(ns_get_sock_opt_int(u, NS_SOL_SOCKET, NS_SO_TYPE, &v));
  CHECK_EQ(v, SOCK_DGRAM);
  CHECK_OK(ns_set_sock_opt_int(u, NS_SOL_SOCKET, NS_SO_BROADCAST, 1));
  CHECK_OK(ns_get_sock_opt_int(u, NS_SOL_SOCKET, NS_SO_BROADCAST, &v));
  CHECK(v != 0);
  ns_close(u);
  if (NS_SO_ACCEPTCONN != NS_OPTION_MISSING) {
    REQUIRE_OK(tcp_listener(NS_AF_INET, &s, &port));
    CHECK_OK(ns_get_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_ACCEPTCONN, &v));
    CHECK(v != 0);
    ns_close(s);
  }
}

static void keepalive_nodelay_and_buffers(void) {
  ns_socket s;
  int v = -1, small = 0, large = 0;
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
  CHECK_OK(ns_get_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_KEEPALIVE, &v));
  CHECK_EQ(v, 0);
  CHECK_OK(ns_set_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_KEEPALIVE, 1));
  CHECK_OK(ns_get_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_KEEPALIVE, &v));
  CHECK(v != 0);
  CHECK_OK(ns_set_sock_opt_int(s, NS_IPPROTO_TCP_LEVEL, NS_TCP_NODELAY, 1));
  CHECK_OK(ns_get_sock_opt_int(s, NS_IPPROTO_TCP_LEVEL, NS_TCP_NODELAY, &v));
  CHECK(v != 0);
  CHECK_OK(ns_set_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_RCVBUF, 8192));
  CHECK_OK(ns_get_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_RCVBUF, &small));
  CHECK_OK(ns_set_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_RCVBUF, 262144));
  CHECK_OK(ns_get_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_RCVBUF, &large));
  CHECK(small > 0 && large > small);
  CHECK_OK(ns_get_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_SNDBUF, &v));
  CHECK(v > 0);
  ns_close(s);
}

static void ipv6_v6only_and_reuseport(void) {
  ns_socket s;
  int v = -1, rc;
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
  rc = ns_set_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_REUSEPORT, 1);
  if (NS_SO_REUSEPORT == NS_OPTION_MISSING) {
    CHECK_EQ(rc, NS_ENOPROTOOPT);
  } else {
    CHECK_OK(rc);
    CHECK_OK(ns_get_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_REUSEPORT, &v));
    CHECK(v != 0);
  }
  ns_close(s);
  if (!ipv6_available()) SKIP("no IPv6 on this machine");
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET6, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
  CHECK_OK(ns_set_sock_opt_int(s, NS_IPPROTO_IPV6_LEVEL, NS_IPV6_V6ONLY, 1));
  CHECK_OK(ns_get_sock_opt_int(s, NS_IPPROTO_IPV6_LEVEL, NS_IPV6_V6ONLY, &v));
  CHECK(v != 0);
  CHECK_OK(ns_set_sock_opt_int(s, NS_IPPROTO_IPV6_LEVEL, NS_IPV6_V6ONLY, 0));
  CHECK_OK(ns_get_sock_opt_int(s, NS_IPPROTO_IPV6_LEVEL, NS_IPV6_V6ONLY, &v));
  CHECK_EQ(v, 0);
  ns_close(s);
}

static void unknown_options_are_enoprotoopt(void) {
  ns_socket s;
  int v = 7;
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
  CHECK_EQ(ns_get_sock_opt_int(s, NS_SOL_SOCKET, 987654, &v), NS_ENOPROTOOPT);
  CHECK_EQ(ns_set_sock_opt_int(s, NS_SOL_SOCKET, 987654, 1), NS_ENOPROTOOPT);
  CHECK_EQ(ns_get_sock_opt_int(s, NS_OPTION_MISSING, NS_SO_TYPE, &v), NS_ENOPROTOOPT);
  CHECK_EQ(ns_set_sock_opt_int(s, NS_SOL_SOCKET, NS_OPTION_MISSING, 1), NS_ENOPROTOOPT);
  CHECK_EQ(v, 7);
  CHECK_EQ(ns_get_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_TYPE, NULL), NS_EINVAL);
  ns_close(s);
  CHECK_EQ(ns_get_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_TYPE, &v), NS_EBADF);
  CHECK_EQ(ns_set_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_REUSEADDR, 1), NS_EBADF);
}

static void so_error_reports_refused_connect(void) {
  ns_socket s, set[1];
  ns_port port;
  struct sockaddr_storage ss;
  socklen_t len;
  size_t n = 1;
  int err = 0, rc;
  REQUIRE_OK(unused_port(NS_AF_INET, &port));
  len = loopback_address(NS_AF_INET, port, &ss);
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
  CHECK_OK(ns_set_blocking(s, false));
  rc = ns_connect(s, (struct sockaddr *)&ss, len);
  if (rc == NS_EINPROGRESS) {
    set[0] = s;
    CHECK_EQ(ns_select_write(set, &n, 5000), 1);
    CHECK_OK(ns_get_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_ERROR, &err));
    CHECK_EQ(ns_error_from_native(err), NS_ECONNREFUSED);
  } else {
    CHECK_EQ(rc, NS_ECONNREFUSED);
  }
  ns_close(s);
}

const test_case option_tests[] = {
    {"reuseaddr_and_type_and_acceptconn", reuseaddr_and_type_and_acceptconn},
    {"keepalive_nodelay_and_buffers", keepalive_nodelay_and_buffers},
    {"ipv6_v6only_and_reuseport", ipv6_v6only_and_reuseport},
    {"unknown_options_are_enoprotoopt", unknown_options_are_enoprotoopt},
    {"so_error_reports_refused_connect", so_error_reports_refused_connect},
    {NULL, NULL}};
