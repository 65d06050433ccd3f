/* Bad input for every function: the documented code, and nothing else
 * breaks. */
#include "test.h"

static void null_out_parameters_are_einval(void) {
  ns_socket s;
  ns_servent se;
  ns_hostent he;
  struct addrinfo *ai;
  struct sockaddr_storage ss;
  socklen_t len = loopback_address(NS_AF_INET, 0, &ss);
  int v;
  CHECK_EQ(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, NULL), NS_EINVAL);
  CHECK_EQ(ns_create_native_socket_raw(AF_INET, SOCK_STREAM, 0, false, NULL), NS_EINVAL);
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
  CHECK_EQ(ns_get_sock_domain(s, NULL), NS_EINVAL);
  CHECK_EQ(ns_get_sock_name(s, NULL), NS_EINVAL);
  CHECK_EQ(ns_bind_addr(s, NULL, len), NS_EINVAL);
  CHECK_EQ(ns_connect(s, NULL, len), NS_EINVAL);
  CHECK_EQ(ns_accept(s, false, NULL, NULL, 0), NS_EINVAL);
  ns_close(s);
  CHECK_EQ(ns_get_serv_by_name(NULL, "tcp", &se), NS_EINVAL);
  CHECK_EQ(ns_get_serv_by_name("http", "tcp", NULL), NS_EINVAL);
  CHECK_EQ(ns_get_serv_by_port(80, "tcp", NULL), NS_EINVAL);
  CHECK_EQ(ns_get_proto_by_name(NULL, &v), NS_EINVAL);
  CHECK_EQ(ns_get_proto_by_name("tcp", NULL), NS_EINVAL);
  CHECK_EQ(ns_get_host_by_name(NULL, &he), NS_EINVAL);
  CHECK_EQ(ns_get_host_by_name("localhost", NULL), NS_EINVAL);
  CHECK_EQ(ns_get_host_by_addr(NULL, &he), NS_EINVAL);
  CHECK_EQ(ns_get_host_by_addr("127.0.0.1", NULL), NS_EINVAL);
  CHECK_EQ(ns_get_addr_info(NULL, 80, NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, &ai), NS_EINVAL);
  CHECK_EQ(ns_get_addr_info("127.0.0.1", 80, NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, NULL), NS_EINVAL);
  ns_servent_free(NULL);
  ns_hostent_free(NULL);
}

static void out_of_range_enums_are_einval(void) {
  ns_socket s = 5;
  struct addrinfo *ai = (struct addrinfo *)&s;
  CHECK_EQ(ns_create_native_socket((ns_domain)9, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s), NS_EINVAL);
  CHECK_EQ(s, NS_INVALID_SOCKET);
  CHECK_EQ(ns_create_native_socket(NS_AF_INET, (ns_sock_type)0, NS_IPPROTO_TCP, false, &s), NS_EINVAL);
  CHECK_EQ(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, (ns_protocol)99, false, &s), NS_EINVAL);
  CHECK_EQ(ns_get_addr_info("127.0.0.1", 80, (ns_domain)9, NS_SOCK_STREAM, NS_IPPROTO_TCP, &ai), NS_EINVAL);
  CHECK(ai == NULL);
  CHECK_EQ(ns_get_addr_info("127.0.0.1", 80, NS_AF_INET, (ns_sock_type)42, NS_IPPROTO_TCP, &ai), NS_EINVAL);
  CHECK_EQ(ns_get_addr_info("127.0.0.1", 80, NS_AF_INET, NS_SOCK_STREAM, (ns_protocol)-1, &ai), NS_EINVAL);
}

static void invalid_sockets_are_ebadf(void) {
  ns_socket bad = NS_INVALID_SOCKET, client = 3;
  ns_domain d;
  ns_port p;
  char buf[NS_ADDRSTRLEN];
  struct sockaddr_storage ss;
  socklen_t len = loopback_address(NS_AF_INET, 0, &ss);
  int v;
  CHECK_EQ(ns_close(bad), NS_EBADF);
  CHECK_EQ(ns_set_blocking(bad, false), NS_EBADF);
  CHECK_EQ(ns_set_inheritable(bad, true), NS_EBADF);
  CHECK_EQ(ns_bind_addr(bad, (struct sockaddr *)&ss, len), NS_EBADF);
  CHECK_EQ(ns_listen(bad, 1), NS_EBADF);
  CHECK_EQ(ns_connect(bad, (struct sockaddr *)&ss, len), NS_EBADF);
  CHECK_EQ(ns_accept(bad, false, &client, NULL, 0), NS_EBADF);
  CHECK_EQ(client, NS_INVALID_SOCKET);
  CHECK_EQ(ns_shutdown(bad, NS_SHUT_RDWR), NS_EBADF);
  CHECK_EQ(ns_send(bad, "x", 1, 0), NS_EBADF);
  CHECK_EQ(ns_recv(bad, buf, 1, 0), NS_EBADF);
  CHECK_EQ(ns_sendto(bad, "x", 1, 0, (struct sockaddr *)&ss, len), NS_EBADF);
  CHECK_EQ(ns_recvfrom(bad, buf, 1, 0, NULL, NULL), NS_EBADF);
  CHECK_EQ(ns_get_sock_domain(bad, &d), NS_EBADF);
  CHECK_EQ(ns_get_sock_name(bad, &p), NS_EBADF);
  CHECK_EQ(ns_get_local_addr(bad, NS_AF_INET, buf, sizeof(buf), &p), NS_EBADF);
  CHECK_EQ(ns_get_peer_addr(bad, NS_AF_INET, buf, sizeof(buf), &p), NS_EBADF);
  CHECK_EQ(ns_get_sock_opt_int(bad, NS_SOL_SOCKET, NS_SO_TYPE, &v), NS_EBADF);
}

static void closed_socket_is_ebadf_and_double_close_reports_it(void) {
  ns_socket s;
  char buf[4];
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
  CHECK_OK(ns_close(s));
  CHECK_EQ(ns_close(s), NS_EBADF);
  CHECK_EQ(ns_recv(s, buf, sizeof(buf), 0), NS_EBADF);
  CHECK_EQ(ns_listen(s, 1), NS_EBADF);
}

static void buffers_and_lengths(void) {
  ns_socket client, server;
  struct sockaddr_storage ss;
  socklen_t len = 0;
  char buf[4];
  REQUIRE_OK(tcp_pair(NS_AF_INET, &client, &server));
  CHECK_EQ(ns_send(client, NULL, 5, 0), NS_EINVAL);
  CHECK_EQ(ns_recv(server, NULL, 5, 0), NS_EINVAL);
  CHECK_EQ(ns_sendto(client, NULL, 5, 0, NULL, 0), NS_EINVAL);
  CHECK_EQ(ns_sendto(client, "x", 1, 0, NULL, 16), NS_EINVAL);
  CHECK_EQ(ns_recvfrom(server, buf, sizeof(buf), 0, (struct sockaddr *)&ss, NULL), NS_EINVAL);
  CHECK_EQ(ns_recvfrom(server, buf, sizeof(buf), 0, NULL, &len), NS_EINVAL);
  CHECK_EQ(ns_send(client, NULL, 0, 0), 0);
  CHECK_EQ(ns_shutdown(client, 12345), NS_EINVAL);
  CHECK_EQ(ns_shutdown(client, -1), NS_EINVAL);
  /* The connection is unharmed by all of that. */
  CHECK_OK(send_all(client, "ok", 2));
  CHECK_OK(recv_all(server, buf, 2));
  CHECK(memcmp(buf, "ok", 2) == 0);
  ns_close(client);
  ns_close(server);
}

static void accept_with_small_buffer_keeps_the_connection(void) {
  ns_socket listener, client, server = 9;
  char addr[NS_ADDRSTRLEN];
  REQUIRE_OK(tcp_pending(NS_AF_INET, &listener, &client));
  CHECK_EQ(ns_accept(listener, false, &server, addr, NS_ADDRSTRLEN - 1), NS_ERANGE);
  CHECK_EQ(server, NS_INVALID_SOCKET);
  CHECK_OK(ns_accept(listener, false, &server, addr, sizeof(addr)));
  CHECK_STR(addr, "127.0.0.1");
  ns_close(server);
  ns_close(client);
  ns_close(listener);
}

static void wrong_address_lengths(void) {
  ns_socket s;
  struct sockaddr_storage ss;
  loopback_address(NS_AF_INET, 0, &ss);
  REQUIRE_OK(ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s));
  CHECK_EQ(ns_bind_addr(s, (struct sockaddr *)&ss, 3), NS_EINVAL);
  CHECK_EQ(ns_connect(s, (struct sockaddr *)&ss, 0), NS_EINVAL);
  /* A family the socket is not: IPv6 address on an IPv4 socket. */
  loopback_address(NS_AF_INET6, 0, &ss);
  CHECK_EQ(ns_bind_addr(s, (struct sockaddr *)&ss, sizeof(struct sockaddr_in6)), NS_EAFNOSUPPORT);
  ns_close(s);
}

static void operations_on_a_non_socket_are_enotsock(void) {
  ns_socket file;
  ns_port port;
  int v;
  if (support_open_non_socket(&file) != NS_OK)
    SKIP("no non-socket descriptor can be opened on this target");
  CHECK_EQ(ns_listen(file, 1), NS_ENOTSOCK);
  CHECK_EQ(ns_get_sock_name(file, &port), NS_ENOTSOCK);
  CHECK_EQ(ns_get_sock_opt_int(file, NS_SOL_SOCKET, NS_SO_TYPE, &v), NS_ENOTSOCK);
  CHECK_EQ(ns_shutdown(file, NS_SHUT_RDWR), NS_ENOTSOCK);
  support_close_non_socket(file);
}

const test_case bad_input_tests[] = {
    {"null_out_parameters_are_einval", null_out_parameters_are_einval},
    {"out_of_range_enums_are_einval", out_of_range_enums_are_einval},
    {"invalid_sockets_are_ebadf", invalid_sockets_are_ebadf},
    {"closed_socket_is_ebadf_and_double_close_reports_it", closed_socket_is_ebadf_and_double_close_reports_it},
    {"buffers_and_lengths", buffers_and_lengths},
    {"accept_with_small_buffer_keeps_the_connection", accept_with_small_buffer_keeps_the_connection},
    {"wrong_address_lengths", wrong_address_lengths},
    {"operations_on_a_non_socket_are_enotsock", operations_on_a_non_socket_are_enotsock},
    {NULL, NULL}};
