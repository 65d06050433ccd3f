/*
 * The C benchmark client, less its socket calls. Each client supplies those
 * (client_raw.c: raw POSIX calls, the baseline; client.c: the ns_* API,
 * built natively, for wasm32-wasi and with Emscripten); this header holds
 * all that does not depend on the API: the command line, the clock, the
 * warm-up and the timed part of every test, the report line. So the two
 * clients differ in nothing but the calls being compared.
 *
 *   client TEST HOST PORT AMOUNT
 *
 * prints one JSON line {"test":...,"ops":N,"seconds":S,"bytes":B} for the
 * timed part, after an untimed warm-up of a tenth of the work. AMOUNT is a
 * count of round trips, connections or calls, bytes for "bulk", and
 * milliseconds for the resolver tests ("gai", "serv"), which run for a time.
 *
 * A client defines, before including this header, the types
 *   bench_socket  an open socket (int, ns_socket)
 *   bench_peer    the peer's address, resolved once, outside any timing
 * and, after it, the functions declared under "The client's socket calls".
 * Everything here is static and in the client's one translation unit, so
 * the compiler sees the calls of the timed loops as before they were shared.
 */
#ifndef BENCH_H
#define BENCH_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_MESSAGE 64                /* echo and UDP payload */
#define BENCH_CHUNK (64 * 1024)         /* one bulk write */

/* The test's parameters, from the command line. */
typedef struct bench_args {
  const char *host;
  int port;
  long long amount;
} bench_args;

/* What a test did in its timed part. */
typedef struct bench_result {
  long long ops;
  long long bytes;
  double seconds;
} bench_result;

/* ---- The client's socket calls ------------------------------------------
 * Each returns 0, or 1 after saying what failed (bench_fail). */

/* A TCP connection to the peer, with TCP_NODELAY. */
static int connect_tcp(const bench_args *args, bench_socket *out);
static int send_all(bench_socket s, const unsigned char *buf, size_t len);
static int recv_all(bench_socket s, unsigned char *buf, size_t len);
static int shutdown_write(bench_socket s);
static void close_socket(bench_socket s);
/* The "connect" test: the address once, then one connection: connect, see
 * the peer's close, close. */
static int resolve_tcp_peer(const bench_args *args, bench_peer *out);
static int connect_once(const bench_peer *peer);
/* A UDP socket bound to 127.0.0.1 first, as every client does (see
 * bench/README.md), and the peer's address. */
static int open_udp(const bench_args *args, bench_socket *out, bench_peer *peer);
/* One datagram of `len` bytes to the peer and one back. */
static int udp_round(bench_socket s, const bench_peer *peer, const unsigned char *out,
                     unsigned char *in, size_t len);
/* The "sockopt" test: a TCP socket, the value SO_TYPE has for it, and
 * getsockopt(SO_TYPE) once. */
static int open_tcp_socket(bench_socket *out);
static int stream_type(void);
static int get_so_type(bench_socket s, int *value);
/* The resolver tests' one call each: getaddrinfo("localhost"), and
 * getservbyname("http", "tcp") checked to be 80. */
static int resolve_localhost(void);
static int service_http(void);

/* ---- Clock, errors, data ------------------------------------------------ */

static double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int bench_fail(const char *what, const char *why) {
  fprintf(stderr, "client: %s: %s\n", what, why);
  return 1;
}

/* The message every echo test sends: 64 recognisable bytes. */
static void bench_fill(unsigned char *buf, size_t len) {
  size_t i;
  for (i = 0; i < len; i++) buf[i] = (unsigned char)('a' + i % 26);
}

static uint64_t bench_le64(const unsigned char *b) {
  uint64_t v = 0;
  int i;
  for (i = 7; i >= 0; i--) v = (v << 8) | b[i];
  return v;
}

/* ---- Timing --------------------------------------------------------------- */

/* Calls `call` for `ms` milliseconds. */
static int bench_run_for(int (*call)(void), long long ms, bench_result *out) {
  double start = bench_now(), end = start + (double)ms / 1000.0, now = start;
  long long ops = 0;
  while (now < end) {
    if (call() != 0) return 1;
    ops++;
    now = bench_now();
  }
  out->ops = ops;
  out->seconds = now - start;
  return 0;
}

/* A calls-per-second test: a tenth of the time untimed (warm-up), then
 * `args->amount` milliseconds counted. */
static int bench_calls(int (*call)(void), const bench_args *args, bench_result *out) {
  if (bench_run_for(call, args->amount / 10, out) != 0) return 1;
  return bench_run_for(call, args->amount, out);
}

/* What the counted tests work on. */
typedef struct bench_target {
  bench_socket socket;
  bench_peer peer;
  int stream_type; /* asked once, outside the timed loop */
} bench_target;

typedef int (*bench_rounds)(const bench_target *t, long long rounds);

/* A counted test: `rounds` for a tenth of `amount` untimed (warm-up), then
 * for `amount`, timed. */
static int bench_count(bench_rounds rounds, const bench_target *t, long long amount,
                       bench_result *out) {
  double start;
  if (rounds(t, amount / 10) != 0) return 1;
  start = bench_now();
  if (rounds(t, amount) != 0) return 1;
  out->seconds = bench_now() - start;
  out->ops = amount;
  return 0;
}

/* ---- The tests ------------------------------------------------------------ */

static int echo_rounds(const bench_target *t, long long rounds) {
  unsigned char out[BENCH_MESSAGE], in[BENCH_MESSAGE];
  long long i;
  bench_fill(out, sizeof(out));
  for (i = 0; i < rounds; i++) {
    if (send_all(t->socket, out, sizeof(out)) != 0) return 1;
    if (recv_all(t->socket, in, sizeof(in)) != 0) return 1;
  }
  return memcmp(in, out, sizeof(in)) == 0 ? 0 : bench_fail("echo", "wrong bytes back");
}

static int test_echo(const bench_args *args, bench_result *out) {
  bench_target t;
  int rc;
  if (connect_tcp(args, &t.socket) != 0) return 1;
  rc = bench_count(echo_rounds, &t, args->amount, out);
  close_socket(t.socket);
  return rc;
}

static int send_bytes(bench_socket s, const unsigned char *chunk, long long total) {
  while (total > 0) {
    size_t len = total < BENCH_CHUNK ? (size_t)total : BENCH_CHUNK;
    if (send_all(s, chunk, len) != 0) return 1;
    total -= (long long)len;
  }
  return 0;
}

/* The timed part ends when the sink's count of the bytes is back, after
 * our shutdown: every byte has then been received, not only buffered. */
static int test_bulk(const bench_args *args, bench_result *out) {
  static unsigned char chunk[BENCH_CHUNK];
  unsigned char answer[8];
  long long warm = args->amount / 10;
  bench_socket s;
  int rc;
  double start;
  bench_fill(chunk, sizeof(chunk));
  if (connect_tcp(args, &s) != 0) return 1;
  rc = send_bytes(s, chunk, warm);
  start = bench_now();
  if (rc == 0) rc = send_bytes(s, chunk, args->amount);
  if (rc == 0) rc = shutdown_write(s);
  if (rc == 0) rc = recv_all(s, answer, sizeof(answer));
  out->seconds = bench_now() - start;
  close_socket(s);
  if (rc == 0 && bench_le64(answer) != (uint64_t)(warm + args->amount))
    return bench_fail("bulk", "the sink counted a different number of bytes");
  out->ops = args->amount / BENCH_CHUNK;
  out->bytes = args->amount;
  return rc;
}

static int connect_rounds(const bench_target *t, long long rounds) {
  long long i;
  for (i = 0; i < rounds; i++)
    if (connect_once(&t->peer) != 0) return 1;
  return 0;
}

static int test_connect(const bench_args *args, bench_result *out) {
  bench_target t;
  if (resolve_tcp_peer(args, &t.peer) != 0) return 1;
  return bench_count(connect_rounds, &t, args->amount, out);
}

static int udp_rounds(const bench_target *t, long long rounds) {
  unsigned char out[BENCH_MESSAGE], in[BENCH_MESSAGE];
  long long i;
  bench_fill(out, sizeof(out));
  for (i = 0; i < rounds; i++)
    if (udp_round(t->socket, &t->peer, out, in, sizeof(out)) != 0) return 1;
  return 0;
}

static int test_udp(const bench_args *args, bench_result *out) {
  bench_target t;
  int rc;
  if (open_udp(args, &t.socket, &t.peer) != 0) return 1;
  rc = bench_count(udp_rounds, &t, args->amount, out);
  close_socket(t.socket);
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
static int so_type_rounds(const bench_target *t, long long rounds) {
  long long i;
  int value;
  for (i = 0; i < rounds; i++)
    if (get_so_type(t->socket, &value) != 0 || value != t->stream_type)
      return bench_fail("getsockopt", "SO_TYPE");
  return 0;
}

static int test_sockopt(const bench_args *args, bench_result *out) {
  bench_target t;
  int rc;
  if (open_tcp_socket(&t.socket) != 0) return 1;
  t.stream_type = stream_type();
  rc = bench_count(so_type_rounds, &t, args->amount, out);
  close_socket(t.socket);
  return rc;
}

/* ---- The program ---------------------------------------------------------- */

static const struct bench_test {
  const char *name;
  int (*run)(const bench_args *args, bench_result *out);
} bench_tests[] = {
    {"echo", test_echo}, {"bulk", test_bulk}, {"connect", test_connect},
    {"udp", test_udp},   {"gai", test_gai},   {"serv", test_serv},
    {"sockopt", test_sockopt}};

/* Runs the test named by argv[1]; a client's main() is this. */
static int bench_main(int argc, char **argv) {
  bench_args args;
  bench_result result = {0, 0, 0.0};
  size_t i;
  if (argc != 5) {
    fprintf(stderr, "usage: %s TEST HOST PORT AMOUNT\n", argv[0]);
    return 2;
  }
  args.host = argv[2];
  args.port = atoi(argv[3]);
  args.amount = atoll(argv[4]);
  for (i = 0; i < sizeof(bench_tests) / sizeof(bench_tests[0]); i++) {
    const struct bench_test *t = &bench_tests[i];
    if (strcmp(t->name, argv[1]) != 0) continue;
    if (t->run(&args, &result) != 0) return 1;
    printf("{\"test\":\"%s\",\"ops\":%lld,\"bytes\":%lld,\"seconds\":%.9f}\n",
           t->name, result.ops, result.bytes, result.seconds);
    fflush(stdout);
    return 0;
  }
  fprintf(stderr, "client: no test %s\n", argv[1]);
  return 2;
}

#endif
