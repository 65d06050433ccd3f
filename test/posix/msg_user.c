#define _GNU_SOURCE /* accept4 */
/* Scatter/gather and the flag-driven calls a protocol library makes:
 * sendmsg/recvmsg with several iovecs, MSG_PEEK, MSG_TRUNC and
 * MSG_DONTWAIT, readv/writev on a socket, ioctl FIONREAD and FIONBIO,
 * accept4 and SOCK_NONBLOCK|SOCK_CLOEXEC in socket()'s type. */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common.h"

static struct sockaddr_in loopback(void) {
  struct sockaddr_in a;
  memset(&a, 0, sizeof(a));
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return a;
}

/* Waits until `fd` has at least `want` bytes queued (data crosses loopback
 * asynchronously under some hosts). */
static int wait_bytes(int fd, int want) {
  int n = 0, tries;
  for (tries = 0; tries < 500; tries++) {
    struct pollfd p = {fd, POLLIN, 0};
    poll(&p, 1, 10);
    if (ioctl(fd, FIONREAD, &n) < 0) DIE("FIONREAD");
    if (n >= want) return n;
  }
  return n;
}

static void tcp_part(void) {
  struct sockaddr_in addr = loopback(), peer;
  socklen_t len = sizeof(addr), plen = sizeof(peer);
  int listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), client, server, on = 1, flags;
  char a[4], b[6], c[32];
  struct iovec out[3] = {{"head-", 5}, {"body-", 5}, {"tail", 4}}, in[2];
  struct msghdr msg;
  ssize_t n;

  if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(listener, 8) < 0) DIE("listen");
  getsockname(listener, (struct sockaddr *)&addr, &len);
  client = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
  flags = fcntl(client, F_GETFL, 0);
  printf("SOCK_NONBLOCK sets O_NONBLOCK: %s\n", (flags & O_NONBLOCK) ? "yes" : "no");
  if (connect(client, (struct sockaddr *)&addr, sizeof(addr)) < 0 && errno != EINPROGRESS) DIE("connect");
  {
    struct pollfd p = {client, POLLOUT, 0};
    poll(&p, 1, 5000);
  }
  server = accept4(listener, (struct sockaddr *)&peer, &plen, SOCK_NONBLOCK);
  if (server < 0) DIE("accept4");
  printf("accept4 peer is loopback: %s\n", peer.sin_addr.s_addr == htonl(INADDR_LOOPBACK) ? "yes" : "no");
  printf("accept4 SOCK_NONBLOCK: %s\n", (fcntl(server, F_GETFL, 0) & O_NONBLOCK) ? "yes" : "no");

  memset(&msg, 0, sizeof(msg));
  msg.msg_iov = out;
  msg.msg_iovlen = 3;
  printf("sendmsg 3 iovecs: %zd\n", sendmsg(client, &msg, 0));
  printf("FIONREAD: %d\n", wait_bytes(server, 14));

  memset(c, 0, sizeof(c));
  printf("recv MSG_PEEK: %zd\n", recv(server, c, 5, MSG_PEEK));
  printf("peeked: %s\n", c);
  in[0].iov_base = a;
  in[0].iov_len = sizeof(a);
  in[1].iov_base = b;
  in[1].iov_len = sizeof(b);
  memset(&msg, 0, sizeof(msg));
  msg.msg_iov = in;
  msg.msg_iovlen = 2;
  n = recvmsg(server, &msg, 0);
  printf("recvmsg 2 iovecs: %zd [%.4s|%.6s] flags %d controllen %d\n", n, a, b, msg.msg_flags,
         (int)msg.msg_controllen);
  n = recv(server, c, sizeof(c), 0);
  printf("rest: %zd [%.*s]\n", n, (int)(n > 0 ? n : 0), c);
  n = recv(server, c, sizeof(c), MSG_DONTWAIT);
  printf("recv MSG_DONTWAIT on empty: %zd %s\n", n, n < 0 ? errno_name(errno) : "");

  /* writev / readv on sockets. */
  printf("writev: %zd\n", writev(server, out, 3));
  wait_bytes(client, 14);
  memset(a, 0, sizeof(a));
  memset(b, 0, sizeof(b));
  n = readv(client, in, 2);
  printf("readv: %zd [%.4s|%.6s]\n", n, a, b);
  n = read(client, c, sizeof(c));
  printf("read rest: %zd\n", n);

  /* FIONBIO turns blocking off and on. */
  on = 0;
  ioctl(server, FIONBIO, &on);
  printf("FIONBIO 0: nonblocking %s\n", (fcntl(server, F_GETFL, 0) & O_NONBLOCK) ? "yes" : "no");
  on = 1;
  ioctl(server, FIONBIO, &on);
  printf("FIONBIO 1: nonblocking %s\n", (fcntl(server, F_GETFL, 0) & O_NONBLOCK) ? "yes" : "no");
  /* A request sockets do not know: ENOTTY, as a feature probe expects. */
  n = ioctl(server, 0x7f7f, &on);
  printf("unknown ioctl: %zd %s\n", n, n < 0 ? (errno == ENOTTY ? "ENOTTY" : errno_name(errno)) : "");
  close(client);
  close(server);
  close(listener);
}

static void udp_part(void) {
  struct sockaddr_in addr = loopback(), from;
  socklen_t len = sizeof(addr);
  int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);
  char big[100], small[10];
  struct iovec iov = {small, sizeof(small)};
  struct msghdr msg;
  ssize_t n;
  memset(big, 'x', sizeof(big));
  if (bind(rx, (struct sockaddr *)&addr, sizeof(addr)) < 0) DIE("bind");
  getsockname(rx, (struct sockaddr *)&addr, &len);
  sendto(tx, big, sizeof(big), 0, (struct sockaddr *)&addr, sizeof(addr));
  sendto(tx, big, 30, 0, (struct sockaddr *)&addr, sizeof(addr));
  sendto(tx, big, 40, 0, (struct sockaddr *)&addr, sizeof(addr));

  memset(&msg, 0, sizeof(msg));
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_name = &from;
  msg.msg_namelen = sizeof(from);
  n = recvmsg(rx, &msg, 0);
  printf("udp recvmsg into 10: %zd, MSG_TRUNC in flags: %s, from loopback: %s, namelen %d\n", n,
         (msg.msg_flags & MSG_TRUNC) ? "yes" : "no",
         from.sin_addr.s_addr == htonl(INADDR_LOOPBACK) ? "yes" : "no", (int)msg.msg_namelen);
  msg.msg_flags = 0;
  n = recvmsg(rx, &msg, MSG_TRUNC);
  printf("udp recvmsg MSG_TRUNC: %zd (real length), flags MSG_TRUNC: %s\n", n,
         (msg.msg_flags & MSG_TRUNC) ? "yes" : "no");
  n = recv(rx, small, sizeof(small), MSG_TRUNC | MSG_PEEK);
  printf("udp recv MSG_TRUNC|MSG_PEEK: %zd\n", n);
  n = recv(rx, small, sizeof(small), 0);
  printf("udp recv after peek: %zd\n", n);
  n = recv(rx, small, sizeof(small), MSG_DONTWAIT);
  printf("udp recv MSG_DONTWAIT on empty: %zd %s\n", n, n < 0 ? errno_name(errno) : "");
  {
    /* A blocking receive with SO_RCVTIMEO gives up with EAGAIN. */
    struct timeval tv = {0, 200000};
    setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    n = recv(rx, small, sizeof(small), 0);
    printf("udp recv with SO_RCVTIMEO on empty: %zd %s\n", n, n < 0 ? errno_name(errno) : "");
  }
  close(rx);
  close(tx);
}

int main(void) {
  tcp_part();
  udp_part();
  return 0;
}
