/* Test support for the Emscripten build run by Node with the package's host
 * (emscripten/library_nativesockets.js), linked with -sNODERAWFS so that
 * files and unix-socket paths are the machine's. Descriptors are Emscripten's
 * FS table, which sockets share; its size (FS.MAX_OPEN_FDS) is the process's
 * descriptor limit. There are no threads (the build has no -pthread), no exec
 * and no signals; where a test needs one of them, these answer NS_ENOTSUP or
 * -1 and the test skips with its reason. */
#include "test.h"

#include <emscripten.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

/* Descriptors are probed up to here: Emscripten's default table size, above
 * the highest a test asks for (support_dup_at_least goes to 4000 and a
 * little above). */
#define PROBE_LIMIT 4097

/* What both WebAssembly targets answer alike. */
#include "support_wasm.inc"

static int is_open(int fd) {
  return fcntl(fd, F_GETFD) >= 0;
}

int support_dup_at_least(ns_socket sock, int min, ns_socket *out) {
  int fd = fcntl(sock, F_DUPFD, min);
  if (fd < 0) return ns_error_from_native(errno);
  *out = fd;
  return NS_OK;
}

/* The process's descriptor limit is the size of FS's table: no descriptor,
 * file or socket, is handed out above FS.MAX_OPEN_FDS. */
EM_JS(int, fd_table_max, (void), { return FS.MAX_OPEN_FDS; })
EM_JS(void, set_fd_table_max, (int max), { FS.MAX_OPEN_FDS = max; })

static int saved_max = -1;

int support_lower_descriptor_limit(int limit) {
  if (limit < 1) return NS_EINVAL;
  saved_max = fd_table_max();
  set_fd_table_max(limit - 1);
  return NS_OK;
}

void support_restore_descriptor_limit(void) {
  if (saved_max >= 0) set_fd_table_max(saved_max);
  saved_max = -1;
}

/* Emscripten's environment is its own, not the process's: TMPDIR is not
 * seen, so the machine's /tmp is used. */
const char *support_temp_dir(void) {
  return "/tmp";
}

/* Emscripten's getpid is a constant; Node's process id keeps two runs
 * apart. */
EM_JS(int, node_process_id, (void), { return process.pid; })

int support_process_id(void) {
  return node_process_id();
}
