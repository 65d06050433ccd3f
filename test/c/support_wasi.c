/* Test support for wasm32-wasi under the Node host (js/host/run-wasi.js),
 * run by scripts/test.sh with the network allowed, /tmp a fresh temporary
 * directory and /etc a copy of the system databases. WASI has no dup, no resource limits, no exec, no threads and no
 * signals; where a test needs one of them, these answer NS_ENOTSUP or -1 and
 * the test skips with its reason. */
#include "test.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <wasi/api.h>

/* Descriptors are probed up to here: above the highest a test asks for
 * (support_dup_at_least goes to 4000 and a little above). */
#define PROBE_LIMIT 5000

/* What both WebAssembly targets answer alike. */
#include "support_wasm.inc"

/* fcntl(F_GETFD) cannot probe: wasi-libc answers it for any number. */
static int is_open(int fd) {
  __wasi_fdstat_t stat;
  return __wasi_fd_fdstat_get((__wasi_fd_t)fd, &stat) == 0;
}

/* WASI has no dup: fd_renumber moves the descriptor to the first free number
 * at or above `min`. `sock` is closed by that, so the caller's later close of
 * it is a harmless NS_EBADF; the tests that use this only need a socket with
 * a high number. */
int support_dup_at_least(ns_socket sock, int min, ns_socket *out) {
  int fd = min;
  __wasi_errno_t rc;
  if (!is_open(sock)) return NS_EBADF;
  while (fd < PROBE_LIMIT && is_open(fd)) fd++;
  if (fd >= PROBE_LIMIT) return NS_EMFILE;
  rc = __wasi_fd_renumber((__wasi_fd_t)sock, (__wasi_fd_t)fd);
  if (rc != 0) return ns_error_from_native(rc);
  *out = fd;
  return NS_OK;
}

/* No setrlimit: the host's table has a fixed size. */
int support_lower_descriptor_limit(int limit) {
  (void)limit;
  return NS_ENOTSUP;
}

void support_restore_descriptor_limit(void) {}

/* The host preopens /tmp. */
const char *support_temp_dir(void) {
  return "/tmp";
}

/* No getpid: a random number, drawn once, keeps paths from two runs apart. */
int support_process_id(void) {
  static int id;
  uint32_t bits = 0;
  if (id != 0) return id;
  if (__wasi_random_get((uint8_t *)&bits, sizeof(bits)) != 0)
    bits = (uint32_t)time(NULL);
  id = (int)(bits % 1000000000u) + 1;
  return id;
}
