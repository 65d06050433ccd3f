/*
 * The C test suite's framework: one suite, written once against the public
 * header, built and run on every target. Tests use real sockets on loopback.
 *
 * A test is a void function. CHECK records a failure and goes on; REQUIRE
 * records it and returns from the test; SKIP marks the test skipped, with a
 * reason, and returns. The runner fails a test that leaks descriptors.
 */
#ifndef NS_TEST_H
#define NS_TEST_H

#include "nativesockets.h"

#include <stdio.h>
#include <string.h>

typedef struct test_case {
  const char *name;
  void (*run)(void);
} test_case;

void test_fail(const char *file, int line, const char *fmt, ...);
void test_skip(const char *reason);
/* Whether the running test has failed so far. */
int test_failed(void);

#define CHECK(cond)                                                   \
  do {                                                                \
    if (!(cond)) test_fail(__FILE__, __LINE__, "CHECK(%s)", #cond);   \
  } while (0)

#define REQUIRE(cond)                                                 \
  do {                                                                \
    if (!(cond)) {                                                    \
      test_fail(__FILE__, __LINE__, "REQUIRE(%s)", #cond);            \
      return;                                                         \
    }                                                                 \
  } while (0)

/* Prints "EXPR == GOT, expected WANT" as a failure: counts as numbers, error
 * codes (negative) as number and name ("-9 (ECONNREFUSED)"). */
void test_fail_eq(const char *file, int line, const char *expr, long long got,
                  long long want);
/* `value` as test_fail_eq shows it, in buf. */
const char *test_describe(long long value, char *buf, size_t len);

/* Compares a result (an error code or a count) with what is expected. */
#define CHECK_EQ(expr, expected)                                          \
  do {                                                                    \
    long long got_ = (long long)(expr), want_ = (long long)(expected);    \
    if (got_ != want_) test_fail_eq(__FILE__, __LINE__, #expr, got_, want_); \
  } while (0)

#define REQUIRE_EQ(expr, expected)                                        \
  do {                                                                    \
    long long got_ = (long long)(expr), want_ = (long long)(expected);    \
    if (got_ != want_) {                                                  \
      test_fail_eq(__FILE__, __LINE__, #expr, got_, want_);               \
      return;                                                             \
    }                                                                     \
  } while (0)

#define CHECK_OK(expr) CHECK_EQ(expr, NS_OK)
#define REQUIRE_OK(expr) REQUIRE_EQ(expr, NS_OK)

#define CHECK_STR(got, want)                                                 \
  do {                                                                       \
    const char *got_ = (got), *want_ = (want);                               \
    if (got_ == NULL || strcmp(got_, want_) != 0)                            \
      test_fail(__FILE__, __LINE__, "%s == \"%s\", expected \"%s\"", #got,   \
                got_ ? got_ : "(null)", want_);                              \
  } while (0)

#define SKIP(reason)    \
  do {                  \
    test_skip(reason);  \
    return;             \
  } while (0)

/* ---- running tests (runner.c) ------------------------------------------ */

enum { TEST_PASSED = 0, TEST_FAILED = 1, TEST_SKIPPED = 2 };

/* Runs one test in this process, prints its verdict line and returns
 * TEST_PASSED, TEST_FAILED or TEST_SKIPPED. */
int test_run_and_report(const test_case *t);
/* The same under the target's watchdog (support_watchdog). */
int test_run_in_process(const test_case *t, unsigned timeout);

/* ---- helpers on the public API (helpers.c) ------------------------------ */

/* Loopback address of `domain` (127.0.0.1 or ::1) with `port`. */
socklen_t loopback_address(ns_domain domain, ns_port port,
                           struct sockaddr_storage *out);
/* Whether ::1 can be bound here (IPv6 tests skip otherwise). */
int ipv6_available(void);
/* A socket of `type` bound to loopback port 0; *port receives its port. */
int bound_socket(ns_domain domain, ns_sock_type type, ns_socket *out,
                 ns_port *port);
/* A listening TCP socket on loopback. */
int tcp_listener(ns_domain domain, ns_socket *out, ns_port *port);
/* A TCP client connected to loopback `port`. */
int tcp_connect_to(ns_domain domain, ns_port port, ns_socket *client);
/* A listener and a client whose connection waits in its queue. */
int tcp_pending(ns_domain domain, ns_socket *listener, ns_socket *client);
/* A connected pair: client and the server side accepted from a listener. */
int tcp_pair(ns_domain domain, ns_socket *client, ns_socket *server);
/* A port on loopback that nothing listens on (bound, then closed). */
int unused_port(ns_domain domain, ns_port *port);
/* Sends all of buf, looping over short writes. */
int send_all(ns_socket sock, const void *buf, size_t len);
/* Receives exactly len bytes (blocking socket), or fails. */
int recv_all(ns_socket sock, void *buf, size_t len);
/* A fresh path for a unix socket under the temporary directory. */
void unix_socket_path(char *buf, size_t len);

/* ---- what differs between targets (support_<target>.c) ----------------- */

/* How many descriptors this process has open, or -1 if unknown here. */
int support_descriptor_count(void);
/* Duplicates `sock` onto a descriptor number >= `min`. Returns NS_OK,
 * or NS_ENOTSUP where the target cannot. WASI has no dup: there `sock` is
 * moved, so it is closed afterwards and closing it again is NS_EBADF. */
int support_dup_at_least(ns_socket sock, int min, ns_socket *out);
/* Lowers the open-descriptor limit to `limit`; NS_ENOTSUP where it cannot.
 * support_restore_descriptor_limit puts the previous one back. */
int support_lower_descriptor_limit(int limit);
void support_restore_descriptor_limit(void);
/* Whether this target has unix-domain stream sockets: 1 if it must, 0 if
 * creating one must fail with NS_EAFNOSUPPORT (which the tests then check). */
int support_unix_sockets(void);
/* Whether recv reports a connection reset by the peer as NS_ECONNRESET (1),
 * or only as an end of stream (0: Wine, which keeps returning 0). */
int support_reports_resets(void);
/* Whether a child process would inherit `sock` (1/0), or -1 if unknown. */
int support_is_inheritable(ns_socket sock);
/* Runs fn(arg[i]) on `count` threads and waits for them; NS_ENOTSUP where
 * there are no threads. */
int support_run_threads(int count, void (*fn)(void *), void **args);
/* A descriptor that is not a socket (a file), for ENOTSOCK checks. */
int support_open_non_socket(ns_socket *out);
void support_close_non_socket(ns_socket file);
/* The system file `name` ("services", "protocols", "hosts"), or NULL. */
FILE *support_open_system_file(const char *name);
const char *support_temp_dir(void);
int support_process_id(void);
void support_remove_file(const char *path);
/* Runs one test where a crash or hang cannot take the runner with it (a
 * child process, where the target has them; else test_run_in_process) and
 * returns its TEST_* result. A test that crashes or runs past `timeout`
 * seconds is reported as failed, by name, with why. */
int support_run_isolated(const test_case *t, unsigned timeout);
/* Kills the process with a message if a test runs longer than this. */
void support_watchdog(unsigned seconds);
/* Prepares the process: no SIGPIPE handler is installed on purpose, so a
 * library that raised SIGPIPE would kill the suite. */
void support_init(void);

#endif
