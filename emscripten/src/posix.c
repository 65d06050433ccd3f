/* The POSIX calls that Emscripten's libc answers with its own socket
 * emulation and that the WASI add-on (csrc/wasi) does not replace, because
 * wasi-libc already has them: poll, select and shutdown. Here they go to the
 * same host calls wasi-libc makes (poll_oneoff, sock_shutdown), which
 * emscripten/library_nativesockets.js answers. In poll, descriptors that are
 * not sockets are ready at once, as in the host's poll_oneoff. */
#include "addon.h"

#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <wasi/api.h>

/* One pollfd becomes up to two subscriptions (read, write); the userdata
 * says which pollfd and which direction. (Emscripten's wasi/api.h has the
 * older names of the same layout: `type`, `u.fd_readwrite`.) */
#define USERDATA(index, write) (((uint64_t)(index) << 1) | (write))

static void set_fd_subscription(__wasi_subscription_t *sub, nfds_t index,
                                int fd, int for_write) {
  memset(sub, 0, sizeof(*sub));
  sub->userdata = USERDATA(index, for_write);
  sub->type = for_write ? __WASI_EVENTTYPE_FD_WRITE : __WASI_EVENTTYPE_FD_READ;
  sub->u.fd_readwrite.file_descriptor = (__wasi_fd_t)fd;
}

static size_t add_subscriptions(const struct pollfd *fds, nfds_t n,
                                __wasi_subscription_t *subs) {
  size_t count = 0;
  nfds_t i;
  for (i = 0; i < n; i++) {
    if (fds[i].fd < 0) continue;
    if (fds[i].events & (POLLIN | POLLRDNORM))
      set_fd_subscription(&subs[count++], i, fds[i].fd, 0);
    if (fds[i].events & (POLLOUT | POLLWRNORM))
      set_fd_subscription(&subs[count++], i, fds[i].fd, 1);
  }
  return count;
}

static void add_timeout(int timeout_ms, __wasi_subscription_t *sub) {
  memset(sub, 0, sizeof(*sub));
  sub->userdata = UINT64_MAX;
  sub->type = __WASI_EVENTTYPE_CLOCK;
  sub->u.clock.id = __WASI_CLOCKID_MONOTONIC;
  sub->u.clock.timeout = (__wasi_timestamp_t)timeout_ms * 1000000u;
}

/* Folds the events into revents; returns how many pollfds have any. */
static int collect(struct pollfd *fds, nfds_t n, const __wasi_event_t *events,
                   size_t count) {
  int ready = 0;
  size_t i;
  nfds_t k;
  for (k = 0; k < n; k++) fds[k].revents = 0;
  for (i = 0; i < count; i++) {
    const __wasi_event_t *ev = &events[i];
    struct pollfd *p;
    if (ev->type == __WASI_EVENTTYPE_CLOCK) continue;
    p = &fds[ev->userdata >> 1];
    if (ev->error == __WASI_ERRNO_BADF) p->revents |= POLLNVAL;
    else if (ev->error != 0) p->revents |= POLLERR;
    else if (ev->userdata & 1) p->revents |= p->events & (POLLOUT | POLLWRNORM);
    else p->revents |= p->events & (POLLIN | POLLRDNORM);
    if (ev->error == 0 && ev->type == __WASI_EVENTTYPE_FD_READ &&
        (ev->u.fd_readwrite.flags & __WASI_EVENTRWFLAGS_FD_READWRITE_HANGUP))
      p->revents |= POLLHUP;
  }
  for (k = 0; k < n; k++) ready += fds[k].revents != 0;
  return ready;
}

int poll(struct pollfd *fds, nfds_t n, int timeout_ms) {
  __wasi_subscription_t *subs;
  __wasi_event_t *events;
  __wasi_size_t got = 0;
  size_t count;
  __wasi_errno_t rc;
  int ready;
  if (fds == NULL && n > 0) return nsw_fail(EFAULT);
  subs = (__wasi_subscription_t *)calloc(2 * n + 1, sizeof(*subs));
  events = (__wasi_event_t *)calloc(2 * n + 1, sizeof(*events));
  if (subs == NULL || events == NULL) {
    free(subs);
    free(events);
    return nsw_fail(ENOMEM);
  }
  count = add_subscriptions(fds, n, subs);
  if (timeout_ms >= 0) add_timeout(timeout_ms, &subs[count++]);
  if (count == 0) { /* no descriptor and no end: the host has nothing to do */
    free(subs);
    free(events);
    return nsw_fail(EINVAL);
  }
  rc = __wasi_poll_oneoff(subs, events, (__wasi_size_t)count, &got);
  ready = rc == 0 ? collect(fds, n, events, got) : nsw_fail(rc);
  free(subs);
  free(events);
  return ready;
}

/* select over poll: no FD_SETSIZE walk beyond nfds, the same waiting. */
int select(int nfds, fd_set *__restrict rd, fd_set *__restrict wr,
           fd_set *__restrict ex, struct timeval *__restrict timeout) {
  struct pollfd *fds;
  int fd, n = 0, ready, timeout_ms = -1;
  if (nfds < 0 || nfds > FD_SETSIZE) return nsw_fail(EINVAL);
  if (timeout != NULL) {
    if (timeout->tv_sec < 0 || timeout->tv_usec < 0) return nsw_fail(EINVAL);
    timeout_ms = (int)(timeout->tv_sec * 1000 + (timeout->tv_usec + 999) / 1000);
  }
  fds = (struct pollfd *)calloc((size_t)nfds + 1, sizeof(*fds));
  if (fds == NULL) return nsw_fail(ENOMEM);
  for (fd = 0; fd < nfds; fd++) {
    short events = (short)((rd && FD_ISSET(fd, rd) ? POLLIN : 0) |
                           (wr && FD_ISSET(fd, wr) ? POLLOUT : 0));
    if (events == 0) continue;
    fds[n].fd = fd;
    fds[n].events = events;
    n++;
  }
  ready = poll(fds, (nfds_t)n, timeout_ms);
  if (ready >= 0) {
    int i;
    ready = 0;
    if (rd) FD_ZERO(rd);
    if (wr) FD_ZERO(wr);
    if (ex) FD_ZERO(ex);
    for (i = 0; i < n; i++) {
      if (fds[i].revents & POLLNVAL) {
        free(fds);
        return nsw_fail(EBADF);
      }
      if (rd && (fds[i].revents & (POLLIN | POLLHUP | POLLERR))) {
        FD_SET(fds[i].fd, rd);
        ready++;
      }
      if (wr && (fds[i].revents & (POLLOUT | POLLERR))) {
        FD_SET(fds[i].fd, wr);
        ready++;
      }
    }
  }
  free(fds);
  return ready;
}

int shutdown(int fd, int how) {
  __wasi_sdflags_t flags;
  switch (how) {
    case SHUT_RD: flags = __WASI_SDFLAGS_RD; break;
    case SHUT_WR: flags = __WASI_SDFLAGS_WR; break;
    case SHUT_RDWR: flags = __WASI_SDFLAGS_RD | __WASI_SDFLAGS_WR; break;
    default: return nsw_fail(EINVAL);
  }
  return nsw_result(__wasi_sock_shutdown((__wasi_fd_t)fd, flags));
}
