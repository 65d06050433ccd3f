/*
 * The benchmark client on raw POSIX calls: the limit the library is measured
 * against. It does what bench/client.c does with the ns_* API, call for call,
 * with the same flags the library passes (close-on-exec sockets,
 * MSG_NOSIGNAL, the same getaddrinfo hints), so the difference between the
 * two is the library's own cost. Here are only the socket calls: the tests,
 * their timing and the command line are bench.h's. Usage: see bench.h.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef int bench_socket;
typedef struct sockaddr_in bench_peer;

#include "bench.h"

/* The peer is given as an IPv4 address (run.mjs passes 127.0.0.1), so no
 * resolver is needed; either way it is outside any timing. */
static int peer_address(const bench_args *args, struct sockaddr_in *out) {
  memset(out, 0, sizeof(*out));
  out->sin_family = AF_INET;
  out->sin_port = htons((uint16_t)args->port);
  return inet_pton(AF_INET, args->host, &out->sin_addr) == 1
             ? 0 : bench_fail("inet_pton", "not an IPv4 address");
}

static int resolve_tcp_peer(const bench_args *args, struct sockaddr_in *out) {
  return peer_address(args, out);
}

static int open_tcp_socket(int *out) {
  *out = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
  return *out >= 0 ? 0 : bench_fail("socket", strerror(errno));
}

/* A new TCP socket connected to `addr`: connect_tcp's and every connection
 * of the "connect" test. */
static int open_connected(const struct sockaddr_in *addr, int *out) {
  if (open_tcp_socket(out) != 0) return 1;
  if (connect(*out, (const struct sockaddr *)addr, sizeof(*addr)) == 0) return 0;
  close(*out);
  return bench_fail("connect", strerror(errno));
}

static int connect_tcp(const bench_args *args, int *out) {
  struct sockaddr_in addr;
  int one = 1;
  if (peer_address(args, &addr) != 0) return 1;
  if (open_connected(&addr, out) != 0) return 1;
  setsockopt(*out, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return 0;
}

static int connect_once(const struct sockaddr_in *addr) {
  unsigned char byte;
  ssize_t n;
  int fd;
  if (open_connected(addr, &fd) != 0) return 1;
  n = recv(fd, &byte, 1, 0);
  close(fd);
  return n == 0 ? 0 : bench_fail("connect", "the peer did not close");
}

static int send_all(int fd, const unsigned char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    if (n < 0) return bench_fail("send", strerror(errno));
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

static int recv_all(int fd, unsigned char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = recv(fd, buf, len, 0);
    if (n <= 0) return bench_fail("recv", n == 0 ? "end of stream" : strerror(errno));
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

static long recv_some(int fd, unsigned char *buf, size_t len) {
  ssize_t n = recv(fd, buf, len, 0);
  if (n < 0) return -bench_fail("recv", strerror(errno));
  return (long)n;
}

static int poll_descriptor(int fd) {
  return fd;
}

static int shutdown_write(int fd) {
  return shutdown(fd, SHUT_WR) == 0 ? 0 : bench_fail("shutdown", strerror(errno));
}

static void close_socket(int fd) {
  close(fd);
}

static int open_udp(const bench_args *args, int *out, struct sockaddr_in *peer) {
  struct sockaddr_in local;
  if (peer_address(args, peer) != 0) return 1;
  *out = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
  if (*out < 0) return bench_fail("socket", strerror(errno));
  memset(&local, 0, sizeof(local));
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(*out, (struct sockaddr *)&local, sizeof(local)) == 0) return 0;
  close(*out);
  return bench_fail("bind", strerror(errno));
}

static int udp_round(int fd, const struct sockaddr_in *peer, const unsigned char *out,
                     unsigned char *in, size_t len) {
  struct sockaddr_storage from;
  socklen_t from_len = sizeof(from);
  if (sendto(fd, out, len, MSG_NOSIGNAL, (const struct sockaddr *)peer, sizeof(*peer)) !=
      (ssize_t)len)
    return bench_fail("sendto", strerror(errno));
  if (recvfrom(fd, in, len, 0, (struct sockaddr *)&from, &from_len) != (ssize_t)len)
    return bench_fail("recvfrom", strerror(errno));
  return 0;
}

static int stream_type(void) {
  return SOCK_STREAM;
}

static int get_so_type(int fd, int *value) {
  socklen_t len = sizeof(*value);
  return getsockopt(fd, SOL_SOCKET, SO_TYPE, value, &len) == 0 ? 0 : 1;
}

/* getaddrinfo("localhost") with the hints ns_get_addr_info passes. */
static int resolve_localhost(void) {
  struct addrinfo hints, *list = NULL;
  int rc;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_protocol = IPPROTO_TCP;
  rc = getaddrinfo("localhost", "0", &hints, &list);
  if (rc != 0) return bench_fail("getaddrinfo", gai_strerror(rc));
  freeaddrinfo(list);
  return 0;
}

static int service_http(void) {
  struct servent entry, *found = NULL;
  char scratch[1024];
  if (getservbyname_r("http", "tcp", &entry, scratch, sizeof(scratch), &found) != 0 ||
      found == NULL || ntohs((uint16_t)found->s_port) != 80)
    return bench_fail("getservbyname", "no http/tcp");
  return 0;
}

int main(int argc, char **argv) {
  return bench_main(argc, argv);
}
