/* An echo server in the style of a small event-loop daemon: one poll() over
 * a non-blocking listener and every connection. To be self-contained it
 * also opens its own clients (non-blocking connects), so the poll set holds
 * 2 * N + 1 descriptors, all open at once until every client has its echo.
 *
 *   poll_server [clients]    (default 2000)
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

#define MESSAGE_SIZE 16

/* Emscripten's musl says SOMAXCONN is 128 (glibc and the WASI add-on: 4096);
 * its build passes -DBACKLOG=4096 (see docs/porting.md, the backlog). */
#ifndef BACKLOG
#define BACKLOG SOMAXCONN
#endif

enum role { LISTENER, CLIENT, SERVER_SIDE };

struct conn {
  enum role role;
  int id;          /* the client's number, for its message */
  int sent, got;   /* bytes of the message */
  char buf[MESSAGE_SIZE];
};

static struct pollfd *fds;
static struct conn *conns;
static int nfds, capacity;
static int replies_ok, replies_bad, echoed, accepted, open_server_side, max_open;

static void message_of(int id, char out[MESSAGE_SIZE]) {
  memset(out, 0, MESSAGE_SIZE);
  snprintf(out, MESSAGE_SIZE, "hello %d", id);
}

static int add(int fd, short events, enum role role, int id) {
  if (nfds == capacity) {
    fprintf(stderr, "poll set full\n");
    exit(1);
  }
  fds[nfds].fd = fd;
  fds[nfds].events = events;
  fds[nfds].revents = 0;
  memset(&conns[nfds], 0, sizeof(conns[nfds]));
  conns[nfds].role = role;
  conns[nfds].id = id;
  return nfds++;
}

static void set_nonblocking(int fd) {
  int flags = fcntl(fd, F_GETFL, 0);
  if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0) DIE("fcntl");
}

static void accept_all(int listener) {
  for (;;) {
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK) return;
      DIE("accept");
    }
    set_nonblocking(fd);
    add(fd, POLLIN, SERVER_SIDE, -1);
    accepted++;
    open_server_side++;
    if (open_server_side > max_open) max_open = open_server_side;
  }
}

/* The server side echoes whatever arrives. */
static void serve(int i) {
  char buf[512];
  ssize_t n = recv(fds[i].fd, buf, sizeof(buf), 0);
  if (n > 0) {
    if (send(fds[i].fd, buf, (size_t)n, 0) != n) DIE("echo send");
    echoed += (int)n;
    return;
  }
  if (n < 0 && errno == EAGAIN) return;
  close(fds[i].fd);
  fds[i].fd = -1;
  open_server_side--;
}

static void client_step(int i) {
  struct conn *c = &conns[i];
  char expected[MESSAGE_SIZE];
  message_of(c->id, expected);
  if ((fds[i].revents & POLLOUT) && c->sent < MESSAGE_SIZE) {
    ssize_t n = send(fds[i].fd, expected + c->sent, (size_t)(MESSAGE_SIZE - c->sent), 0);
    if (n < 0 && errno != EAGAIN) DIE("client send");
    if (n > 0) c->sent += (int)n;
    if (c->sent == MESSAGE_SIZE) fds[i].events = POLLIN;
  }
  if (fds[i].revents & (POLLIN | POLLHUP | POLLERR)) {
    ssize_t n = recv(fds[i].fd, c->buf + c->got, (size_t)(MESSAGE_SIZE - c->got), 0);
    if (n <= 0) {
      if (n < 0 && errno == EAGAIN) return;
      DIE("client recv");
    }
    c->got += (int)n;
    if (c->got == MESSAGE_SIZE) {
      if (memcmp(c->buf, expected, MESSAGE_SIZE) == 0) replies_ok++;
      else replies_bad++;
      fds[i].events = 0; /* done; stays open until everyone is */
    }
  }
}

int main(int argc, char **argv) {
  int clients = argc > 1 ? atoi(argv[1]) : 2000;
  struct sockaddr_in addr;
  socklen_t len = sizeof(addr);
  int listener, i, one = 1;

  signal(SIGPIPE, SIG_IGN);
  capacity = 2 * clients + 1;
  fds = calloc((size_t)capacity, sizeof(*fds));
  conns = calloc((size_t)capacity, sizeof(*conns));
  if (fds == NULL || conns == NULL) DIE("calloc");

  listener = socket(AF_INET, SOCK_STREAM, 0);
  if (listener < 0) DIE("socket");
  if (setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0) DIE("setsockopt");
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0) DIE("bind");
  if (listen(listener, BACKLOG) < 0) DIE("listen");
  if (getsockname(listener, (struct sockaddr *)&addr, &len) < 0) DIE("getsockname");
  set_nonblocking(listener);
  add(listener, POLLIN, LISTENER, -1);

  for (i = 0; i < clients; i++) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) DIE("client socket");
    set_nonblocking(fd);
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 && errno != EINPROGRESS) DIE("connect");
    add(fd, POLLOUT, CLIENT, i);
  }

  while (replies_ok + replies_bad < clients) {
    int ready = poll(fds, (nfds_t)nfds, 20000);
    if (ready < 0) DIE("poll");
    if (ready == 0) {
      printf("FATAL: stalled with %d of %d replies\n", replies_ok + replies_bad, clients);
      return 1;
    }
    for (i = 0; i < nfds; i++) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      if (fds[i].revents & POLLNVAL) DIE("POLLNVAL");
      if (conns[i].role == LISTENER) accept_all(fds[i].fd);
      else if (conns[i].role == SERVER_SIDE) serve(i);
      else client_step(i);
    }
  }

  printf("clients: %d\n", clients);
  printf("accepted: %d\n", accepted);
  printf("bytes echoed: %d\n", echoed);
  printf("correct replies: %d, wrong: %d\n", replies_ok, replies_bad);
  printf("all connections open at once: %s\n", max_open == clients ? "yes" : "no");
  for (i = 0; i < nfds; i++) {
    if (fds[i].fd >= 0) close(fds[i].fd);
  }
  printf("poll set size: %d\n", nfds);
  return 0;
}
