/* Address text, unix addresses, and the addresses of sockets. */
#include "test.h"

static struct sockaddr_in ipv4(const char *text, ns_port port) {
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_port = ns_htons(port);
  inet_pton(AF_INET, text, &sa.sin_addr);
  return sa;
}

static struct sockaddr_in6 ipv6(const char *text, ns_port port) {
  struct sockaddr_in6 sa;
  memset(&sa, 0, sizeof(sa));
  sa.sin6_family = AF_INET6;
  sa.sin6_port = ns_htons(port);
  inet_pton(AF_INET6, text, &sa.sin6_addr);
  return sa;
}

static void addr_string_ipv4(void) {
  char buf[NS_ADDRSTRLEN];
  struct sockaddr_in sa = ipv4("192.168.10.200", 80);
  CHECK_OK(ns_get_addr_string((struct sockaddr *)&sa, buf, sizeof(buf)));
  CHECK_STR(buf, "192.168.10.200");
  sa = ipv4("0.0.0.0", 0);
  CHECK_OK(ns_get_addr_string((struct sockaddr *)&sa, buf, sizeof(buf)));
  CHECK_STR(buf, "0.0.0.0");
}

static void addr_string_ipv6(void) {
  char buf[NS_ADDRSTRLEN];
  struct sockaddr_in6 sa = ipv6("::1", 80);
  CHECK_OK(ns_get_addr_string((struct sockaddr *)&sa, buf, sizeof(buf)));
  CHECK_STR(buf, "::1");
  sa = ipv6("2001:db8:0:0:1:0:0:1", 0);
  CHECK_OK(ns_get_addr_string((struct sockaddr *)&sa, buf, sizeof(buf)));
  CHECK_STR(buf, "2001:db8::1:0:0:1");
  sa = ipv6("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 0);
  CHECK_OK(ns_get_addr_string((struct sockaddr *)&sa, buf, sizeof(buf)));
  CHECK_STR(buf, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

static void addr_string_v4_mapped_prints_dotted_quad(void) {
  char buf[NS_ADDRSTRLEN];
  struct sockaddr_in6 sa = ipv6("::ffff:10.1.2.3", 0);
  CHECK_OK(ns_get_addr_string((struct sockaddr *)&sa, buf, sizeof(buf)));
  CHECK_STR(buf, "10.1.2.3");
}

static void addr_string_link_local_keeps_scope(void) {
  char buf[NS_ADDRSTRLEN];
  struct sockaddr_in6 sa = ipv6("fe80::1", 0);
  sa.sin6_scope_id = 3;
  CHECK_OK(ns_get_addr_string((struct sockaddr *)&sa, buf, sizeof(buf)));
  CHECK_STR(buf, "fe80::1%3");
}

static void addr_string_unix_and_unknown_families(void) {
  char buf[NS_ADDRSTRLEN];
  struct sockaddr_storage ss;
  memset(&ss, 0, sizeof(ss));
  ss.ss_family = AF_UNIX;
  CHECK_OK(ns_get_addr_string((struct sockaddr *)&ss, buf, sizeof(buf)));
  CHECK_STR(buf, "unix");
  ss.ss_family = AF_UNSPEC;
  CHECK_EQ(ns_get_addr_string((struct sockaddr *)&ss, buf, sizeof(buf)),
           NS_EAFNOSUPPORT);
}

static void addr_string_bad_buffers(void) {
  char buf[NS_ADDRSTRLEN];
  struct sockaddr_in sa = ipv4("192.168.10.200", 80);
  struct sockaddr_in6 sa6 = ipv6("2001:db8::1", 0);
  CHECK_EQ(ns_get_addr_string((struct sockaddr *)&sa, buf, 14), NS_ERANGE);
  CHECK_OK(ns_get_addr_string((struct sockaddr *)&sa, buf, 15));
  CHECK_STR(buf, "192.168.10.200");
  CHECK_EQ(ns_get_addr_string((struct sockaddr *)&sa6, buf, 11), NS_ERANGE);
  CHECK_EQ(ns_get_addr_string((struct sockaddr *)&sa, buf, 0), NS_ERANGE);
  CHECK_EQ(ns_get_addr_string(NULL, buf, sizeof(buf)), NS_EINVAL);
  CHECK_EQ(ns_get_addr_string((struct sockaddr *)&sa, NULL, 46), NS_EINVAL);
}

static void inet_ntoa_is_reentrant_text(void) {
  char a[NS_ADDRSTRLEN], b[NS_ADDRSTRLEN];
  struct in_addr x, y;
  inet_pton(AF_INET, "1.2.3.4", &x);
  inet_pton(AF_INET, "255.255.255.255", &y);
  CHECK_OK(ns_inet_ntoa(x, a, sizeof(a)));
  CHECK_OK(ns_inet_ntoa(y, b, sizeof(b)));
  CHECK_STR(a, "1.2.3.4");
  CHECK_STR(b, "255.255.255.255");
  CHECK_EQ(ns_inet_ntoa(y, b, 15), NS_ERANGE);
  CHECK_EQ(ns_inet_ntoa(x, NULL, 16), NS_EINVAL);
}

static void make_unix_addr_fills_path_and_length(void) {
  struct sockaddr_un sa;
  socklen_t len = 0;
  int rc = ns_make_unix_addr("/tmp/x.sock", &sa, &len);
  if (rc == NS_EAFNOSUPPORT) SKIP("no unix-domain sockets on this target");
  CHECK_OK(rc);
  CHECK_EQ(sa.sun_family, AF_UNIX);
  CHECK_STR(sa.sun_path, "/tmp/x.sock");
  CHECK_EQ(len, (socklen_t)((char *)sa.sun_path - (char *)&sa) + 12);
}

static void make_unix_addr_too_long_is_enametoolong(void) {
  struct sockaddr_un sa;
  socklen_t len = 0;
  char path[sizeof(sa.sun_path) + 8];
  size_t room = sizeof(sa.sun_path);
  if (ns_make_unix_addr("/x", &sa, &len) == NS_EAFNOSUPPORT)
    SKIP("no unix-domain sockets on this target");
  memset(path, 'a', sizeof(path));
  path[room] = '\0'; /* one byte too many: no room for the NUL */
  CHECK_EQ(ns_make_unix_addr(path, &sa, &len), NS_ENAMETOOLONG);
  path[room - 1] = '\0'; /* exactly fits */
  CHECK_OK(ns_make_unix_addr(path, &sa, &len));
  CHECK_EQ(strlen(sa.sun_path), room - 1);
  CHECK_EQ(ns_make_unix_addr(NULL, &sa, &len), NS_EINVAL);
  CHECK_EQ(ns_make_unix_addr("/x", NULL, &len), NS_EINVAL);
  CHECK_EQ(ns_make_unix_addr("/x", &sa, NULL), NS_EINVAL);
}

static void sock_domain_of_each_family(void) {
  ns_socket s;
  ns_domain d;
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
  CHECK_OK(ns_get_sock_domain(s, &d));
  CHECK_EQ(d, NS_AF_INET);
  ns_close(s);
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_DGRAM, NS_IPPROTO_UDP, false, &s));
  CHECK_OK(ns_get_sock_domain(s, &d));
  CHECK_EQ(d, NS_AF_INET);
  ns_close(s);
  if (ipv6_available()) {
    REQUIRE_OK(ns_create_native_socket(NS_AF_INET6, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
    CHECK_OK(ns_get_sock_domain(s, &d));
    CHECK_EQ(d, NS_AF_INET6);
    ns_close(s);
  }
  if (ns_create_native_socket(NS_AF_UNIX, NS_SOCK_STREAM, NS_IPPROTO_IP, false, &s) == NS_OK) {
    CHECK_OK(ns_get_sock_domain(s, &d));
    CHECK_EQ(d, NS_AF_UNIX);
    ns_close(s);
  }
}

static void sock_name_of_bound_ipv4_socket(void) {
  ns_socket s;
  ns_port port = 0, again = 0;
  char addr[NS_ADDRSTRLEN];
  REQUIRE_OK(bound_socket(NS_AF_INET, NS_SOCK_STREAM, &s, &port));
  CHECK(port > 0);
  CHECK_OK(ns_get_local_addr(s, NS_AF_INET, addr, sizeof(addr), &again));
  CHECK_STR(addr, "127.0.0.1");
  CHECK_EQ(again, port);
  /* The domain must match the socket and be an IP one. */
  CHECK_EQ(ns_get_local_addr(s, NS_AF_INET6, addr, sizeof(addr), &again), NS_EINVAL);
  CHECK_EQ(ns_get_local_addr(s, NS_AF_UNIX, addr, sizeof(addr), &again), NS_EAFNOSUPPORT);
  CHECK_EQ(ns_get_local_addr(s, (ns_domain)77, addr, sizeof(addr), &again), NS_EAFNOSUPPORT);
  /* Each output is optional; a short buffer is ERANGE. */
  again = 0;
  CHECK_OK(ns_get_local_addr(s, NS_AF_INET, NULL, 0, &again));
  CHECK_EQ(again, port);
  CHECK_OK(ns_get_local_addr(s, NS_AF_INET, addr, sizeof(addr), NULL));
  CHECK_EQ(ns_get_local_addr(s, NS_AF_INET, addr, 9, NULL), NS_ERANGE);
  ns_close(s);
}

static void unbound_socket_reports_port_zero(void) {
  ns_socket s;
  ns_port port = 1234;
  char addr[NS_ADDRSTRLEN];
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
  CHECK_OK(ns_get_sock_name(s, &port));
  CHECK_EQ(port, 0);
  CHECK_OK(ns_get_local_addr(s, NS_AF_INET, addr, sizeof(addr), &port));
  CHECK_STR(addr, "0.0.0.0");
  CHECK_EQ(ns_get_peer_addr(s, NS_AF_INET, addr, sizeof(addr), &port), NS_ENOTCONN);
  ns_close(s);
}

const test_case address_tests[] = {
    {"addr_string_ipv4", addr_string_ipv4},
    {"addr_string_ipv6", addr_string_ipv6},
    {"addr_string_v4_mapped_prints_dotted_quad", addr_string_v4_mapped_prints_dotted_quad},
    {"addr_string_link_local_keeps_scope", addr_string_link_local_keeps_scope},
    {"addr_string_unix_and_unknown_families", addr_string_unix_and_unknown_families},
    {"addr_string_bad_buffers", addr_string_bad_buffers},
    {"inet_ntoa_is_reentrant_text", inet_ntoa_is_reentrant_text},
    {"make_unix_addr_fills_path_and_length", make_unix_addr_fills_path_and_length},
    {"make_unix_addr_too_long_is_enametoolong", make_unix_addr_too_long_is_enametoolong},
    {"sock_domain_of_each_family", sock_domain_of_each_family},
    {"sock_name_of_bound_ipv4_socket", sock_name_of_bound_ipv4_socket},
    {"unbound_socket_reports_port_zero", unbound_socket_reports_port_zero},
    {NULL, NULL}};
