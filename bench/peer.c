/*
 * The benchmark's peer: one fixed native process that serves every client of
 * a run, so that raw POSIX, the library, the wasm build and Node all face the
 * same server. Plain POSIX, not the library: the peer must not move when the
 * library does.
 *
 *   peer            prints {"echo":P,"sink":P,"source":P,"udp":P,"accept":P} and serves
 *                   until its standard input closes (or reads "quit")
 *
 * TCP echo    a thread per connection: read, write back, until EOF.
 * TCP sink    a thread per connection: read into a 1 MiB buffer and discard
 *             until EOF, then answer the byte count (8 bytes, little endian)
 *             so the client times delivery, not just its own writes.
 * TCP source  a thread per connection: reads a byte count (8 bytes, little
 *             endian), sends that many bytes in 64 KiB writes, and closes.
 * UDP echo    one thread: every datagram goes back to its sender.
 * accept      one thread: accept and close at once; the client waits for the
 *             EOF, so the peer closes first and the TIME_WAIT state stays on
 *             this side instead of eating the client's ephemeral ports.
 *
 * Blocking threads, not an event loop: with one client at a time a blocked
 * thread wakes straight into its work, which is the lowest latency there is.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SINK_BUFFER (1024 * 1024)
#define ECHO_BUFFER (64 * 1024)
#define SOURCE_CHUNK (64 * 1024)

static void die(const char *what) {
  fprintf(stderr, "peer: %s: %s\n", what, strerror(errno));
  exit(1);
}

/* A socket of `type` bound to 127.0.0.1 on a free port; *port gets it. */
static int bound_socket(int type, int *port) {
  struct sockaddr_in addr;
  socklen_t len = sizeof(addr);
  int one = 1, fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) die("socket");
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) die("bind");
  if (type == SOCK_STREAM && listen(fd, 4096) != 0) die("listen");
  if (getsockname(fd, (struct sockaddr *)&addr, &len) != 0) die("getsockname");
  *port = ntohs(addr.sin_port);
  return fd;
}

static int write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

static void *echo_connection(void *arg) {
  int fd = (int)(intptr_t)arg, one = 1;
  char buf[ECHO_BUFFER];
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || write_all(fd, buf, (size_t)n) != 0) break;
  }
  close(fd);
  return NULL;
}

static void *sink_connection(void *arg) {
  int fd = (int)(intptr_t)arg;
  uint64_t total = 0;
  unsigned char answer[8];
  char *buf = malloc(SINK_BUFFER);
  int i;
  if (buf == NULL) die("malloc");
  for (;;) {
    ssize_t n = recv(fd, buf, SINK_BUFFER, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    total += (uint64_t)n;
  }
  for (i = 0; i < 8; i++) answer[i] = (unsigned char)(total >> (8 * i));
  write_all(fd, (const char *)answer, sizeof(answer));
  free(buf);
  close(fd);
  return NULL;
}

static int read_all(int fd, unsigned char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = recv(fd, buf, len, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return -1;
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

static void *source_connection(void *arg) {
  int fd = (int)(intptr_t)arg, i;
  unsigned char request[8];
  uint64_t left = 0;
  char *chunk = malloc(SOURCE_CHUNK);
  if (chunk == NULL) die("malloc");
  memset(chunk, 'x', SOURCE_CHUNK);
  if (read_all(fd, request, sizeof(request)) == 0) {
    for (i = 7; i >= 0; i--) left = (left << 8) | request[i];
    while (left > 0) {
      size_t len = left < SOURCE_CHUNK ? (size_t)left : SOURCE_CHUNK;
      if (write_all(fd, chunk, len) != 0) break;
      left -= len;
    }
  }
  free(chunk);
  close(fd);
  return NULL;
}

struct server {
  int fd;
  void *(*serve)(void *);
};

/* Accepts forever, one detached thread per connection. */
static void *accept_threads(void *arg) {
  struct server *server = arg;
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 256 * 1024);
  for (;;) {
    pthread_t thread;
    int fd = accept4(server->fd, NULL, NULL, SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED || errno == EMFILE) continue;
      die("accept");
    }
    if (pthread_create(&thread, &attr, server->serve, (void *)(intptr_t)fd) != 0)
      close(fd);
  }
  return NULL;
}

static void *accept_and_close(void *arg) {
  int listener = *(int *)arg;
  for (;;) {
    int fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
    if (fd >= 0) close(fd);
    else if (errno != EINTR && errno != ECONNABORTED && errno != EMFILE) die("accept");
  }
  return NULL;
}

static void *udp_echo(void *arg) {
  int fd = *(int *)arg;
  char buf[65536];
  for (;;) {
    struct sockaddr_storage from;
    socklen_t len = sizeof(from);
    ssize_t n = recvfrom(fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
    if (n >= 0) sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
  }
  return NULL;
}

static void start(void *(*body)(void *), void *arg) {
  pthread_t thread;
  if (pthread_create(&thread, NULL, body, arg) != 0) die("pthread_create");
  pthread_detach(thread);
}

int main(void) {
  static struct server echo, sink, source;
  static int udp, acceptor;
  int echo_port, sink_port, source_port, udp_port, accept_port, size = 4 * 1024 * 1024;
  char line[64];

  signal(SIGPIPE, SIG_IGN);
  echo.fd = bound_socket(SOCK_STREAM, &echo_port);
  echo.serve = echo_connection;
  sink.fd = bound_socket(SOCK_STREAM, &sink_port);
  sink.serve = sink_connection;
  source.fd = bound_socket(SOCK_STREAM, &source_port);
  source.serve = source_connection;
  udp = bound_socket(SOCK_DGRAM, &udp_port);
  setsockopt(udp, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
  acceptor = bound_socket(SOCK_STREAM, &accept_port);

  start(accept_threads, &echo);
  start(accept_threads, &sink);
  start(accept_threads, &source);
  start(udp_echo, &udp);
  start(accept_and_close, &acceptor);

  printf("{\"echo\":%d,\"sink\":%d,\"source\":%d,\"udp\":%d,\"accept\":%d}\n",
         echo_port, sink_port, source_port, udp_port, accept_port);
  fflush(stdout);
  while (fgets(line, sizeof(line), stdin) != NULL)
    if (strncmp(line, "quit", 4) == 0) break;
  return 0;
}
