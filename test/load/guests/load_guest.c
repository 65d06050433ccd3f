/* The guest side of the load and fault tests (test/load/): a plain POSIX
 * program, built for wasm32-wasi against the WASI add-on and run under the
 * Node host (js/host/run-wasi.js), as a user's server would be. It builds
 * natively too, which shows the tests' expectations are a kernel's.
 *
 *   load_guest echo MAX        an echo server on 127.0.0.1: prints "port P",
 *                              serves every connection at once over poll(),
 *                              exits 0 after MAX connections have closed
 *   load_guest churn N         N cycles of connect to itself, accept, close
 *                              both (at most 3 sockets open); prints
 *                              "cycles K" every 1,000 and "done", then waits
 *                              for a line on stdin before it exits
 *   load_guest hold            listens, prints "port P", accepts one
 *                              connection and leaves it unread until a line
 *                              arrives on stdin; then reads it to the end and
 *                              prints "got BYTES SUM" (SUM: the sum of every
 *                              byte, modulo 2^32)
 *   load_guest send-exit PORT BYTES [close]
 *                              connects to 127.0.0.1:PORT, sends BYTES of
 *                              pattern_byte(i) (printing "at N" after each
 *                              send), prints "sent BYTES" and exits at once
 *                              (after close() with "close")
 *   load_guest slow-sink PAUSE_MS
 *                              run natively: the exit test's peer. Listens
 *                              with a small fixed receive buffer (64 KiB, no
 *                              autotuning), prints "port P", accepts one
 *                              connection and reads it slowly (64 KiB, then
 *                              a pause) to the end, checking pattern_byte(i);
 *                              prints "got BYTES FIRST_WRONG end|reset"
 *
 * Every failure prints "load_guest: what: why" and exits 1. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_CLIENTS 2048
#define BUFFER (16 * 1024)

static int fail(const char *what) {
  fprintf(stderr, "load_guest: %s: %s\n", what, strerror(errno));
  return 1;
}

/* The byte at offset i of what send-exit sends (test/load/ checks it). */
static unsigned char pattern_byte(uint64_t i) {
  return (unsigned char)((i * 7 + (i >> 16)) & 0xff);
}

static void loopback(struct sockaddr_in *addr, int port) {
  memset(addr, 0, sizeof(*addr));
  addr->sin_family = AF_INET;
  addr->sin_port = htons((uint16_t)port);
  addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
}

/* A listener on 127.0.0.1 on a port the system picks; *port gets it. */
static int open_listener(int backlog, int *port) {
  struct sockaddr_in addr;
  socklen_t len = sizeof(addr);
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  loopback(&addr, 0);
  if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(fd, backlog) != 0 ||
      getsockname(fd, (struct sockaddr *)&addr, &len) != 0) {
    close(fd);
    return -1;
  }
  *port = ntohs(addr.sin_port);
  return fd;
}

static int set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL);
  return flags < 0 ? -1 : fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

static void say(const char *fmt, long long value) {
  printf(fmt, value);
  printf("\n");
  fflush(stdout);
}

static int wait_for_line(void) {
  char line[64];
  return fgets(line, sizeof(line), stdin) != NULL ? 0 : 1;
}

/* ---- echo: every connection at once, over poll() ------------------------ */

typedef struct echo_client {
  unsigned char buf[BUFFER];
  size_t pending; /* read, not yet written back */
  size_t sent;    /* of those, written */
} echo_client;

typedef struct echo_server {
  struct pollfd fds[MAX_CLIENTS + 1]; /* fds[0]: the listener */
  echo_client *clients[MAX_CLIENTS + 1];
  size_t count;
  long long closed;
} echo_server;

static void drop_client(echo_server *s, size_t i) {
  close(s->fds[i].fd);
  free(s->clients[i]);
  s->count--;
  s->fds[i] = s->fds[s->count];
  s->clients[i] = s->clients[s->count];
  s->closed++;
}

static int accept_clients(echo_server *s) {
  for (;;) {
    int fd = accept(s->fds[0].fd, NULL, NULL);
    if (fd < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : fail("accept");
    if (s->count > MAX_CLIENTS || set_nonblocking(fd) != 0) {
      close(fd);
      continue;
    }
    s->clients[s->count] = calloc(1, sizeof(echo_client));
    if (s->clients[s->count] == NULL) return fail("calloc");
    s->fds[s->count].fd = fd;
    s->fds[s->count].events = POLLIN;
    s->count++;
  }
}

/* Reads when nothing is pending, writes back what is: 0 to keep the
 * connection, 1 to drop it (end of stream or an error from the peer). */
static int serve_client(echo_server *s, size_t i) {
  echo_client *c = s->clients[i];
  ssize_t n;
  if (c->pending == 0) {
    n = recv(s->fds[i].fd, c->buf, sizeof(c->buf), 0);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : 1;
    if (n == 0) return 1;
    c->pending = (size_t)n;
    c->sent = 0;
  }
  n = send(s->fds[i].fd, c->buf + c->sent, c->pending - c->sent, MSG_NOSIGNAL);
  if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) return 1;
  if (n > 0) c->sent += (size_t)n;
  if (c->sent == c->pending) c->pending = 0;
  s->fds[i].events = c->pending ? POLLOUT : POLLIN;
  return 0;
}

static int run_echo(long long max) {
  static echo_server s;
  int port;
  size_t i;
  s.fds[0].fd = open_listener(4096, &port);
  if (s.fds[0].fd < 0 || set_nonblocking(s.fds[0].fd) != 0) return fail("listen");
  s.fds[0].events = POLLIN;
  s.count = 1;
  say("port %lld", port);
  while (s.closed < max) {
    if (poll(s.fds, (nfds_t)s.count, -1) < 0) return fail("poll");
    /* Downwards: the entry moved into a dropped one's place was seen. */
    for (i = s.count; i-- > 1;)
      if (s.fds[i].revents != 0 && serve_client(&s, i) != 0) drop_client(&s, i);
    if (s.fds[0].revents != 0 && accept_clients(&s) != 0) return 1;
  }
  close(s.fds[0].fd);
  return 0;
}

/* ---- churn: connect, accept, close, N times ------------------------------ */

static int one_cycle(int listener, const struct sockaddr_in *addr) {
  int client = socket(AF_INET, SOCK_STREAM, 0), server;
  if (client < 0) return fail("socket");
  if (connect(client, (const struct sockaddr *)addr, sizeof(*addr)) != 0) {
    close(client);
    return fail("connect");
  }
  server = accept(listener, NULL, NULL);
  if (server < 0) {
    close(client);
    return fail("accept");
  }
  close(client);
  close(server);
  return 0;
}

static int run_churn(long long cycles) {
  struct sockaddr_in addr;
  long long i;
  int port, listener = open_listener(16, &port);
  if (listener < 0) return fail("listen");
  loopback(&addr, port);
  for (i = 1; i <= cycles; i++) {
    if (one_cycle(listener, &addr) != 0) return 1;
    if (i % 1000 == 0) say("cycles %lld", i);
  }
  close(listener);
  say("done %lld", cycles);
  return wait_for_line();
}

/* ---- hold: a connection left unread, then read to the end ----------------- */

static int run_hold(void) {
  static unsigned char buf[64 * 1024];
  unsigned long long total = 0;
  uint32_t sum = 0;
  int port, fd, listener = open_listener(1, &port);
  if (listener < 0) return fail("listen");
  say("port %lld", port);
  fd = accept(listener, NULL, NULL);
  if (fd < 0) return fail("accept");
  say("accepted %lld", 1);
  if (wait_for_line() != 0) return fail("stdin");
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0), k;
    if (n < 0) return fail("recv");
    if (n == 0) break;
    for (k = 0; k < n; k++) sum += buf[k];
    total += (unsigned long long)n;
  }
  printf("got %llu %lu\n", total, (unsigned long)sum);
  fflush(stdout);
  close(fd);
  close(listener);
  return 0;
}

/* ---- send-exit: bytes handed to send, then exit at once ------------------- */

/* Sends of 1 MiB: a send larger than the host's ring, so that when the
 * kernel's buffer is full, the send returns with the ring full. */
static int run_send_exit(int port, long long bytes, int close_first) {
  static unsigned char chunk[1024 * 1024];
  struct sockaddr_in addr;
  long long off = 0;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return fail("socket");
  loopback(&addr, port);
  if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) != 0) return fail("connect");
  while (off < bytes) {
    size_t len = bytes - off < (long long)sizeof(chunk) ? (size_t)(bytes - off) : sizeof(chunk), k;
    ssize_t n;
    for (k = 0; k < len; k++) chunk[k] = pattern_byte((uint64_t)(off + (long long)k));
    n = send(fd, chunk, len, MSG_NOSIGNAL);
    if (n < 0) return fail("send");
    off += n;
    say("at %lld", off);
  }
  if (close_first && close(fd) != 0) return fail("close");
  say("sent %lld", bytes);
  return 0; /* exit with the bytes still on their way */
}

/* ---- slow-sink: the peer that keeps the sender's buffers full ------------- */

static int run_slow_sink(long pause_ms) {
  static unsigned char buf[64 * 1024];
  struct timespec pause;
  unsigned long long total = 0;
  long long first_wrong = -1;
  int small = (int)sizeof(buf), port, fd, listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr;
  socklen_t len = sizeof(addr);
  const char *ending = "end";
  pause.tv_sec = pause_ms / 1000;
  pause.tv_nsec = (pause_ms % 1000) * 1000000L;
  if (listener < 0) return fail("socket");
  /* Set before listen, so the accepted socket has it from the handshake. */
  setsockopt(listener, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
  loopback(&addr, 0);
  if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) != 0 || listen(listener, 1) != 0 ||
      getsockname(listener, (struct sockaddr *)&addr, &len) != 0)
    return fail("listen");
  port = ntohs(addr.sin_port);
  say("port %lld", port);
  fd = accept(listener, NULL, NULL);
  if (fd < 0) return fail("accept");
  for (;;) {
    ssize_t n = recv(fd, buf, sizeof(buf), 0), k;
    if (n < 0) {
      ending = errno == ECONNRESET ? "reset" : "error";
      break;
    }
    if (n == 0) break;
    for (k = 0; k < n && first_wrong < 0; k++)
      if (buf[k] != pattern_byte(total + (uint64_t)k)) first_wrong = (long long)(total + (uint64_t)k);
    total += (unsigned long long)n;
    nanosleep(&pause, NULL);
  }
  printf("got %llu %lld %s\n", total, first_wrong, ending);
  fflush(stdout);
  return 0;
}

int main(int argc, char **argv) {
  const char *mode = argc > 1 ? argv[1] : "";
  if (strcmp(mode, "echo") == 0 && argc == 3) return run_echo(atoll(argv[2]));
  if (strcmp(mode, "churn") == 0 && argc == 3) return run_churn(atoll(argv[2]));
  if (strcmp(mode, "hold") == 0 && argc == 2) return run_hold();
  if (strcmp(mode, "slow-sink") == 0 && argc == 3) return run_slow_sink(atol(argv[2]));
  if (strcmp(mode, "send-exit") == 0 && (argc == 4 || argc == 5))
    return run_send_exit(atoi(argv[2]), atoll(argv[3]), argc == 5 && strcmp(argv[4], "close") == 0);
  fprintf(stderr, "usage: load_guest echo MAX | churn N | hold | send-exit PORT BYTES [close] | slow-sink PAUSE_MS\n");
  return 2;
}
