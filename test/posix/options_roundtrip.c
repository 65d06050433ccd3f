/* Every socket option the headers define, set and read back the way
 * configuration code does (set from a config value, log what the kernel
 * took). Linux's answers are the oracle: defaults, doubled buffer sizes,
 * -1 for "the default", refused values, options of the wrong level. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common.h"

static void show_int(int fd, const char *label, int level, int name) {
  int v = -12345;
  socklen_t len = sizeof(v);
  if (getsockopt(fd, level, name, &v, &len) < 0) printf("  get %s: %s\n", label, errno_name(errno));
  else printf("  get %s: %d (len %d)\n", label, v, (int)len);
}

static void set_int(int fd, const char *label, int level, int name, int v) {
  int rc = setsockopt(fd, level, name, &v, sizeof(v));
  printf("  set %s = %d: %s\n", label, v, rc < 0 ? errno_name(errno) : "ok");
}

/* The default, then each value set and read back. */
static void round_trip(int fd, const char *label, int level, int name, const int *values, int count) {
  int i;
  show_int(fd, label, level, name);
  for (i = 0; i < count; i++) {
    set_int(fd, label, level, name, values[i]);
    show_int(fd, label, level, name);
  }
}

#define TRIP(fd, level, name, ...)                                   \
  do {                                                               \
    static const int values_[] = {__VA_ARGS__};                      \
    round_trip(fd, #name, level, name, values_, (int)(sizeof(values_) / sizeof(int))); \
  } while (0)

static void linger_trip(int fd) {
  struct linger l;
  socklen_t len = sizeof(l);
  static const struct linger sets[] = {{1, 5}, {0, 0}, {1, 0}, {0, 9}};
  size_t i;
  getsockopt(fd, SOL_SOCKET, SO_LINGER, &l, &len);
  printf("  get SO_LINGER: {%d, %d} (len %d)\n", l.l_onoff, l.l_linger, (int)len);
  for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
    int rc = setsockopt(fd, SOL_SOCKET, SO_LINGER, &sets[i], sizeof(sets[i]));
    len = sizeof(l);
    getsockopt(fd, SOL_SOCKET, SO_LINGER, &l, &len);
    printf("  set SO_LINGER {%d, %d}: %s, get {%d, %d}\n", sets[i].l_onoff, sets[i].l_linger,
           rc < 0 ? errno_name(errno) : "ok", l.l_onoff, l.l_linger);
  }
  printf("  set SO_LINGER short: %s\n", setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, 4) < 0 ? errno_name(errno) : "ok");
}

/* Times that are whole clock ticks on any Linux (HZ 100 to 1000). */
static void timeout_trip(int fd, const char *label, int name) {
  static const struct timeval sets[] = {{1, 500000}, {0, 0}, {2, 0}, {-1, 0}, {0, 1000000}};
  struct timeval tv;
  socklen_t len = sizeof(tv);
  size_t i;
  getsockopt(fd, SOL_SOCKET, name, &tv, &len);
  printf("  get %s: {%ld, %ld}\n", label, (long)tv.tv_sec, (long)tv.tv_usec);
  for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++) {
    int rc = setsockopt(fd, SOL_SOCKET, name, &sets[i], sizeof(sets[i]));
    const char *result = rc < 0 ? (errno == EDOM ? "EDOM" : errno_name(errno)) : "ok";
    len = sizeof(tv);
    getsockopt(fd, SOL_SOCKET, name, &tv, &len);
    printf("  set %s {%ld, %ld}: %s, get {%ld, %ld}\n", label, (long)sets[i].tv_sec,
           (long)sets[i].tv_usec, result, (long)tv.tv_sec, (long)tv.tv_usec);
  }
}

static void socket_level(int fd) {
  timeout_trip(fd, "SO_RCVTIMEO", SO_RCVTIMEO);
  timeout_trip(fd, "SO_SNDTIMEO", SO_SNDTIMEO);
  TRIP(fd, SOL_SOCKET, SO_REUSEADDR, 1, 0, 7);
  TRIP(fd, SOL_SOCKET, SO_KEEPALIVE, 1, 0);
  TRIP(fd, SOL_SOCKET, SO_BROADCAST, 1, 0);
  TRIP(fd, SOL_SOCKET, SO_DONTROUTE, 1, 0);
  TRIP(fd, SOL_SOCKET, SO_OOBINLINE, 1, 0);
  TRIP(fd, SOL_SOCKET, SO_REUSEPORT, 1, 0);
  TRIP(fd, SOL_SOCKET, SO_SNDBUF, 65536);
  TRIP(fd, SOL_SOCKET, SO_RCVBUF, 65536);
  {
    int type = 0;
    socklen_t len = sizeof(type);
    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
    printf("  get SO_TYPE: %s\n", type == SOCK_STREAM ? "SOCK_STREAM" : type == SOCK_DGRAM ? "SOCK_DGRAM" : "other");
  }
  show_int(fd, "SO_ERROR", SOL_SOCKET, SO_ERROR);
  show_int(fd, "SO_ACCEPTCONN", SOL_SOCKET, SO_ACCEPTCONN);
  linger_trip(fd);
}

static void tcp(void) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  printf("TCP over IPv4\n");
  socket_level(fd);
  TRIP(fd, IPPROTO_TCP, TCP_NODELAY, 1, 0);
  TRIP(fd, IPPROTO_TCP, TCP_KEEPIDLE, 30, 0, 32767, 32768);
  TRIP(fd, IPPROTO_TCP, TCP_KEEPINTVL, 5, 0, 40000);
  TRIP(fd, IPPROTO_TCP, TCP_KEEPCNT, 3, 0, 127, 128);
  TRIP(fd, IPPROTO_TCP, TCP_FASTOPEN, 5, 0);
  TRIP(fd, IPPROTO_IP, IP_TTL, 32, 255, -1, 0, 256);
  TRIP(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1);
  close(fd);
}

static void udp4(void) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  struct in_addr in;
  socklen_t len = sizeof(in);
  unsigned char byte = 0;
  printf("UDP over IPv4\n");
  socket_level(fd);
  TRIP(fd, IPPROTO_TCP, TCP_NODELAY, 1);
  TRIP(fd, IPPROTO_IP, IP_TTL, 17, -1);
  TRIP(fd, IPPROTO_IP, IP_MULTICAST_TTL, 4, 0, 255, -1, 256);
  TRIP(fd, IPPROTO_IP, IP_MULTICAST_LOOP, 0, 1, 5);
  in.s_addr = htonl(INADDR_LOOPBACK);
  printf("  set IP_MULTICAST_IF 127.0.0.1: %s\n",
         setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &in, sizeof(in)) < 0 ? errno_name(errno) : "ok");
  in.s_addr = 0;
  getsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, &in, &len);
  printf("  get IP_MULTICAST_IF: %s (len %d)\n", inet_ntoa(in), (int)len);
  byte = 9;
  printf("  set IP_MULTICAST_TTL one byte 9: %s\n",
         setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &byte, 1) < 0 ? errno_name(errno) : "ok");
  len = 1;
  byte = 0;
  getsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, &byte, &len);
  printf("  get IP_MULTICAST_TTL one byte: %d (len %d)\n", byte, (int)len);
  close(fd);
}

static void udp6(void) {
  int fd = socket(AF_INET6, SOCK_DGRAM, 0);
  printf("UDP over IPv6\n");
  TRIP(fd, IPPROTO_IPV6, IPV6_V6ONLY, 1, 0);
  TRIP(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, 9, 0, -1, 256);
  TRIP(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, 3, -1, 256);
  TRIP(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0, 1, 2);
  close(fd);
}

/* An accepted socket reports the listener's SO_REUSEADDR, as on Linux. */
static void inherited(void) {
  struct sockaddr_in addr;
  socklen_t len = sizeof(addr);
  int listener = socket(AF_INET, SOCK_STREAM, 0), client, conn, one = 1;
  printf("accepted socket\n");
  setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  setsockopt(listener, SOL_SOCKET, SO_KEEPALIVE, &one, sizeof(one));
  {
    struct linger l = {1, 7};
    setsockopt(listener, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
  }
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(listener, (struct sockaddr *)&addr, sizeof(addr));
  listen(listener, 4);
  getsockname(listener, (struct sockaddr *)&addr, &len);
  client = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(client, (struct sockaddr *)&addr, sizeof(addr)) < 0) DIE("connect");
  conn = accept(listener, NULL, NULL);
  show_int(listener, "listener SO_ACCEPTCONN", SOL_SOCKET, SO_ACCEPTCONN);
  show_int(conn, "SO_REUSEADDR", SOL_SOCKET, SO_REUSEADDR);
  show_int(conn, "SO_KEEPALIVE", SOL_SOCKET, SO_KEEPALIVE);
  show_int(client, "client SO_REUSEADDR", SOL_SOCKET, SO_REUSEADDR);
  {
    struct linger l = {0, 0};
    socklen_t llen = sizeof(l);
    getsockopt(conn, SOL_SOCKET, SO_LINGER, &l, &llen);
    printf("  get SO_LINGER: {%d, %d}\n", l.l_onoff, l.l_linger);
  }
  close(conn);
  close(client);
  close(listener);
}

int main(void) {
  tcp();
  udp4();
  udp6();
  inherited();
  return 0;
}
