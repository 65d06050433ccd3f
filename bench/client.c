/*
 * The benchmark client on the library's ns_* API. The same source is built
 * natively (against build/native/libnativesockets.a), for wasm32-wasi (run by
 * the Node host) and with Emscripten; bench/client_raw.c does the same work
 * with raw POSIX calls. Usage: see bench.h.
 */
#include "bench.h"

#include <nativesockets.h>

/* The peer's address, resolved once, outside any timing. */
typedef struct peer_address {
  struct sockaddr_storage addr;
  socklen_t len;
} peer_address;

static int fail_code(const char *what, int code) {
  return bench_fail(what, ns_strerror(code));
}

static int resolve_peer(const bench_args *args, ns_sock_type type,
                        ns_protocol protocol, peer_address *out) {
  struct addrinfo *ai = NULL;
  int rc = ns_get_addr_info(args->host, (ns_port)args->port, NS_AF_INET, type,
                            protocol, &ai);
  if (rc != NS_OK) return fail_code("getaddrinfo", rc);
  memcpy(&out->addr, ai->ai_addr, ai->ai_addrlen);
  out->len = ai->ai_addrlen;
  ns_free_addr_info(ai);
  return 0;
}

static int connect_tcp(const bench_args *args, ns_socket *out) {
  peer_address peer;
  ns_socket s;
  int rc;
  if (resolve_peer(args, NS_SOCK_STREAM, NS_IPPROTO_TCP, &peer) != 0) return 1;
  rc = ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s);
  if (rc != NS_OK) return fail_code("socket", rc);
  rc = ns_connect(s, (struct sockaddr *)&peer.addr, peer.len);
  if (rc != NS_OK) {
    ns_close(s);
    return fail_code("connect", rc);
  }
  ns_set_sock_opt_int(s, NS_IPPROTO_TCP_LEVEL, NS_TCP_NODELAY, 1);
  *out = s;
  return 0;
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

static int echo_rounds(ns_socket s, long long rounds) {
  unsigned char out[BENCH_MESSAGE], in[BENCH_MESSAGE];
  long long i;
  bench_fill(out, sizeof(out));
  for (i = 0; i < rounds; i++) {
    if (send_all(s, out, sizeof(out)) != 0) return 1;
    if (recv_all(s, in, sizeof(in)) != 0) return 1;
  }
  return memcmp(in, out, sizeof(in)) == 0 ? 0 : bench_fail("echo", "wrong bytes back");
}

static int test_echo(const bench_args *args, bench_result *out) {
  ns_socket s;
  int rc;
  double start;
  if (connect_tcp(args, &s) != 0) return 1;
  rc = echo_rounds(s, args->amount / 10);
  start = bench_now();
  if (rc == 0) rc = echo_rounds(s, args->amount);
  out->seconds = bench_now() - start;
  out->ops = args->amount;
  ns_close(s);
  return rc;
}

static int send_bytes(ns_socket s, const unsigned char *chunk, long long total) {
  while (total > 0) {
    size_t len = total < BENCH_CHUNK ? (size_t)total : BENCH_CHUNK;
    if (send_all(s, chunk, len) != 0) return 1;
    total -= (long long)len;
  }
  return 0;
}

static int test_bulk(const bench_args *args, bench_result *out) {
  static unsigned char chunk[BENCH_CHUNK];
  unsigned char answer[8];
  long long warm = args->amount / 10;
  ns_socket s;
  int rc;
  double start;
  bench_fill(chunk, sizeof(chunk));
  if (connect_tcp(args, &s) != 0) return 1;
  rc = send_bytes(s, chunk, warm);
  start = bench_now();
  if (rc == 0) rc = send_bytes(s, chunk, args->amount);
  if (rc == 0) {
    int code = ns_shutdown(s, NS_SHUT_WR);
    if (code != NS_OK) rc = fail_code("shutdown", code);
  }
  if (rc == 0) rc = recv_all(s, answer, sizeof(answer));
  out->seconds = bench_now() - start;
  ns_close(s);
  if (rc == 0 && bench_le64(answer) != (uint64_t)(warm + args->amount))
    return bench_fail("bulk", "the sink counted a different number of bytes");
  out->ops = args->amount / BENCH_CHUNK;
  out->bytes = args->amount;
  return rc;
}

/* One connection: connect, see the peer's close, close. */
static int connect_once(const peer_address *peer) {
  unsigned char byte;
  ns_socket s;
  ptrdiff_t n;
  int rc = ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s);
  if (rc != NS_OK) return fail_code("socket", rc);
  rc = ns_connect(s, (const struct sockaddr *)&peer->addr, peer->len);
  if (rc != NS_OK) {
    ns_close(s);
    return fail_code("connect", rc);
  }
  n = ns_recv(s, &byte, 1, 0);
  ns_close(s);
  return n == 0 ? 0 : bench_fail("connect", "the peer did not close");
}

static int test_connect(const bench_args *args, bench_result *out) {
  peer_address peer;
  long long i;
  double start;
  if (resolve_peer(args, NS_SOCK_STREAM, NS_IPPROTO_TCP, &peer) != 0) return 1;
  for (i = 0; i < args->amount / 10; i++)
    if (connect_once(&peer) != 0) return 1;
  start = bench_now();
  for (i = 0; i < args->amount; i++)
    if (connect_once(&peer) != 0) return 1;
  out->seconds = bench_now() - start;
  out->ops = args->amount;
  return 0;
}

static int udp_rounds(ns_socket s, const peer_address *peer, long long rounds) {
  unsigned char out[BENCH_MESSAGE], in[BENCH_MESSAGE];
  long long i;
  bench_fill(out, sizeof(out));
  for (i = 0; i < rounds; i++) {
    struct sockaddr_storage from;
    socklen_t len = sizeof(from);
    ptrdiff_t n = ns_sendto(s, out, sizeof(out), 0, (const struct sockaddr *)&peer->addr,
                            peer->len);
    if (n != (ptrdiff_t)sizeof(out)) return fail_code("sendto", (int)n);
    n = ns_recvfrom(s, in, sizeof(in), 0, (struct sockaddr *)&from, &len);
    if (n != (ptrdiff_t)sizeof(in)) return fail_code("recvfrom", (int)n);
  }
  return 0;
}

static int test_udp(const bench_args *args, bench_result *out) {
  bench_args loopback = {"127.0.0.1", 0, 0};
  peer_address peer, local;
  ns_socket s;
  int rc;
  double start;
  if (resolve_peer(args, NS_SOCK_DGRAM, NS_IPPROTO_UDP, &peer) != 0) return 1;
  if (resolve_peer(&loopback, NS_SOCK_DGRAM, NS_IPPROTO_UDP, &local) != 0) return 1;
  rc = ns_create_native_socket(NS_AF_INET, NS_SOCK_DGRAM, NS_IPPROTO_UDP, false, &s);
  if (rc != NS_OK) return fail_code("socket", rc);
  /* Bound first, as every client does (see bench/README.md). */
  rc = ns_bind_addr(s, (struct sockaddr *)&local.addr, local.len);
  if (rc != NS_OK) {
    ns_close(s);
    return fail_code("bind", rc);
  }
  rc = udp_rounds(s, &peer, args->amount / 10);
  start = bench_now();
  if (rc == 0) rc = udp_rounds(s, &peer, args->amount);
  out->seconds = bench_now() - start;
  out->ops = args->amount;
  ns_close(s);
  return rc;
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

static int test_gai(const bench_args *args, bench_result *out) {
  return bench_calls(resolve_localhost, args, out);
}

static int test_serv(const bench_args *args, bench_result *out) {
  return bench_calls(service_http, args, out);
}

/* getsockopt(SO_TYPE): one call that does no I/O (in wasm, one host import
 * answered without the worker). */
static int test_sockopt(const bench_args *args, bench_result *out) {
  long long i, warm = args->amount / 10;
  double start = 0.0;
  ns_socket s;
  /* Asked once, outside the loop: raw POSIX compares with a constant. */
  int value, stream = ns_sock_type_to_int(NS_SOCK_STREAM);
  int rc = ns_create_native_socket(NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP, false, &s);
  if (rc != NS_OK) return fail_code("socket", rc);
  for (i = 0; i < warm + args->amount; i++) {
    if (i == warm) start = bench_now();
    rc = ns_get_sock_opt_int(s, NS_SOL_SOCKET, NS_SO_TYPE, &value);
    if (rc != NS_OK || value != stream) {
      ns_close(s);
      return bench_fail("getsockopt", "SO_TYPE");
    }
  }
  out->seconds = bench_now() - start;
  out->ops = args->amount;
  ns_close(s);
  return 0;
}

static const struct bench_entry tests[] = {
    {"echo", test_echo},       {"bulk", test_bulk}, {"connect", test_connect},
    {"udp", test_udp},         {"gai", test_gai},   {"serv", test_serv},
    {"sockopt", test_sockopt}, {NULL, NULL}};

int main(int argc, char **argv) {
  return bench_main(argc, argv, tests);
}
