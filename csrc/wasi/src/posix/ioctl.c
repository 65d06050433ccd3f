/* ioctl: FIONREAD and FIONBIO, as wasi-libc's, and ENOTTY for any other
 * request, as Linux answers on a socket (wasi-libc says EINVAL, which a
 * program probing for a feature reads as a bad argument). */
#include "../addon.h"

#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <wasi/api.h>

/* The bytes ready to read: a read subscription beside an expired clock. */
static int bytes_ready(int fd, int *out) {
  __wasi_subscription_t subs[2];
  __wasi_event_t events[2];
  __wasi_size_t got = 0, i;
  __wasi_errno_t rc;
  memset(subs, 0, sizeof(subs));
  subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  subs[0].u.u.fd_read.file_descriptor = (__wasi_fd_t)fd;
  subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  rc = __wasi_poll_oneoff(subs, events, 2, &got);
  if (rc != 0) return nsw_fail(rc);
  *out = 0;
  for (i = 0; i < got; i++) {
    if (events[i].type != __WASI_EVENTTYPE_FD_READ) continue;
    if (events[i].error != 0) return nsw_fail(events[i].error);
    *out = events[i].fd_readwrite.nbytes > INT32_MAX ? INT32_MAX
                                                     : (int)events[i].fd_readwrite.nbytes;
  }
  return 0;
}

static int set_nonblocking(int fd, bool on) {
  __wasi_fdstat_t stat;
  __wasi_errno_t rc = __wasi_fd_fdstat_get((__wasi_fd_t)fd, &stat);
  if (rc != 0) return nsw_fail(rc);
  if (on) stat.fs_flags |= __WASI_FDFLAGS_NONBLOCK;
  else stat.fs_flags &= (__wasi_fdflags_t)~__WASI_FDFLAGS_NONBLOCK;
  return nsw_result(__wasi_fd_fdstat_set_flags((__wasi_fd_t)fd, stat.fs_flags));
}

int ioctl(int fd, int request, ...) {
  va_list ap;
  int *arg;
  va_start(ap, request);
  arg = va_arg(ap, int *);
  va_end(ap);
  switch (request) {
    case FIONREAD:
      if (arg == NULL) return nsw_fail(EFAULT);
      return bytes_ready(fd, arg);
    case FIONBIO:
      if (arg == NULL) return nsw_fail(EFAULT);
      return set_nonblocking(fd, *arg != 0);
    default:
      return nsw_fail(ENOTTY);
  }
}
