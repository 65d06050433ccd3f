/* select_read / select_write: timeouts, compaction, high socket numbers. */
#include "test.h"

static void select_read_timeout_zero_and_positive(void) {
  ns_socket client, server, set[2];
  size_t n;
  REQUIRE_OK(tcp_pair(NS_AF_INET, &client, &server));
  set[0] = server;
  n = 1;
  CHECK_EQ(ns_select_read(set, &n, 0), 0);
  CHECK_EQ(n, 0);
  set[0] = server;
  n = 1;
  CHECK_EQ(ns_select_read(set, &n, 30), 0);
  CHECK_EQ(n, 0);
  /* Nothing at all to wait for, with a timeout, just waits. */
  n = 0;
  CHECK_EQ(ns_select_read(NULL, &n, 10), 0);
  ns_close(client);
  ns_close(server);
}

static void select_read_infinite_returns_when_ready(void) {
  ns_socket client, server, set[1];
  size_t n = 1;
  REQUIRE_OK(tcp_pair(NS_AF_INET, &client, &server));
  CHECK_OK(send_all(client, "x", 1));
  set[0] = server;
  CHECK_EQ(ns_select_read(set, &n, -1), 1);
  CHECK_EQ(n, 1);
  CHECK_EQ(set[0], server);
  ns_close(client);
  ns_close(server);
}

static void select_read_keeps_only_ready_sockets(void) {
  ns_socket c1, s1, c2, s2, c3, s3, set[3];
  size_t n = 3;
  int seen1 = 0, seen3 = 0, i;
  REQUIRE_OK(tcp_pair(NS_AF_INET, &c1, &s1));
  REQUIRE_OK(tcp_pair(NS_AF_INET, &c2, &s2));
  REQUIRE_OK(tcp_pair(NS_AF_INET, &c3, &s3));
  CHECK_OK(send_all(c1, "a", 1));
  CHECK_OK(send_all(c3, "c", 1));
  /* Both writes are on loopback, but need not have landed yet (under the
   * wasm host they pass through a worker thread): wait for each alone. */
  set[0] = s1;
  n = 1;
  CHECK_EQ(ns_select_read(set, &n, 5000), 1);
  set[0] = s3;
  n = 1;
  CHECK_EQ(ns_select_read(set, &n, 5000), 1);
  n = 3;
  set[0] = s1;
  set[1] = s2;
  set[2] = s3;
  CHECK_EQ(ns_select_read(set, &n, 1000), 2);
  CHECK_EQ(n, 2);
  for (i = 0; i < (int)n; i++) {
    if (set[i] == s1) seen1 = 1;
    if (set[i] == s3) seen3 = 1;
    CHECK(set[i] != s2);
  }
  CHECK(seen1 && seen3);
  ns_close(c1); ns_close(s1);
  ns_close(c2); ns_close(s2);
  ns_close(c3); ns_close(s3);
}

static void select_read_sees_pending_connection_and_eof(void) {
  ns_socket listener, client, server, set[1];
  ns_port port;
  struct sockaddr_storage ss;
  socklen_t len;
  size_t n = 1;
  char buf[4];
  REQUIRE_OK(tcp_listener(NS_AF_INET, &listener, &port));
  len = loopback_address(NS_AF_INET, port, &ss);
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &client));
  set[0] = listener;
  CHECK_EQ(ns_select_read(set, &n, 0), 0);
  CHECK_OK(ns_connect(client, (struct sockaddr *)&ss, len));
  n = 1;
  set[0] = listener;
  CHECK_EQ(ns_select_read(set, &n, -1), 1);
  CHECK_OK(ns_accept(listener, false, &server, NULL, 0));
  /* A closed peer makes the socket readable: recv returns 0. */
  ns_close(client);
  n = 1;
  set[0] = server;
  CHECK_EQ(ns_select_read(set, &n, -1), 1);
  CHECK_EQ(ns_recv(server, buf, sizeof(buf), 0), 0);
  ns_close(server);
  ns_close(listener);
}

static void select_write_on_connected_and_connecting(void) {
  ns_socket listener, client, server, set[2];
  ns_port port;
  struct sockaddr_storage ss;
  socklen_t len;
  size_t n;
  int rc;
  REQUIRE_OK(tcp_listener(NS_AF_INET, &listener, &port));
  len = loopback_address(NS_AF_INET, port, &ss);
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &client));
  CHECK_OK(ns_set_blocking(client, false));
  rc = ns_connect(client, (struct sockaddr *)&ss, len);
  CHECK(rc == NS_EINPROGRESS || rc == NS_OK);
  set[0] = client;
  n = 1;
  CHECK_EQ(ns_select_write(set, &n, -1), 1);
  CHECK_EQ(set[0], client);
  CHECK_OK(ns_accept(listener, false, &server, NULL, 0));
  set[0] = client;
  set[1] = server;
  n = 2;
  CHECK_EQ(ns_select_write(set, &n, 0), 2);
  CHECK_EQ(n, 2);
  /* A listener is never writable. */
  set[0] = listener;
  n = 1;
  CHECK_EQ(ns_select_write(set, &n, 0), 0);
  ns_close(server);
  ns_close(client);
  ns_close(listener);
}

static void select_works_above_fd_setsize(void) {
  ns_socket client, server, high = NS_INVALID_SOCKET, higher = NS_INVALID_SOCKET;
  ns_socket set[2];
  size_t n;
  int rc;
  REQUIRE_OK(tcp_pair(NS_AF_INET, &client, &server));
  rc = support_dup_at_least(server, 1500, &high);
  if (rc == NS_ENOTSUP) {
    ns_close(client);
    ns_close(server);
    SKIP("socket numbers cannot be chosen on this target");
  }
  CHECK_OK(rc);
  CHECK((long long)high >= 1500);
  CHECK_OK(support_dup_at_least(client, 4000, &higher));
  set[0] = high;
  n = 1;
  CHECK_EQ(ns_select_read(set, &n, 0), 0);
  CHECK_OK(send_all(higher, "z", 1));
  set[0] = high;
  set[1] = higher;
  n = 2;
  CHECK_EQ(ns_select_read(set, &n, 5000), 1);
  CHECK_EQ(set[0], high);
  set[0] = higher;
  n = 1;
  CHECK_EQ(ns_select_write(set, &n, 0), 1);
  ns_close(high);
  ns_close(higher);
  ns_close(client);
  ns_close(server);
}

/* More sockets than a default fd_set holds (64 on Windows, where FD_SETSIZE
 * counts sockets rather than bounding their numbers). */
static void select_takes_more_sockets_than_fd_setsize(void) {
  enum { PAIRS = 80 };
  ns_socket clients[PAIRS], servers[PAIRS], set[PAIRS];
  size_t n;
  int made = 0, i;
  for (i = 0; i < PAIRS; i++) {
    if (tcp_pair(NS_AF_INET, &clients[i], &servers[i]) != NS_OK) break;
    made++;
  }
  CHECK_EQ(made, PAIRS);
  if (made == PAIRS) {
    CHECK_OK(send_all(clients[PAIRS - 1], "!", 1));
    CHECK_OK(send_all(clients[70], "!", 1));
    /* The bytes may still be on their way: wait until both have landed. */
    set[0] = servers[70];
    n = 1;
    CHECK_EQ(ns_select_read(set, &n, 5000), 1);
    set[0] = servers[PAIRS - 1];
    n = 1;
    CHECK_EQ(ns_select_read(set, &n, 5000), 1);
    for (i = 0; i < PAIRS; i++) set[i] = servers[i];
    n = PAIRS;
    CHECK_EQ(ns_select_read(set, &n, 1000), 2);
    CHECK_EQ(n, 2);
    CHECK((set[0] == servers[70] && set[1] == servers[PAIRS - 1]) ||
          (set[1] == servers[70] && set[0] == servers[PAIRS - 1]));
    for (i = 0; i < PAIRS; i++) set[i] = clients[i];
    n = PAIRS;
    CHECK_EQ(ns_select_write(set, &n, 0), PAIRS);
  }
  for (i = 0; i < made; i++) {
    ns_close(clients[i]);
    ns_close(servers[i]);
  }
}

static void select_bad_input(void) {
  ns_socket s, set[2];
  size_t n = 1;
  CHECK_EQ(ns_select_read(set, NULL, 0), NS_EINVAL);
  CHECK_EQ(ns_select_read(NULL, &n, 0), NS_EINVAL);
  n = 0;
  CHECK_EQ(ns_select_read(set, &n, -1), NS_EINVAL);
  n = 1;
  set[0] = NS_INVALID_SOCKET;
  CHECK_EQ(ns_select_read(set, &n, 0), NS_EBADF);
  CHECK_EQ(n, 1);
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
  set[0] = s;
  n = 1;
  CHECK_EQ(ns_select_read(set, &n, -2), NS_EINVAL);
  ns_close(s);
  set[0] = s; /* closed now */
  n = 1;
  CHECK_EQ(ns_select_write(set, &n, 0), NS_EBADF);
}

const test_case select_tests[] = {
    {"select_read_timeout_zero_and_positive", select_read_timeout_zero_and_positive},
    {"select_read_infinite_returns_when_ready", select_read_infinite_returns_when_ready},
    {"select_read_keeps_only_ready_sockets", select_read_keeps_only_ready_sockets},
    {"select_read_sees_pending_connection_and_eof", select_read_sees_pending_connection_and_eof},
    {"select_write_on_connected_and_connecting", select_write_on_connected_and_connecting},
    {"select_works_above_fd_setsize", select_works_above_fd_setsize},
    {"select_takes_more_sockets_than_fd_setsize", select_takes_more_sockets_than_fd_setsize},
    {"select_bad_input", select_bad_input},
    {NULL, NULL}};
