/* poll, ppoll, select and pselect on poll_oneoff, with the per-descriptor
 * arrays on the heap. wasi-libc's versions put them on the stack (about 160
 * bytes a descriptor), so a server with a few hundred connections overflows
 * wasm-ld's default 64 KiB stack; these take any number of descriptors.
 * select's fd_set is the add-on's: Linux's bitmap, not wasi-libc's list.
 * wasm32-wasi has one thread, so the arrays are kept and reused. */
#include "../addon.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <time.h>
#include <wasi/api.h>

#define NO_TIMEOUT (-1)

/* Storage that only grows: the subscriptions and events of one call. */
typedef struct poll_arrays {
  __wasi_subscription_t *subs;
  __wasi_event_t *events;
  size_t room;
} poll_arrays;

static poll_arrays arrays;

static bool reserve(size_t count) {
  __wasi_subscription_t *subs;
  __wasi_event_t *events;
  size_t room = arrays.room ? arrays.room : 64;
  if (count <= arrays.room) return true;
  while (room < count) {
    if (room > SIZE_MAX / 2 / sizeof(*subs)) return false;
    room *= 2;
  }
  subs = realloc(arrays.subs, room * sizeof(*subs));
  if (subs == NULL) return false;
  arrays.subs = subs;
  events = realloc(arrays.events, room * sizeof(*events));
  if (events == NULL) return false;
  arrays.events = events;
  arrays.room = room;
  return true;
}

static void subscribe_fd(size_t *n, size_t index, int fd, __wasi_eventtype_t type) {
  __wasi_subscription_t *s = &arrays.subs[(*n)++];
  memset(s, 0, sizeof(*s));
  s->userdata = index;
  s->u.tag = type;
  if (type == __WASI_EVENTTYPE_FD_READ) s->u.u.fd_read.file_descriptor = (__wasi_fd_t)fd;
  else s->u.u.fd_write.file_descriptor = (__wasi_fd_t)fd;
}

static void subscribe_clock(size_t *n, int64_t timeout_ns) {
  __wasi_subscription_t *s = &arrays.subs[(*n)++];
  memset(s, 0, sizeof(*s));
  s->userdata = UINT64_MAX;
  s->u.tag = __WASI_EVENTTYPE_CLOCK;
  s->u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  s->u.u.clock.timeout = (__wasi_timestamp_t)timeout_ns;
}

/* What one event says of its descriptor. A descriptor asked for neither
 * reading nor writing was subscribed for reading, to learn of errors and
 * hang-ups only. */
static short revents_of(const __wasi_event_t *e, short asked) {
  short r = 0;
  if (e->error == __WASI_ERRNO_BADF) return POLLNVAL;
  if (e->error == __WASI_ERRNO_PIPE) return POLLHUP;
  if (e->error != 0) return POLLERR;
  if (e->type == __WASI_EVENTTYPE_FD_READ) r |= asked & POLLIN;
  else r |= asked & POLLOUT;
  if (e->fd_readwrite.flags & __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP) r |= POLLHUP;
  return r;
}

/* poll with the timeout in nanoseconds (NO_TIMEOUT: none). */
static int poll_ns(struct pollfd *fds, nfds_t nfds, int64_t timeout_ns) {
  size_t n = 0, count = 0, i;
  __wasi_size_t got = 0;
  __wasi_errno_t rc;
  if (nfds > 0 && fds == NULL) return nsw_fail(EFAULT);
  if (nfds > (SIZE_MAX - 1) / 2 || !reserve(2 * (size_t)nfds + 1)) return nsw_fail(ENOMEM);
  for (i = 0; i < nfds; i++) {
    fds[i].revents = 0;
    if (fds[i].fd < 0) continue;
    if (fds[i].events & POLLOUT) subscribe_fd(&n, i, fds[i].fd, __WASI_EVENTTYPE_FD_WRITE);
    if ((fds[i].events & POLLIN) || !(fds[i].events & POLLOUT)) {
      subscribe_fd(&n, i, fds[i].fd, __WASI_EVENTTYPE_FD_READ);
    }
  }
  /* Nothing to wait for and no end: Linux sleeps for good, and so does
   * this (poll_oneoff needs one subscription). */
  if (timeout_ns == NO_TIMEOUT && n == 0) timeout_ns = INT64_MAX;
  if (timeout_ns != NO_TIMEOUT) subscribe_clock(&n, timeout_ns);
  rc = __wasi_poll_oneoff(arrays.subs, arrays.events, n, &got);
  if (rc != 0) return nsw_fail(rc);
  for (i = 0; i < got; i++) {
    const __wasi_event_t *e = &arrays.events[i];
    struct pollfd *p;
    if (e->type == __WASI_EVENTTYPE_CLOCK || e->userdata >= nfds) continue;
    p = &fds[e->userdata];
    p->revents |= revents_of(e, p->events);
  }
  for (i = 0; i < nfds; i++) count += fds[i].revents != 0;
  return (int)count;
}

int poll(struct pollfd *fds, nfds_t nfds, int timeout_ms) {
  return poll_ns(fds, nfds, timeout_ms < 0 ? NO_TIMEOUT : (int64_t)timeout_ms * 1000000);
}

static int64_t timespec_ns(const struct timespec *ts) {
  if (ts == NULL) return NO_TIMEOUT;
  if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000) return -2;
  if (ts->tv_sec > INT64_MAX / 1000000000 - 1) return INT64_MAX;
  return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/* No signals reach a WASI program, so the mask has nothing to do. */
int ppoll(struct pollfd *fds, nfds_t nfds, const struct timespec *timeout,
          const sigset_t *mask) {
  int64_t ns = timespec_ns(timeout);
  (void)mask;
  if (ns == -2) return nsw_fail(EINVAL);
  return poll_ns(fds, nfds, ns);
}

/* ---- select ------------------------------------------------------------ */

/* The add-on's fd_set is Linux's bitmap (see __typedef_fd_set.h). As on
 * Linux, a program may pass larger sets it allocated itself: nfds bits are
 * read, up to this many (Linux stops at its descriptor limit). */
#define SELECT_MAX_FDS 65536

static struct pollfd *select_fds;
static size_t select_room;

static bool reserve_select(size_t count) {
  struct pollfd *grown;
  if (count <= select_room) return true;
  grown = realloc(select_fds, count * sizeof(*grown));
  if (grown == NULL) return false;
  select_fds = grown;
  select_room = count;
  return true;
}

static bool in_set(const fd_set *set, int fd) {
  return set != NULL && FD_ISSET(fd, set);
}

/* The descriptors of the three sets below nfds, as a poll list. */
static size_t poll_list(int nfds, const fd_set *rd, const fd_set *wr, const fd_set *ex) {
  size_t count = 0;
  int fd;
  for (fd = 0; fd < nfds; fd++) {
    short events = (short)((in_set(rd, fd) ? POLLIN : 0) | (in_set(wr, fd) ? POLLOUT : 0));
    /* Exceptional conditions (urgent data) never happen here; such a
     * descriptor is still checked for being open. */
    if (events == 0 && !in_set(ex, fd)) continue;
    select_fds[count].fd = fd;
    select_fds[count].events = events;
    select_fds[count].revents = 0;
    count++;
  }
  return count;
}

static int select_ns(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, int64_t ns) {
  size_t count, i;
  int ready = 0;
  if (nfds < 0 || ns == -2) return nsw_fail(EINVAL);
  if (nfds > SELECT_MAX_FDS) nfds = SELECT_MAX_FDS;
  if (!reserve_select((size_t)nfds + 1)) return nsw_fail(ENOMEM);
  count = poll_list(nfds, rd, wr, ex);
  if (poll_ns(select_fds, count, ns) < 0) return -1;
  for (i = 0; i < count; i++) {
    if (select_fds[i].revents & POLLNVAL) return nsw_fail(EBADF);
  }
  if (rd != NULL) FD_ZERO(rd);
  if (wr != NULL) FD_ZERO(wr);
  if (ex != NULL) FD_ZERO(ex);
  /* As on Linux, a hang-up or an error makes a descriptor readable and
   * writable, so the next call reports it. */
  for (i = 0; i < count; i++) {
    const struct pollfd *p = &select_fds[i];
    if ((p->events & POLLIN) && (p->revents & (POLLIN | POLLHUP | POLLERR))) {
      FD_SET(p->fd, rd);
      ready++;
    }
    if ((p->events & POLLOUT) && (p->revents & (POLLOUT | POLLERR))) {
      FD_SET(p->fd, wr);
      ready++;
    }
  }
  return ready;
}

int select(int nfds, fd_set *__restrict rd, fd_set *__restrict wr,
           fd_set *__restrict ex, struct timeval *__restrict timeout) {
  int64_t ns = NO_TIMEOUT;
  if (timeout != NULL) {
    if (timeout->tv_sec < 0 || timeout->tv_usec < 0 || timeout->tv_usec >= 1000000) {
      return nsw_fail(EINVAL);
    }
    ns = (int64_t)timeout->tv_sec * 1000000000 + (int64_t)timeout->tv_usec * 1000;
  }
  return select_ns(nfds, rd, wr, ex, ns);
}

int pselect(int nfds, fd_set *__restrict rd, fd_set *__restrict wr,
            fd_set *__restrict ex, const struct timespec *__restrict timeout,
            const sigset_t *__restrict mask) {
  (void)mask;
  return select_ns(nfds, rd, wr, ex, timespec_ns(timeout));
}
