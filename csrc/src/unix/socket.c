/* POSIX descriptors: creation, close-on-exec, blocking mode, ioctl, poll and
 * unix-domain addresses. Linux, macOS/BSD and WASI (through the add-on in
 * csrc/wasi, which gives the socket calls wasi-libc lacks). */
#include "../internal.h"
#include "features.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <time.h>
#include <unistd.h>

int ns_init(void) {
  return NS_OK;
}

void ns_cleanup(void) {}

#if !defined(NSI_HAVE_CLOEXEC)
/* WASI has no exec, so there is no close-on-exec flag, and wasi-libc's
 * F_GETFD answers for any number, open or not. Only the descriptor is
 * checked, so that a bad one is still NS_EBADF. */
static int set_close_on_exec(int fd, bool on) {
  (void)on;
  if (fcntl(fd, F_GETFL) < 0) return nsi_last_error();
  return NS_OK;
}
#else
static int set_close_on_exec(int fd, bool on) {
  int flags = fcntl(fd, F_GETFD);
  if (flags < 0) return nsi_last_error();
  flags = on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
  if (fcntl(fd, F_SETFD, flags) != 0) return nsi_last_error();
  return NS_OK;
}
#endif

/* macOS/BSD have no MSG_NOSIGNAL; the socket itself is told instead. */
static void suppress_sigpipe(int fd) {
#if defined(NSI_HAVE_SO_NOSIGPIPE)
  int on = 1;
  (void)setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &on, sizeof(on));
#else
  (void)fd;
#endif
}

/* Applies what the OS could not apply atomically; closes `fd` on failure. */
static int finish_new_socket(int fd, bool inheritable, bool cloexec_done,
                             ns_socket *out) {
  if (!inheritable && !cloexec_done) {
    int rc = set_close_on_exec(fd, true);
    if (rc != NS_OK) {
      close(fd);
      return rc;
    }
  }
  suppress_sigpipe(fd);
  *out = fd;
  return NS_OK;
}

int nsi_open_socket(int domain, int type, int protocol, bool inheritable,
                    ns_socket *out) {
  int fd;
  bool cloexec_done = false;
#if defined(NSI_HAVE_SOCK_CLOEXEC)
  fd = socket(domain, type | (inheritable ? 0 : SOCK_CLOEXEC), protocol);
  cloexec_done = true;
#else
  fd = socket(domain, type, protocol);
#endif
  if (fd < 0) return nsi_last_error();
  return finish_new_socket(fd, inheritable, cloexec_done, out);
}

int nsi_accept(ns_socket server, bool inheritable, struct sockaddr *addr,
               socklen_t *len, ns_socket *out) {
  int fd;
  bool cloexec_done = false;
#if defined(NSI_HAVE_ACCEPT4)
  fd = accept4(server, addr, len, inheritable ? 0 : SOCK_CLOEXEC);
  cloexec_done = true;
#else
  fd = accept(server, addr, len);
#endif
  if (fd < 0) return nsi_last_error();
  return finish_new_socket(fd, inheritable, cloexec_done, out);
}

int nsi_send_flags(int flags) {
#if defined(NSI_HAVE_MSG_NOSIGNAL)
  return flags | MSG_NOSIGNAL;
#else
  return flags;
#endif
}

int nsi_ai_v4mapped(void) {
#if defined(NSI_HAVE_AI_V4MAPPED)
  return AI_V4MAPPED;
#else
  return 0;
#endif
}

int ns_close(ns_socket sock) {
  if (close(sock) == 0) return NS_OK;
  /* After EINTR the descriptor is gone on Linux; retrying could close a
   * descriptor another thread has just been given. */
  if (errno == EINTR) return NS_OK;
  return nsi_last_error();
}

int ns_set_inheritable(ns_socket sock, bool inheritable) {
  return set_close_on_exec(sock, !inheritable);
}

int ns_set_blocking(ns_socket sock, bool blocking) {
  int flags = fcntl(sock, F_GETFL);
  if (flags < 0) return nsi_last_error();
  flags = blocking ? (flags & ~O_NONBLOCK) : (flags | O_NONBLOCK);
  if (fcntl(sock, F_SETFL, flags) != 0) return nsi_last_error();
  return NS_OK;
}

int ns_ioctl(ns_socket sock, unsigned long request, unsigned long *arg) {
  int value;
  if (arg == NULL) return NS_EINVAL;
  if (request == NS_FIONBIO) {
    value = *arg != 0;
    if (ioctl(sock, FIONBIO, &value) != 0) return nsi_last_error();
    return NS_OK;
  }
  if (request == NS_FIONREAD) {
    value = 0;
    if (ioctl(sock, FIONREAD, &value) != 0) return nsi_last_error();
    *arg = (unsigned long)value;
    return NS_OK;
  }
  return NS_EINVAL;
}

static long long monotonic_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* poll() has no FD_SETSIZE limit; a signal restarts it with the time left. */
static int poll_until(struct pollfd *fds, size_t n, int timeout_ms) {
  long long deadline = monotonic_ms() + timeout_ms;
  int left = timeout_ms;
  for (;;) {
    int rc = poll(fds, (nfds_t)n, left);
    if (rc >= 0) return rc;
    if (errno != EINTR) return nsi_last_error();
    if (timeout_ms >= 0) {
      long long now = monotonic_ms();
      left = now >= deadline ? 0 : (int)(deadline - now);
    }
  }
}

int nsi_poll(const ns_socket *socks, size_t n, bool for_write, int timeout_ms,
             unsigned char *ready) {
  struct pollfd small[64];
  struct pollfd *fds = small;
  short wanted = for_write ? POLLOUT : POLLIN;
  size_t i;
  int rc;
  if (n > sizeof(small) / sizeof(small[0])) {
    fds = (struct pollfd *)calloc(n, sizeof(*fds));
    if (fds == NULL) return NS_ENOMEM;
  }
  for (i = 0; i < n; i++) {
    fds[i].fd = socks[i];
    fds[i].events = wanted;
    fds[i].revents = 0;
  }
  rc = poll_until(fds, n, timeout_ms);
  if (rc >= 0) {
    rc = 0;
    for (i = 0; i < n; i++) {
      if (fds[i].revents & POLLNVAL) {
        rc = NS_EBADF;
        break;
      }
      ready[i] = (fds[i].revents & (wanted | POLLERR | POLLHUP)) != 0;
      rc += ready[i];
    }
  }
  if (fds != small) free(fds);
  return rc;
}

int nsi_hostname(char *buf, size_t len) {
  if (gethostname(buf, len) != 0) return nsi_last_error();
  return NS_OK;
}

/* The kernel checks addresses itself. */
int nsi_check_address(ns_socket sock, const struct sockaddr *addr,
                      socklen_t len) {
  (void)sock;
  (void)addr;
  (void)len;
  return NS_OK;
}

int nsi_sock_name(ns_socket sock, struct sockaddr_storage *ss) {
  socklen_t len = (socklen_t)sizeof(*ss);
  if (getsockname(sock, (struct sockaddr *)ss, &len) != 0)
    return nsi_socket_error(sock);
  return NS_OK;
}
