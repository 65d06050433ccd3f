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
 * prints one JSON line {"test":...,"ops":N,"seconds":S,"bytes":B,
 * "cpuSeconds":C,"threadCpuSeconds":T[,"p99us":P]} for the timed part, after
 * an untimed warm-up of a tenth of the work. AMOUNT is a count of round
 * trips, connections or calls, bytes for "bulk" and "recv", round trips per
 * connection for "many", and milliseconds for the resolver tests ("gai",
 * "serv"), which run for a time. cpuSeconds is the user + system time of the
 * whole process over the timed part (every thread: under the Node host, the
 * guest's thread, the host's worker and Node's own); threadCpuSeconds that of
 * the calling thread alone (the guest's, under the host).
 *
 * The memory tests ("churn", "open") print {"phase":"before"} and
 * {"phase":"after"} around their work and wait for a line on standard input
 * after each, so that bench/run.mjs can read the process's RSS at those
 * points.
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

#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define BENCH_MESSAGE 64                /* echo and UDP payload */
#define BENCH_CHUNK (64 * 1024)         /* one bulk write, one recv */
#define BENCH_MANY 1000                 /* connections of "many" and "open" */

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
  double cpu_seconds;        /* the process, every thread */
  double thread_cpu_seconds; /* the calling thread */
  double p99_us;             /* "many": the 99th percentile round trip; else < 0 */
} bench_result;

/* ---- The client's socket calls ------------------------------------------
 * Each returns 0, or 1 after saying what failed (bench_fail). */

/* A TCP connection to the peer, with TCP_NODELAY. */
static int connect_tcp(const bench_args *args, bench_socket *out);
static int send_all(bench_socket s, const unsigned char *buf, size_t len);
static int recv_all(bench_socket s, unsigned char *buf, size_t len);
/* One recv of at most `len` bytes: the count, 0 at end of stream, or -1
 * after saying what failed. */
static long recv_some(bench_socket s, unsigned char *buf, size_t len);
/* The descriptor poll() takes for `s`. */
static int poll_descriptor(bench_socket s);
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

static double clock_seconds(clockid_t clock) {
  struct timespec ts;
  if (clock_gettime(clock, &ts) != 0) return -1.0;
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The start of a timed part: the monotonic clock and both CPU clocks. */
typedef struct bench_clock {
  double wall, cpu, thread_cpu;
} bench_clock;

static bench_clock bench_clock_start(void) {
  bench_clock c;
  c.cpu = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
  c.thread_cpu = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
  c.wall = bench_now();
  return c;
}

/* Ends the timed part begun at `c`: seconds and CPU seconds into `out`
 * (CPU -1 where the target has no such clock). */
static void bench_clock_stop(const bench_clock *c, bench_result *out) {
  double wall = bench_now();
  double cpu = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
  double thread_cpu = clock_seconds(CLOCK_THREAD_CPUTIME_ID);
  out->seconds = wall - c->wall;
  out->cpu_seconds = cpu >= 0 && c->cpu >= 0 ? cpu - c->cpu : -1.0;
  out->thread_cpu_seconds = thread_cpu >= 0 && c->thread_cpu >= 0 ? thread_cpu - c->thread_cpu : -1.0;
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
  bench_clock clock = bench_clock_start();
  double end = clock.wall + (double)ms / 1000.0;
  long long ops = 0;
  while (bench_now() < end) {
    if (call() != 0) return 1;
    ops++;
  }
  bench_clock_stop(&clock, out);
  out->ops = ops;
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
  bench_clock clock;
  if (rounds(t, amount / 10) != 0) return 1;
  clock = bench_clock_start();
  if (rounds(t, amount) != 0) return 1;
  bench_clock_stop(&clock, out);
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
  bench_clock clock;
  int rc;
  bench_fill(chunk, sizeof(chunk));
  if (connect_tcp(args, &s) != 0) return 1;
  rc = send_bytes(s, chunk, warm);
  clock = bench_clock_start();
  if (rc == 0) rc = send_bytes(s, chunk, args->amount);
  if (rc == 0) rc = shutdown_write(s);
  if (rc == 0) rc = recv_all(s, answer, sizeof(answer));
  bench_clock_stop(&clock, out);
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

/* ---- Receiving ------------------------------------------------------------ */

/* Reads until end of stream in BENCH_CHUNK recv calls, or `limit` bytes
 * when limit >= 0; *total gets the count. */
static int recv_bytes(bench_socket s, unsigned char *buf, long long limit, long long *total) {
  *total = 0;
  while (limit < 0 || *total < limit) {
    size_t want = BENCH_CHUNK;
    long n;
    if (limit >= 0 && limit - *total < (long long)want) want = (size_t)(limit - *total);
    n = recv_some(s, buf, want);
    if (n < 0) return 1;
    if (n == 0) return limit < 0 ? 0 : bench_fail("recv", "end of stream too early");
    *total += n;
  }
  return 0;
}

/* The source (bench/peer.c) sends the count it is asked for, in 64 KiB
 * writes, and closes: a tenth untimed, then `amount` bytes to the end of
 * the stream, timed. */
static int test_recv(const bench_args *args, bench_result *out) {
  static unsigned char buf[BENCH_CHUNK];
  unsigned char request[8];
  long long warm = args->amount / 10, total = (warm + args->amount), got = 0;
  bench_socket s;
  bench_clock clock;
  int i, rc;
  for (i = 0; i < 8; i++) request[i] = (unsigned char)((unsigned long long)total >> (8 * i));
  if (connect_tcp(args, &s) != 0) return 1;
  rc = send_all(s, request, sizeof(request));
  if (rc == 0) rc = recv_bytes(s, buf, warm, &got);
  clock = bench_clock_start();
  if (rc == 0) rc = recv_bytes(s, buf, -1, &got);
  bench_clock_stop(&clock, out);
  close_socket(s);
  if (rc == 0 && got != args->amount) return bench_fail("recv", "a different number of bytes");
  out->ops = args->amount / BENCH_CHUNK;
  out->bytes = args->amount;
  return rc;
}

/* ---- Many connections ----------------------------------------------------- */

/* One of the "many" test's connections: the message in flight. */
typedef struct many_conn {
  bench_socket socket;
  size_t got;          /* bytes of the echo back so far */
  long long left;      /* round trips still to do */
  double sent_at;
  unsigned char in[BENCH_MESSAGE];
} many_conn;

typedef struct many_state {
  many_conn *conns;
  struct pollfd *fds;  /* fds[i] watches conns[which[i]]; the first `active` */
  size_t *which;
  double *latencies;   /* NULL: not kept (the warm-up) */
  long long latency_count;
} many_state;

static const unsigned char *many_message(void) {
  static unsigned char message[BENCH_MESSAGE];
  if (message[0] == 0) bench_fill(message, sizeof(message));
  return message;
}

static int many_send(many_conn *c) {
  c->sent_at = bench_now();
  c->got = 0;
  return send_all(c->socket, many_message(), BENCH_MESSAGE);
}

/* Reads what poll() said is there; at a whole echo, checks it, notes its
 * round trip and sends the next. Returns 1 once this connection is done,
 * -1 on failure. */
static int many_ready(many_state *st, many_conn *c) {
  long n = recv_some(c->socket, c->in + c->got, BENCH_MESSAGE - c->got);
  if (n <= 0) return n == 0 ? -bench_fail("many", "end of stream") : -1;
  c->got += (size_t)n;
  if (c->got < BENCH_MESSAGE) return 0;
  if (memcmp(c->in, many_message(), BENCH_MESSAGE) != 0) return -bench_fail("many", "wrong bytes back");
  if (st->latencies != NULL) st->latencies[st->latency_count++] = bench_now() - c->sent_at;
  if (--c->left == 0) return 1;
  return many_send(c) == 0 ? 0 : -1;
}

/* Every connection does `rounds` round trips, all at once, over poll(). */
static int many_rounds(many_state *st, long long rounds) {
  size_t active = BENCH_MANY, i;
  if (rounds == 0) return 0;
  for (i = 0; i < BENCH_MANY; i++) {
    st->which[i] = i;
    st->fds[i].fd = poll_descriptor(st->conns[i].socket);
    st->fds[i].events = POLLIN;
    st->conns[i].left = rounds;
    if (many_send(&st->conns[i]) != 0) return 1;
  }
  while (active > 0) {
    int n = poll(st->fds, (nfds_t)active, 10000);
    if (n < 0) return bench_fail("poll", "failed");
    if (n == 0) return bench_fail("poll", "no echo for 10 s");
    /* Downwards, so the entry swapped in for a finished one was seen. */
    for (i = active; i-- > 0;) {
      int done;
      if (st->fds[i].revents == 0) continue;
      done = many_ready(st, &st->conns[st->which[i]]);
      if (done < 0) return 1;
      if (done == 0) continue;
      active--;
      st->fds[i] = st->fds[active];
      st->which[i] = st->which[active];
    }
  }
  return 0;
}

static int compare_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int many_open(many_state *st, const bench_args *args, size_t *opened) {
  for (*opened = 0; *opened < BENCH_MANY; (*opened)++)
    if (connect_tcp(args, &st->conns[*opened].socket) != 0) return 1;
  return 0;
}

/* BENCH_MANY connections to the echo server, each doing `amount` 64-byte
 * round trips at once over poll(): requests/s and the 99th percentile. */
static int test_many(const bench_args *args, bench_result *out) {
  many_state st;
  bench_clock clock;
  size_t opened = 0, i;
  long long total = (long long)BENCH_MANY * args->amount;
  int rc;
  memset(&st, 0, sizeof(st));
  st.conns = calloc(BENCH_MANY, sizeof(*st.conns));
  st.fds = calloc(BENCH_MANY, sizeof(*st.fds));
  st.which = calloc(BENCH_MANY, sizeof(*st.which));
  rc = st.conns && st.fds && st.which ? 0 : bench_fail("many", "out of memory");
  if (rc == 0) rc = many_open(&st, args, &opened);
  if (rc == 0) rc = many_rounds(&st, args->amount / 10);
  if (rc == 0) {
    st.latencies = malloc((size_t)total * sizeof(double));
    if (st.latencies == NULL) rc = bench_fail("many", "out of memory");
  }
  if (rc == 0) {
    clock = bench_clock_start();
    rc = many_rounds(&st, args->amount);
    bench_clock_stop(&clock, out);
  }
  if (rc == 0) {
    qsort(st.latencies, (size_t)total, sizeof(double), compare_double);
    out->p99_us = st.latencies[(size_t)((double)(total - 1) * 0.99)] * 1e6;
    out->ops = total;
  }
  for (i = 0; i < opened; i++) close_socket(st.conns[i].socket);
  free(st.latencies);
  free(st.conns);
  free(st.fds);
  free(st.which);
  return rc;
}

/* ---- Memory ---------------------------------------------------------------- */

/* Tells bench/run.mjs that the process is at `phase` and waits for its go:
 * it reads the process's RSS meanwhile. */
static int bench_phase(const char *phase) {
  char line[16];
  printf("{\"phase\":\"%s\"}\n", phase);
  fflush(stdout);
  return fgets(line, sizeof(line), stdin) != NULL ? 0 : bench_fail("phase", "no go on stdin");
}

/* `amount` connections in a row (connect, the peer's close, close), with
 * the RSS read before and after. */
static int test_churn(const bench_args *args, bench_result *out) {
  bench_target t;
  bench_clock clock;
  if (resolve_tcp_peer(args, &t.peer) != 0 || bench_phase("before") != 0) return 1;
  clock = bench_clock_start();
  if (connect_rounds(&t, args->amount) != 0) return 1;
  bench_clock_stop(&clock, out);
  out->ops = args->amount;
  return bench_phase("after");
}

/* BENCH_MANY connections open at once, each with one echo done (so its
 * data path exists), with the RSS read before they open and while open. */
static int test_open(const bench_args *args, bench_result *out) {
  many_state st;
  bench_clock clock;
  size_t opened = 0, i;
  int rc;
  memset(&st, 0, sizeof(st));
  st.conns = calloc(BENCH_MANY, sizeof(*st.conns));
  st.fds = calloc(BENCH_MANY, sizeof(*st.fds));
  st.which = calloc(BENCH_MANY, sizeof(*st.which));
  rc = st.conns && st.fds && st.which ? bench_phase("before") : bench_fail("open", "out of memory");
  clock = bench_clock_start();
  if (rc == 0) rc = many_open(&st, args, &opened);
  if (rc == 0) rc = many_rounds(&st, 1);
  bench_clock_stop(&clock, out);
  if (rc == 0) rc = bench_phase("after");
  for (i = 0; i < opened; i++) close_socket(st.conns[i].socket);
  free(st.conns);
  free(st.fds);
  free(st.which);
  out->ops = BENCH_MANY;
  return rc;
}

/* ---- The program ---------------------------------------------------------- */

static const struct bench_test {
  const char *name;
  int (*run)(const bench_args *args, bench_result *out);
} bench_tests[] = {
    {"echo", test_echo}, {"bulk", test_bulk}, {"connect", test_connect},
    {"udp", test_udp},   {"gai", test_gai},   {"serv", test_serv},
    {"sockopt", test_sockopt}, {"recv", test_recv}, {"many", test_many},
    {"churn", test_churn},   {"open", test_open}};

/* Runs the test named by argv[1]; a client's main() is this. */
static int bench_main(int argc, char **argv) {
  bench_args args;
  bench_result result = {0, 0, 0.0, -1.0, -1.0, -1.0};
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
    printf("{\"test\":\"%s\",\"ops\":%lld,\"bytes\":%lld,\"seconds\":%.9f", t->name,
           result.ops, result.bytes, result.seconds);
    if (result.cpu_seconds >= 0) printf(",\"cpuSeconds\":%.6f", result.cpu_seconds);
    if (result.thread_cpu_seconds >= 0)
      printf(",\"threadCpuSeconds\":%.6f", result.thread_cpu_seconds);
    if (result.p99_us >= 0) printf(",\"p99us\":%.3f", result.p99_us);
    printf("}\n");
    fflush(stdout);
    return 0;
  }
  fprintf(stderr, "client: no test %s\n", argv[1]);
  return 2;
}

#endif
