/* Runs every test (or those whose name contains argv[1]) and prints one line
 * per test, then "N passed, N failed, N skipped". Exits 1 on any failure. */
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

int main(int argc, char **argv) {
  const char *filter = argc > 1 ? argv[1] : NULL;
  int passed = 0, failed = 0, skipped = 0;
  size_t s;
  support_init();
  for (s = 0; s < sizeof(suites) / sizeof(suites[0]); s++) {
    const test_case *t;
    for (t = suites[s]; t->name != NULL; t++) {
      int before, after;
      if (filter != NULL && strstr(t->name, filter) == NULL) continue;
      current_failed = 0;
      current_skipped = 0;
      before = support_descriptor_count();
      support_watchdog(30);
      t->run();
      support_watchdog(0);
      after = support_descriptor_count();
      if (before >= 0 && after > before)
        test_fail(__FILE__, __LINE__, "leaked %d descriptor(s)", after - before);
      if (current_failed) {
        failed++;
        printf("FAIL %s\n", t->name);
      } else if (current_skipped) {
        skipped++;
        printf("skip %s: %s\n", t->name, skip_reason);
      } else {
        passed++;
        printf("ok   %s\n", t->name);
      }
      fflush(stdout);
    }
  }
  printf("%d passed, %d failed, %d skipped\n", passed, failed, skipped);
  return failed == 0 ? 0 : 1;
}
