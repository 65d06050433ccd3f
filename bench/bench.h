/*
 * What the C benchmark clients share: the command line, the clock, the
 * report line. Each client (client_raw.c: POSIX calls; client.c: the ns_*
 * API, built natively, for wasm32-wasi and with Emscripten) includes it and
 * defines the tests; main() is bench_main().
 *
 *   client TEST HOST PORT AMOUNT
 *
 * prints one JSON line {"test":...,"ops":N,"seconds":S,"bytes":B} for the
 * timed part, after an untimed warm-up of a tenth of the work. AMOUNT is a
 * count of round trips, connections or calls, bytes for "bulk", and
 * milliseconds for the resolver tests ("gai", "serv"), which run for a time.
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

typedef int (*bench_test)(const bench_args *args, bench_result *out);

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

struct bench_entry {
  const char *name;
  bench_test run;
};

/* Runs the test named by argv[1] from `tests` (NULL-terminated). */
static int bench_main(int argc, char **argv, const struct bench_entry *tests) {
  bench_args args;
  bench_result result = {0, 0, 0.0};
  const struct bench_entry *t;
  if (argc != 5) {
    fprintf(stderr, "usage: %s TEST HOST PORT AMOUNT\n", argv[0]);
    return 2;
  }
  args.host = argv[2];
  args.port = atoi(argv[3]);
  args.amount = atoll(argv[4]);
  for (t = tests; t->name != NULL; t++) {
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
