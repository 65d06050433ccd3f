/* One test for each known defect of Nim 1.6's nativesockets that this
 * library fixes (api.md, "Where this deliberately differs from Nim"). */
#include "test.h"

/* 1. Ports in host order, and the full range, in the services database. */
static void nim_defect_1_service_ports_are_host_order_full_range(void) {
  ns_servent s;
  FILE *f;
  char line[256];
  int high_port = 0;
  char high_name[64] = "", high_proto[16] = "";
  REQUIRE_OK(ns_get_serv_by_name("http", "tcp", &s));
  CHECK_EQ(s.port, 80); /* Nim 1.6 says 20480 */
  ns_servent_free(&s);
  REQUIRE_OK(ns_get_serv_by_port(80, "tcp", &s)); /* Nim: "Service not found" */
  CHECK_STR(s.name, "http");
  ns_servent_free(&s);
  /* A port above 32767 (Nim: RangeDefect), taken from the services file. */
  f = support_open_system_file("services");
  if (f == NULL) SKIP("no services file readable to find a port above 32767");
  while (high_port == 0 && fgets(line, sizeof(line), f) != NULL) {
    int port;
    if (line[0] != '#' &&
        sscanf(line, "%63s %d/%15s", high_name, &port, high_proto) == 3 &&
        port > 32767)
      high_port = port;
  }
  fclose(f);
  if (high_port == 0) SKIP("the services file has no port above 32767");
  REQUIRE_OK(ns_get_serv_by_port((ns_port)high_port, high_proto, &s));
  CHECK_STR(s.name, high_name);
  CHECK_EQ(s.port, high_port);
  ns_servent_free(&s);
  REQUIRE_OK(ns_get_serv_by_name(high_name, high_proto, &s));
  CHECK_EQ(s.port, high_port);
  ns_servent_free(&s);
  /* Every other port is a clean miss or a hit, never a crash. */
  CHECK(ns_get_serv_by_port(65535, "tcp", &s) == NS_ENOENT || s.port == 65535);
  ns_servent_free(&s);
  CHECK(ns_get_serv_by_port(0, "udp", &s) == NS_ENOENT || s.port == 0);
  ns_servent_free(&s);
}

/* 2. getHostByAddr parses IPv6 literals. */
static void nim_defect_2_host_by_addr_takes_ipv6(void) {
  ns_hostent h;
  int rc = ns_get_host_by_addr("::1", &h);
  /* No name for ::1 is a valid answer on hosts without one; EINVAL is not. */
  CHECK(rc == NS_OK || rc == NS_EAI_NONAME);
  if (rc == NS_OK) {
    CHECK(h.name != NULL && h.name[0] != '\0');
    CHECK_EQ(h.addrtype, NS_AF_INET6);
    CHECK_EQ(h.length, 16);
    CHECK_STR(h.addr_list[0], "::1");
    ns_hostent_free(&h);
  }
  CHECK_EQ(ns_get_host_by_addr("2001:db8::dead:beef", &h), NS_EAI_NONAME);
}

/* 3. getHostByName returns IPv6 addresses as text. */
static void nim_defect_3_host_by_name_gives_ipv6_text(void) {
  ns_hostent h;
  REQUIRE_OK(ns_get_host_by_name("::1", &h));
  CHECK_EQ(h.addrtype, NS_AF_INET6);
  CHECK_STR(h.addr_list[0], "::1");
  ns_hostent_free(&h);
  REQUIRE_OK(ns_get_host_by_name("2001:db8::1", &h));
  CHECK_STR(h.addr_list[0], "2001:db8::1");
  ns_hostent_free(&h);
}

/* 4. accept gives the right text for IPv6 and v4-mapped peers. */
static void nim_defect_4_accept_formats_ipv6_peers(void) {
  ns_socket listener, client, server;
  struct sockaddr_in6 any;
  struct sockaddr_storage ss;
  socklen_t len;
  ns_port port;
  char addr[NS_ADDRSTRLEN];
  if (!ipv6_available()) SKIP("no IPv6 on this machine");
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET6, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &listener));
  /* Dual-stack listener on [::]: one IPv6 peer and one IPv4 (mapped) peer. */
  CHECK_OK(ns_set_sock_opt_int(listener, NS_IPPROTO_IPV6_LEVEL, NS_IPV6_V6ONLY, 0));
  memset(&any, 0, sizeof(any));
  any.sin6_family = AF_INET6;
  CHECK_OK(ns_bind_addr(listener, (struct sockaddr *)&any, sizeof(any)));
  CHECK_OK(ns_listen(listener, 4));
  CHECK_OK(ns_get_sock_name(listener, &port));
  len = loopback_address(NS_AF_INET6, port, &ss);
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET6, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &client));
  CHECK_OK(ns_connect(client, (struct sockaddr *)&ss, len));
  CHECK_OK(ns_accept(listener, false, &server, addr, sizeof(addr)));
  CHECK_STR(addr, "::1");
  ns_close(server);
  ns_close(client);
  len = loopback_address(NS_AF_INET, port, &ss);
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &client));
  CHECK_OK(ns_connect(client, (struct sockaddr *)&ss, len));
  CHECK_OK(ns_accept(listener, false, &server, addr, sizeof(addr)));
  CHECK_STR(addr, "127.0.0.1");
  /* The peer address of that socket, asked as IPv6, is the mapped form. */
  CHECK_OK(ns_get_peer_addr(server, NS_AF_INET6, addr, sizeof(addr), NULL));
  CHECK_STR(addr, "::ffff:127.0.0.1");
  ns_close(server);
  ns_close(client);
  ns_close(listener);
}

/* 5. select has no FD_SETSIZE limit (see also select_works_above_fd_setsize):
 * many sockets at once, some of them numbered above 1024. */
static void nim_defect_5_select_takes_many_high_sockets(void) {
  ns_socket clients[8], servers[8], high[8], set[8];
  size_t n = 8;
  int i, made = 0, rc = NS_OK;
  for (i = 0; i < 8; i++) {
    REQUIRE_OK(tcp_pair(NS_AF_INET, &clients[i], &servers[i]));
  }
  for (i = 0; i < 8 && rc == NS_OK; i++) {
    rc = support_dup_at_least(servers[i], 1100 + i * 300, &high[i]);
    if (rc == NS_OK) made++;
  }
  if (rc == NS_ENOTSUP) {
    for (i = 0; i < made; i++) ns_close(high[i]);
    for (i = 0; i < 8; i++) {
      ns_close(clients[i]);
      ns_close(servers[i]);
    }
    SKIP("socket numbers cannot be chosen on this target");
  }
  CHECK_EQ(made, 8);
  for (i = 0; i < 8; i += 2) CHECK_OK(send_all(clients[i], "!", 1));
  /* The bytes need not have landed yet (under the wasm host they pass
   * through a worker thread): wait for each alone, then ask for all. */
  for (i = 0; i < 8; i += 2) {
    set[0] = high[i];
    n = 1;
    CHECK_EQ(ns_select_read(set, &n, 5000), 1);
  }
  n = 8;
  for (i = 0; i < 8; i++) set[i] = high[i];
  CHECK_EQ(ns_select_read(set, &n, 1000), 4);
  CHECK_EQ(n, 4);
  for (i = 0; i < (int)n; i++) {
    int k, index = -1;
    for (k = 0; k < 8; k++) {
      if (set[i] == high[k]) index = k;
    }
    CHECK(index >= 0 && index % 2 == 0);
  }
  for (i = 0; i < made; i++) ns_close(high[i]);
  for (i = 0; i < 8; i++) {
    ns_close(clients[i]);
    ns_close(servers[i]);
  }
}

/* 6. close reports errors; getSockName works for IPv6. */
static void nim_defect_6_close_reports_and_sock_name_ipv6(void) {
  ns_socket s;
  ns_port port = 0, check = 0;
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
  CHECK_OK(ns_close(s));
  CHECK_EQ(ns_close(s), NS_EBADF);
  if (!ipv6_available()) SKIP("no IPv6 on this machine");
  REQUIRE_OK(bound_socket(NS_AF_INET6, NS_SOCK_STREAM, &s, &port));
  CHECK(port != 0);
  CHECK_OK(ns_get_local_addr(s, NS_AF_INET6, NULL, 0, &check));
  CHECK_EQ(port, check);
  ns_close(s);
}

const test_case nim_defect_tests[] = {
    {"nim_defect_1_service_ports_are_host_order_full_range", nim_defect_1_service_ports_are_host_order_full_range},
    {"nim_defect_2_host_by_addr_takes_ipv6", nim_defect_2_host_by_addr_takes_ipv6},
    {"nim_defect_3_host_by_name_gives_ipv6_text", nim_defect_3_host_by_name_gives_ipv6_text},
    {"nim_defect_4_accept_formats_ipv6_peers", nim_defect_4_accept_formats_ipv6_peers},
    {"nim_defect_5_select_takes_many_high_sockets", nim_defect_5_select_takes_many_high_sockets},
    {"nim_defect_6_close_reports_and_sock_name_ipv6", nim_defect_6_close_reports_and_sock_name_ipv6},
    {NULL, NULL}};
