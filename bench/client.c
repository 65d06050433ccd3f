/*
 * The benchmark client on the library's ns_* API. The same source is built
 * natively (against build/native/libnativesockets.a), for wasm32-wasi (run by
 * the Node host) and with Emscripten; bench/client_raw.c does the same work
 * with raw POSIX calls. Here are only the socket calls: the tests, their
 * timing and the command line are bench.h's. Usage: see bench.h.
 */
#include <nativesockets.h>
#include <string.h>

typedef ns_socket bench_socket;
typedef struct bench_peer {
  struct sockaddr_storage addr;
  socklen_t len;
} bench_peer;

#include "bench.h"

static int fail_code(const char *what, int code) {
  return bench_fail(what, ns_strerror(code));
}

static int resolve_peer(const bench_args *args, ns_sock_type type,
                        ns_protocol protocol, bench_peer *out) {
  struct addrinfo *ai = NULL;
  int rc = ns_get_addr_info(args->host, (ns_port)args->port, NS_AF_INET, type,
                            protocol, &ai);
  if (rc != NS_OK) return fail_code("getaddrinfo", rc);
  memcpy(&out->addr, ai->ai_addr, ai->ai_addrlen);
  out->len = ai->ai_addrlen;
  ns_free_addr_info(ai);
  return 0;
}

static int resolve_tcp_peer(const bench_args *args, bench_peer *out) {
  return resolve_peer(args, NS_SOCK_STREAM, NS_IPPROTO_TCP, out);
}

static int open_tcp_socket(ns_socket *out) {
  int rc = ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, out);
  return rc == NS_OK ? 0 : fail_code("socket", rc);
}

/* A new TCP socket connected to `peer`: connect_tcp's and every connection
 * of the "connect" test. */
static int open_connected(const bench_peer *peer, ns_socket *out) {
  int rc;
  if (open_tcp_socket(out) != 0) return 1;
  rc = ns_connect(*out, (const struct sockaddr *)&peer->addr, peer->len);
  if (rc == NS_OK) return 0;
  ns_close(*out);
  return fail_code("connect", rc);
}

static int connect_tcp(const bench_args *args, ns_socket *out) {
  bench_peer peer;
  if (resolve_tcp_peer(args, &peer) != 0) return 1;
  if (open_connected(&peer, out) != 0) return 1;
  ns_set_sock_opt_int(*out, NS_IPPROTO_TCP_LEVEL, NS_TCP_NODELAY, 1);
  return 0;
}

static int connect_once(const bench_peer *peer) {
  unsigned char byte;
  ns_socket s;
  ptrdiff_t n;
  if (open_connected(peer, &s) != 0) return 1;
  n = ns_recv(s, &byte, 1, 0);
  ns_close(s);
  return n == 0 ? 0 : bench_fail("connect", "the peer did not close");
}

static int send_all(ns_socket s, const unsigned char *buf, size_t len) {
  while (len > 0) {
    ptrdiff_t n = ns_send(s, buf, len, 0);
    if (n < 0) return fail_code("send", (int)n);
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

static int recv_all(ns_socket s, unsigned char *buf, size_t len) {
  while (len > 0) {
    ptrdiff_t n = ns_recv(s, buf, len, 0);
    if (n == 0) return bench_fail("recv", "end of stream");
    if (n < 0) return fail_code("recv", (int)n);
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

static long recv_some(ns_socket s, unsigned char *buf, size_t len) {
  ptrdiff_t n = ns_recv(s, buf, len, 0);
  if (n < 0) return -fail_code("recv", (int)n);
  return (long)n;
}

/* On POSIX and WASI an ns_socket is the descriptor itself. */
static int poll_descriptor(ns_socket s) {
  return s;
}

static int shutdown_write(ns_socket s) {
  int rc = ns_shutdown(s, NS_SHUT_WR);
  return rc == NS_OK ? 0 : fail_code("shutdown", rc);
}

static void close_socket(ns_socket s) {
  ns_close(s);
}

static int open_udp(const bench_args *args, ns_socket *out, bench_peer *peer) {
  bench_args loopback = {"127.0.0.1", 0, 0};
  bench_peer local;
  int rc;
  if (resolve_peer(args, NS_SOCK_DGRAM, NS_IPPROTO_UDP, peer) != 0) return 1;
  if (resolve_peer(&loopback, NS_SOCK_DGRAM, NS_IPPROTO_UDP, &local) != 0) return 1;
  rc = ns_create_native_socket(NS_AF_INET, NS_SOCK_DGRAM, NS_IPPROTO_UDP, false, out);
  if (rc != NS_OK) return fail_code("socket", rc);
  rc = ns_bind_addr(*out, (struct sockaddr *)&local.addr, local.len);
  if (rc == NS_OK) return 0;
  ns_close(*out);
  return fail_code("bind", rc);
}

static int udp_round(ns_socket s, const bench_peer *peer, const unsigned char *out,
                     unsigned char *in, size_t len) {
  struct sockaddr_storage from;
  socklen_t from_len = sizeof(from);
  ptrdiff_t n = ns_sendto(s, out, len, 0, (const struct sockaddr *)&peer->addr, peer->len);
  if (n != (ptrdiff_t)len) return fail_code("sendto", (int)n);
  n = ns_recvfrom(s, in, len, 0, (struct sockaddr *)&from, &from_len);
  if (n != (ptrdiff_t)len) return fail_code("recvfrom", (int)n);
  return 0;
}

/* Asked once, outside the loop: raw POSIX compares with a constant. */
static int stream_type(void) {
  return ns_sock_type_to_int(NS_SOCK_STREAM);
}

static int get_so_type(ns_socket s, int *value) {
  return ns_get_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_TYPE, value) == NS_OK ? 0 : 1;
}

static int resolve_localhost(void) {
  struct addrinfo *ai = NULL;
  int rc = ns_get_addr_info("localhost", 0, NS_AF_UNSPEC, NS_SOCK_STREAM,
                            NS_IPPROTO_TCP, &ai);
  if (rc != NS_OK) return fail_code("getaddrinfo", rc);
  ns_free_addr_info(ai);
  return 0;
}

static int service_http(void) {
  ns_servent entry;
  int rc = ns_get_serv_by_name("http", "tcp", &entry);
  if (rc != NS_OK) return fail_code("getservbyname", rc);
  rc = entry.port == 80 ? 0 : bench_fail("getservbyname", "http is not 80");
  ns_servent_free(&entry);
  return rc;
}

int main(int argc, char **argv) {
  return bench_main(argc, argv);
}
