/* sendmsg and recvmsg: scatter/gather over sendto and recvfrom. No
 * ancillary data: a control buffer to send is refused, and msg_controllen
 * comes back 0. MSG_TRUNC on a datagram socket reports the datagram's real
 * length, as on Linux. */
#include "addon.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <wasi/api.h>

#define MAX_IOVECS 1024 /* Linux's UIO_MAXIOV */
#define MAX_DATAGRAM 65536
/* Gathers up to this size use the stack; larger ones the heap. */
#define SMALL_GATHER 2048

/* The total length of an iovec list; -1 with errno when it is not one. */
static ssize_t iov_total(const struct msghdr *msg) {
  size_t total = 0;
  int i;
  if (msg->msg_iovlen < 0 || msg->msg_iovlen > MAX_IOVECS) return nsw_fail(EMSGSIZE);
  if (msg->msg_iovlen > 0 && msg->msg_iov == NULL) return nsw_fail(EFAULT);
  for (i = 0; i < msg->msg_iovlen; i++) {
    if (msg->msg_iov[i].iov_len > (size_t)SSIZE_MAX - total) return nsw_fail(EINVAL);
    total += msg->msg_iov[i].iov_len;
  }
  return (ssize_t)total;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags) {
  char small[SMALL_GATHER];
  char *buf = small;
  ssize_t total, sent;
  size_t at = 0;
  int i;
  if (msg == NULL) return nsw_fail(EFAULT);
  if (msg->msg_controllen > 0) return nsw_fail(EOPNOTSUPP);
  total = iov_total(msg);
  if (total < 0) return -1;
  if ((size_t)total > sizeof(small) && (buf = malloc((size_t)total)) == NULL) {
    return nsw_fail(ENOMEM);
  }
  for (i = 0; i < msg->msg_iovlen; i++) {
    memcpy(buf + at, msg->msg_iov[i].iov_base, msg->msg_iov[i].iov_len);
    at += msg->msg_iov[i].iov_len;
  }
  sent = sendto(fd, buf, (size_t)total, flags,
                (const struct sockaddr *)msg->msg_name, msg->msg_namelen);
  if (buf != small) free(buf);
  return sent;
}

static bool is_datagram(int fd) {
  __wasi_fdstat_t stat;
  return __wasi_fd_fdstat_get((__wasi_fd_t)fd, &stat) == 0 &&
         stat.fs_filetype == __WASI_FILETYPE_SOCKET_DGRAM;
}

static void scatter(const struct msghdr *msg, const char *buf, size_t n) {
  size_t at = 0;
  int i;
  for (i = 0; i < msg->msg_iovlen && at < n; i++) {
    size_t part = msg->msg_iov[i].iov_len;
    if (part > n - at) part = n - at;
    memcpy(msg->msg_iov[i].iov_base, buf + at, part);
    at += part;
  }
}

ssize_t recvmsg(int fd, struct msghdr *msg, int flags) {
  ssize_t total, n;
  size_t room;
  char *buf;
  bool datagram;
  socklen_t namelen;
  if (msg == NULL) return nsw_fail(EFAULT);
  total = iov_total(msg);
  if (total < 0) return -1;
  datagram = is_datagram(fd);
  /* A datagram is received whole, so its length is known and the cut
   * reported; a stream takes no more than the iovecs hold. */
  room = datagram && (size_t)total < MAX_DATAGRAM ? MAX_DATAGRAM : (size_t)total;
  buf = malloc(room > 0 ? room : 1);
  if (buf == NULL) return nsw_fail(ENOMEM);
  namelen = msg->msg_name != NULL ? msg->msg_namelen : 0;
  n = recvfrom(fd, buf, room, flags & ~MSG_TRUNC,
               msg->msg_name != NULL ? (struct sockaddr *)msg->msg_name : NULL,
               msg->msg_name != NULL ? &namelen : NULL);
  if (n >= 0) {
    scatter(msg, buf, (size_t)n);
    msg->msg_flags = datagram && n > total ? MSG_TRUNC : 0;
    if (msg->msg_name != NULL) msg->msg_namelen = namelen;
    msg->msg_controllen = 0;
    if (!(datagram && (flags & MSG_TRUNC)) && n > total) n = total;
  }
  free(buf);
  return n;
}
