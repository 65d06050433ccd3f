/* The C suite's runner. One line per test ("ok   NAME", "FAIL NAME",
 * "skip NAME: why"), then "N passed, N failed, N skipped"; exits 1 on any
 * failure.
 *
 *   test-c [OPTIONS] [FILTER]
 *     FILTER          run only the tests whose name contains FILTER
 *     --list          print the names of the tests that would run, and stop
 *     --after NAME    skip every test up to and including NAME (how a script
 *                     resumes a suite after a test that crashed or hung)
 *     --announce      print "start NAME" before each test, so that whoever
 *                     reads the output knows which test a crash or hang hit
 *     --no-fork       run every test in this process (for a debugger)
 *     --timeout SECS  a test running longer fails as hung (default 60)
 *     --self-test     run the runner's own tests instead, which crash, hang
 *                     and fail on purpose (scripts/test.sh checks the output)
 *
 * Where the target can (POSIX), each test runs in a child process: a test
 * that crashes or hangs fails by name and the rest still runs. Elsewhere the
 * test runs in this process, and a crash or hang ends the run after its
 * "start" line; scripts/test.sh then resumes with --after. */
#include "test.h"

#include <stdarg.h>
#include <stdlib.h>

extern const test_case conversion_tests[];
extern const test_case address_tests[];
extern const test_case resolver_tests[];
extern const test_case tcp_tests[];
extern const test_case udp_tests[];
extern const test_case unix_tests[];
extern const test_case select_tests[];
extern const test_case option_tests[];
extern const test_case fault_tests[];
extern const test_case bad_input_tests[];
extern const test_case nim_defect_tests[];

static const test_case *const suites[] = {
    conversion_tests, address_tests, resolver_tests, tcp_tests,
    udp_tests,        unix_tests,    select_tests,   option_tests,
    fault_tests,      bad_input_tests, nim_defect_tests,
};

/* ---- the runner's own test (--self-test) -------------------------------- */

/* Tests that misbehave on purpose: scripts/test.sh runs them to check that a
 * crash and a hang are reported by name and that the run goes on after
 * them, and what a failed CHECK_EQ prints. */
static void self_test_passes(void) {
  CHECK_EQ(1 + 1, 2);
}

static void self_test_prints_counts_and_codes(void) {
  CHECK_EQ(2, 3);
  CHECK_EQ(NS_ECONNREFUSED, NS_OK);
}

static void self_test_crashes(void) {
  abort();
}

static void self_test_hangs(void) {
  volatile unsigned long spins = 0;
  for (;;) spins++;
}

static const test_case self_tests[] = {
    {"self_test_passes", self_test_passes},
    {"self_test_prints_counts_and_codes", self_test_prints_counts_and_codes},
    {"self_test_crashes", self_test_crashes},
    {"self_test_hangs", self_test_hangs},
    {"self_test_passes_after_them", self_test_passes},
    {NULL, NULL},
};

static const test_case *const self_test_suites[] = {self_tests};

typedef struct options {
  const char *filter;
  const char *after;
  int list;
  int announce;
  int fork;
  int self_test;
  unsigned timeout;
} options;

static int current_failed;
static int current_skipped;
static char skip_reason[256];

void test_fail(const char *file, int line, const char *fmt, ...) {
  va_list ap;
  current_failed = 1;
  fprintf(stdout, "    %s:%d: ", file, line);
  va_start(ap, fmt);
  vfprintf(stdout, fmt, ap);
  va_end(ap);
  fputc('\n', stdout);
}

void test_skip(const char *reason) {
  current_skipped = 1;
  snprintf(skip_reason, sizeof(skip_reason), "%s", reason);
}

int test_failed(void) {
  return current_failed;
}

/* A result as the reader wants it: a count as a number, an error code (any
 * negative result) as its number and name. */
const char *test_describe(long long value, char *buf, size_t len) {
  if (value < 0)
    snprintf(buf, len, "%lld (%s)", value, ns_err_name((int)value));
  else
    snprintf(buf, len, "%lld", value);
  return buf;
}

void test_fail_eq(const char *file, int line, const char *expr, long long got,
                  long long want) {
  char got_text[64], want_text[64];
  test_fail(file, line, "%s == %s, expected %s", expr,
            test_describe(got, got_text, sizeof(got_text)),
            test_describe(want, want_text, sizeof(want_text)));
}

/* Runs one test here and prints its verdict. */
int test_run_and_report(const test_case *t) {
  int before, after;
  current_failed = 0;
  current_skipped = 0;
  before = support_descriptor_count();
  t->run();
  after = support_descriptor_count();
  if (before >= 0 && after > before)
    test_fail(__FILE__, __LINE__, "leaked %d descriptor(s)", after - before);
  if (current_failed) {
    printf("FAIL %s\n", t->name);
    fflush(stdout);
    return TEST_FAILED;
  }
  if (current_skipped) {
    printf("skip %s: %s\n", t->name, skip_reason);
    fflush(stdout);
    return TEST_SKIPPED;
  }
  printf("ok   %s\n", t->name);
  fflush(stdout);
  return TEST_PASSED;
}

int test_run_in_process(const test_case *t, unsigned timeout) {
  int result;
  support_watchdog(timeout);
  result = test_run_and_report(t);
  support_watchdog(0);
  return result;
}

static void usage(void) {
  fputs("usage: test-c [--list] [--after NAME] [--announce] [--no-fork]\n"
        "              [--timeout SECONDS] [--self-test] [FILTER]\n",
        stderr);
  exit(2);
}

static options parse_options(int argc, char **argv) {
  options o = {NULL, NULL, 0, 0, 1, 0, 60};
  int i;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--list") == 0) {
      o.list = 1;
    } else if (strcmp(a, "--announce") == 0) {
      o.announce = 1;
    } else if (strcmp(a, "--no-fork") == 0) {
      o.fork = 0;
    } else if (strcmp(a, "--self-test") == 0) {
      o.self_test = 1;
    } else if (strcmp(a, "--after") == 0 && i + 1 < argc) {
      o.after = argv[++i];
    } else if (strcmp(a, "--timeout") == 0 && i + 1 < argc) {
      o.timeout = (unsigned)strtoul(argv[++i], NULL, 10);
    } else if (a[0] == '-' && a[1] == '-') {
      usage();
    } else if (o.filter == NULL) {
      o.filter = a;
    } else {
      usage();
    }
  }
  return o;
}

int main(int argc, char **argv) {
  options o = parse_options(argc, argv);
  int counts[3] = {0, 0, 0};
  int skipping = o.after != NULL;
  const test_case *const *list = o.self_test ? self_test_suites : suites;
  size_t n = o.self_test ? 1 : sizeof(suites) / sizeof(suites[0]), s;
  support_init();
  for (s = 0; s < n; s++) {
    const test_case *t;
    for (t = list[s]; t->name != NULL; t++) {
      int result;
      if (skipping) {
        skipping = strcmp(t->name, o.after) != 0;
        continue;
      }
      if (o.filter != NULL && strstr(t->name, o.filter) == NULL) continue;
      if (o.list) {
        printf("%s\n", t->name);
        continue;
      }
      if (o.announce) printf("start %s\n", t->name);
      fflush(stdout);
      result = o.fork ? support_run_isolated(t, o.timeout)
                      : test_run_in_process(t, o.timeout);
      counts[result]++;
    }
  }
  if (o.list) return 0;
  /* A filter that matches nothing is a typo, not a passing run (after
   * --after, nothing left to run is normal). */
  if (o.filter != NULL && o.after == NULL &&
      counts[TEST_PASSED] + counts[TEST_FAILED] + counts[TEST_SKIPPED] == 0) {
    printf("FAIL (no test name contains \"%s\"; see --list)\n", o.filter);
    counts[TEST_FAILED]++;
  }
  printf("%d passed, %d failed, %d skipped\n", counts[TEST_PASSED],
         counts[TEST_FAILED], counts[TEST_SKIPPED]);
  return counts[TEST_FAILED] == 0 ? 0 : 1;
}
