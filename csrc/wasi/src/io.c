/* Data with flags and addresses: send, sendto, recv, recvfrom. wasi-libc's
 * send refuses every flag (so MSG_NOSIGNAL breaks it), its recv refuses
 * MSG_DONTWAIT, and it has no sendto/recvfrom; these replace them. */
#include "addon.h"

#include <string.h>
#include <sys/uio.h>
#include <wasi/api.h>

/* Send flags that mean something here. MSG_NOSIGNAL is accepted and has
 * nothing to do (there are no signals); the ABI ignores the other bits. */
#define SEND_DONTWAIT MSG_DONTWAIT
/* Receive flags this file knows; any other is refused, as wasi-libc's recv
 * does. */
#define RECV_KNOWN (MSG_PEEK | MSG_WAITALL | MSG_DONTWAIT)

/* MSG_DONTWAIT makes one call non-blocking: the descriptor's NONBLOCK flag
 * is set for the call and put back after it. *restore says whether to. */
static int dontwait_begin(int fd, int flags, bool *restore) {
  __wasi_fdstat_t stat;
  __wasi_errno_t rc;
  *restore = false;
  if (!(flags & MSG_DONTWAIT)) return 0;
  rc = __wasi_fd_fdstat_get((__wasi_fd_t)fd, &stat);
  if (rc != 0) return rc;
  if (stat.fs_flags & __WASI_FDFLAGS_NONBLOCK) return 0;
  rc = __wasi_fd_fdstat_set_flags((__wasi_fd_t)fd,
                                  stat.fs_flags | __WASI_FDFLAGS_NONBLOCK);
  if (rc != 0) return rc;
  *restore = true;
  return 0;
}

static void dontwait_end(int fd, bool restore) {
  __wasi_fdstat_t stat;
  if (!restore || __wasi_fd_fdstat_get((__wasi_fd_t)fd, &stat) != 0) return;
  (void)__wasi_fd_fdstat_set_flags(
      (__wasi_fd_t)fd, stat.fs_flags & (__wasi_fdflags_t)~__WASI_FDFLAGS_NONBLOCK);
}

/* A count the host wrote, or -1 with errno. */
static ssize_t count_or_fail(int32_t rc, uint32_t count) {
  if (rc != 0) return nsw_fail(rc);
  return (ssize_t)count;
}

ssize_t sendto(int fd, const void *buf, size_t len, int flags,
               const struct sockaddr *to, socklen_t tolen) {
  nsw_address record;
  const nsw_address *target = NULL;
  uint32_t sent = 0;
  int32_t rc;
  bool restore;
  if (buf == NULL && len > 0) return nsw_fail(EFAULT);
  if (to != NULL) {
    rc = nsw_address_from_sockaddr(to, tolen, &record);
    if (rc != 0) return nsw_fail(rc);
    target = &record;
  }
  rc = dontwait_begin(fd, flags & SEND_DONTWAIT, &restore);
  if (rc != 0) return nsw_fail(rc);
  rc = nsw_host_socket_send_to(fd, buf, (uint32_t)len, 0, target, &sent);
  dontwait_end(fd, restore);
  return count_or_fail(rc, sent);
}

ssize_t send(int fd, const void *buf, size_t len, int flags) {
  return sendto(fd, buf, len, flags, NULL, 0);
}

static int32_t recv_flags_to_abi(int flags) {
  return ((flags & MSG_PEEK) ? NSW_RECV_PEEK : 0) |
         ((flags & MSG_WAITALL) ? NSW_RECV_WAITALL : 0);
}

/* recvfrom with MSG_TRUNC: recvmsg knows the datagram's real length. */
static ssize_t recvfrom_trunc(int fd, void *buf, size_t len, int flags,
                              struct sockaddr *from, socklen_t *fromlen) {
  struct iovec iov;
  struct msghdr msg;
  ssize_t n;
  memset(&msg, 0, sizeof(msg));
  iov.iov_base = buf;
  iov.iov_len = len;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_name = from;
  msg.msg_namelen = fromlen != NULL ? *fromlen : 0;
  n = recvmsg(fd, &msg, flags);
  if (n >= 0 && from != NULL) *fromlen = msg.msg_namelen;
  return n;
}

ssize_t recvfrom(int fd, void *__restrict buf, size_t len, int flags,
                 struct sockaddr *__restrict from,
                 socklen_t *__restrict fromlen) {
  nsw_address record;
  uint32_t received = 0;
  int32_t rc;
  bool restore;
  if (from != NULL && fromlen == NULL) return nsw_fail(EFAULT);
  if (flags & MSG_TRUNC) return recvfrom_trunc(fd, buf, len, flags, from, fromlen);
  if (flags & ~RECV_KNOWN) return nsw_fail(EOPNOTSUPP);
  if (buf == NULL && len > 0) return nsw_fail(EFAULT);
  rc = dontwait_begin(fd, flags, &restore);
  if (rc != 0) return nsw_fail(rc);
  rc = nsw_host_socket_recv_from(fd, buf, (uint32_t)len,
                                 recv_flags_to_abi(flags),
                                 from != NULL ? &record : NULL, &received);
  dontwait_end(fd, restore);
  if (rc == 0 && from != NULL) nsw_address_to_sockaddr(&record, from, fromlen);
  return count_or_fail(rc, received);
}

ssize_t recv(int fd, void *buf, size_t len, int flags) {
  return recvfrom(fd, buf, len, flags, NULL, NULL);
}
