/*
 * The benchmark client on raw POSIX calls: the limit the library is measured
 * against. It does what bench/client.c does with the ns_* API, call for call,
 * with the same flags the library passes (close-on-exec sockets,
 * MSG_NOSIGNAL, the same getaddrinfo hints), so the difference between the
 * two is the library's own cost. Usage: see bench.h.
 */
#define _GNU_SOURCE
#include "bench.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

static struct sockaddr_in peer_address(const bench_args *args) {
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_port = htons((uint16_t)args->port);
  inet_pton(AF_INET, args->host, &addr.sin_addr);
  return addr;
}

static int connect_tcp(const bench_args *args, int *out) {
  struct sockaddr_in addr = peer_address(args);
  int one = 1, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) return bench_fail("socket", strerror(errno));
  if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) {
    close(fd);
    return bench_fail("connect", strerror(errno));
  }
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  *out = fd;
  return 0;
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

static int echo_rounds(int fd, long long rounds) {
  unsigned char out[BENCH_MESSAGE], in[BENCH_MESSAGE];
  long long i;
  bench_fill(out, sizeof(out));
  for (i = 0; i < rounds; i++) {
    if (send_all(fd, out, sizeof(out)) != 0) return 1;
    if (recv_all(fd, in, sizeof(in)) != 0) return 1;
  }
  return memcmp(in, out, sizeof(in)) == 0 ? 0 : bench_fail("echo", "wrong bytes back");
}

static int test_echo(const bench_args *args, bench_result *out) {
  int fd, rc;
  double start;
  if (connect_tcp(args, &fd) != 0) return 1;
  rc = echo_rounds(fd, args->amount / 10);
  start = bench_now();
  if (rc == 0) rc = echo_rounds(fd, args->amount);
  out->seconds = bench_now() - start;
  out->ops = args->amount;
  close(fd);
  return rc;
}

static int send_bytes(int fd, const unsigned char *chunk, long long total) {
  while (total > 0) {
    size_t len = total < BENCH_CHUNK ? (size_t)total : BENCH_CHUNK;
    if (send_all(fd, chunk, len) != 0) return 1;
    total -= (long long)len;
  }
  return 0;
}

static int test_bulk(const bench_args *args, bench_result *out) {
  static unsigned char chunk[BENCH_CHUNK];
  unsigned char answer[8];
  long long warm = args->amount / 10;
  int fd, rc;
  double start;
  bench_fill(chunk, sizeof(chunk));
  if (connect_tcp(args, &fd) != 0) return 1;
  rc = send_bytes(fd, chunk, warm);
  start = bench_now();
  if (rc == 0) rc = send_bytes(fd, chunk, args->amount);
  if (rc == 0 && shutdown(fd, SHUT_WR) != 0) rc = bench_fail("shutdown", strerror(errno));
  if (rc == 0) rc = recv_all(fd, answer, sizeof(answer));
  out->seconds = bench_now() - start;
  close(fd);
  if (rc == 0 && bench_le64(answer) != (uint64_t)(warm + args->amount))
    return bench_fail("bulk", "the sink counted a different number of bytes");
  out->ops = args->amount / BENCH_CHUNK;
  out->bytes = args->amount;
  return rc;
}

/* One connection: connect, see the peer's close, close. */
static int connect_once(const struct sockaddr_in *addr) {
  unsigned char byte;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) return bench_fail("socket", strerror(errno));
  if (connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) != 0) {
    close(fd);
    return bench_fail("connect", strerror(errno));
  }
  if (recv(fd, &byte, 1, 0) != 0) {
    close(fd);
    return bench_fail("connect", "the peer did not close");
  }
  close(fd);
  return 0;
}

static int test_connect(const bench_args *args, bench_result *out) {
  struct sockaddr_in addr = peer_address(args);
  long long i;
  double start;
  for (i = 0; i < args->amount / 10; i++)
    if (connect_once(&addr) != 0) return 1;
  start = bench_now();
  for (i = 0; i < args->amount; i++)
    if (connect_once(&addr) != 0) return 1;
  out->seconds = bench_now() - start;
  out->ops = args->amount;
  return 0;
}

static int udp_rounds(int fd, const struct sockaddr_in *addr, long long rounds) {
  unsigned char out[BENCH_MESSAGE], in[BENCH_MESSAGE];
  long long i;
  bench_fill(out, sizeof(out));
  for (i = 0; i < rounds; i++) {
    struct sockaddr_storage from;
    socklen_t len = sizeof(from);
    if (sendto(fd, out, sizeof(out), MSG_NOSIGNAL, (const struct sockaddr *)addr,
               sizeof(*addr)) != (ssize_t)sizeof(out))
      return bench_fail("sendto", strerror(errno));
    if (recvfrom(fd, in, sizeof(in), 0, (struct sockaddr *)&from, &len) !=
        (ssize_t)sizeof(in))
      return bench_fail("recvfrom", strerror(errno));
  }
  return 0;
}

static int test_udp(const bench_args *args, bench_result *out) {
  struct sockaddr_in addr = peer_address(args), local;
  int rc, fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
  double start;
  if (fd < 0) return bench_fail("socket", strerror(errno));
  /* Bound first, as every client does (see bench/README.md). */
  memset(&local, 0, sizeof(local));
  local.sin_family = AF_INET;
  local.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&local, sizeof(local)) != 0) {
    close(fd);
    return bench_fail("bind", strerror(errno));
  }
  rc = udp_rounds(fd, &addr, args->amount / 10);
  start = bench_now();
  if (rc == 0) rc = udp_rounds(fd, &addr, args->amount);
  out->seconds = bench_now() - start;
  out->ops = args->amount;
  close(fd);
  return rc;
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

static int test_gai(const bench_args *args, bench_result *out) {
  return bench_calls(resolve_localhost, args, out);
}

static int test_serv(const bench_args *args, bench_result *out) {
  return bench_calls(service_http, args, out);
}

/* getsockopt(SO_TYPE): one call that does no I/O. */
static int test_sockopt(const bench_args *args, bench_result *out) {
  int value, fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
  long long i, warm = args->amount / 10;
  double start = 0.0;
  if (fd < 0) return bench_fail("socket", strerror(errno));
  for (i = 0; i < warm + args->amount; i++) {
    socklen_t len = sizeof(value);
    if (i == warm) start = bench_now();
    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &value, &len) != 0 || value != SOCK_STREAM) {
      close(fd);
      return bench_fail("getsockopt", "SO_TYPE");
    }
  }
  out->seconds = bench_now() - start;
  out->ops = args->amount;
  close(fd);
  return 0;
}

static const struct bench_entry tests[] = {
    {"echo", test_echo},       {"bulk", test_bulk}, {"connect", test_connect},
    {"udp", test_udp},         {"gai", test_gai},   {"serv", test_serv},
    {"sockopt", test_sockopt}, {NULL, NULL}};

int main(int argc, char **argv) {
  return bench_main(argc, argv, tests);
}
