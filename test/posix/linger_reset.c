/* How close() ends a TCP connection, as the peer sees it: SO_LINGER with a
 * zero time resets (also when inherited from the listener, and after data
 * the peer has read), a plain close sends FIN, a close with unread data
 * resets, and a send to a reset peer fails. One process holds both ends on
 * loopback; the peer waits in poll() for what close() sent, so no fixed
 * delay decides the outcome. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

static const struct linger RESET = {1, 0};

/* A connected pair: *client and *server (the accepted end). */
static void connected_pair(int *client, int *server, int listener_lingers) {
  struct sockaddr_in addr;
  socklen_t len = sizeof(addr);
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (listener < 0) DIE("socket");
  if (listener_lingers && setsockopt(listener, SOL_SOCKET, SO_LINGER, &RESET, sizeof(RESET)) < 0) DIE("linger");
  if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(listener, 4) < 0) DIE("listen");
  if (getsockname(listener, (struct sockaddr *)&addr, &len) < 0) DIE("getsockname");
  *client = socket(AF_INET, SOCK_STREAM, 0);
  if (*client < 0 || connect(*client, (struct sockaddr *)&addr, sizeof(addr)) < 0) DIE("connect");
  *server = accept(listener, NULL, NULL);
  if (*server < 0) DIE("accept");
  close(listener);
}

/* Waits until `fd` has something to report (data, FIN or reset). */
static void await_readable(int fd) {
  struct pollfd p = {fd, POLLIN, 0};
  if (poll(&p, 1, 10000) != 1) printf("(poll timed out)\n");
}

/* What the peer reads after the other end closed: each recv until EOF or
 * an error. */
static void peer_reads(const char *what, int fd) {
  char buf[64];
  ssize_t n;
  printf("%s:", what);
  do {
    await_readable(fd);
    n = recv(fd, buf, sizeof(buf), 0);
    if (n < 0) printf(" %s", errno_name(errno));
    else printf(" %zd", n);
  } while (n > 0);
  printf("\n");
}

static void reset_by_linger(void) {
  int c, s;
  struct linger got;
  socklen_t len = sizeof(got);
  connected_pair(&c, &s, 0);
  SHOW("setsockopt SO_LINGER {1, 0}", setsockopt(s, SOL_SOCKET, SO_LINGER, &RESET, sizeof(RESET)));
  if (getsockopt(s, SOL_SOCKET, SO_LINGER, &got, &len) < 0) DIE("getsockopt");
  printf("reads back: on %d, %d s\n", got.l_onoff != 0, got.l_linger);
  close(s);
  peer_reads("linger 0, close", c);
  close(c);
}

static void reset_after_data(void) {
  int c, s;
  char buf[8];
  connected_pair(&c, &s, 0);
  if (send(s, "abc", 3, 0) != 3) DIE("send");
  await_readable(c);
  printf("peer got %zd bytes first\n", recv(c, buf, sizeof(buf), 0));
  setsockopt(s, SOL_SOCKET, SO_LINGER, &RESET, sizeof(RESET));
  close(s);
  peer_reads("linger 0 after data, close", c);
  close(c);
}

static void plain_close(void) {
  int c, s;
  connected_pair(&c, &s, 0);
  close(s);
  peer_reads("plain close", c);
  close(c);
}

static void close_with_unread(void) {
  int c, s;
  connected_pair(&c, &s, 0);
  if (send(c, "xyz", 3, 0) != 3) DIE("send");
  await_readable(s);
  close(s);
  peer_reads("close with unread data", c);
  close(c);
}

static void inherited_linger(void) {
  int c, s;
  struct linger got;
  socklen_t len = sizeof(got);
  connected_pair(&c, &s, 1);
  if (getsockopt(s, SOL_SOCKET, SO_LINGER, &got, &len) < 0) DIE("getsockopt");
  printf("accepted socket inherits: on %d, %d s\n", got.l_onoff != 0, got.l_linger);
  close(s);
  peer_reads("inherited linger 0, close", c);
  close(c);
}

static void send_after_reset(void) {
  int c, s;
  ssize_t n;
  connected_pair(&c, &s, 0);
  setsockopt(s, SOL_SOCKET, SO_LINGER, &RESET, sizeof(RESET));
  close(s);
  await_readable(c);
  n = send(c, "q", 1, 0);
  SHOW("send to the reset peer", n);
  close(c);
}

/* MSG_WAITALL that gets part of what it asked for, then a reset: the part
 * is its answer, and the reset is the next call's error (the host once
 * dropped the error and reported an end instead). */
static void waitall_then_reset(void) {
  int c, s;
  char buf[100];
  ssize_t n;
  connected_pair(&c, &s, 0);
  if (send(s, "0123456789", 10, 0) != 10) DIE("send");
  setsockopt(s, SOL_SOCKET, SO_LINGER, &RESET, sizeof(RESET));
  close(s);
  await_readable(c);
  n = recv(c, buf, sizeof(buf), MSG_WAITALL);
  if (n < 0) printf("recv MSG_WAITALL: %s\n", errno_name(errno));
  else printf("recv MSG_WAITALL: %zd\n", n);
  peer_reads("then", c);
  close(c);
}

/* A connection whose client resets before the server takes it: accept()
 * still returns it, and its reads give the bytes sent before the reset,
 * then ECONNRESET (the host once dropped such a connection unseen, and
 * accept() waited for another). */
static void reset_before_accept(void) {
  struct sockaddr_in addr;
  socklen_t len = sizeof(addr);
  int listener = socket(AF_INET, SOCK_STREAM, 0), c, s;
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(listener, 4) < 0) DIE("listen");
  if (getsockname(listener, (struct sockaddr *)&addr, &len) < 0) DIE("getsockname");
  c = socket(AF_INET, SOCK_STREAM, 0);
  if (c < 0 || connect(c, (struct sockaddr *)&addr, sizeof(addr)) < 0) DIE("connect");
  if (send(c, "early", 5, 0) != 5) DIE("send");
  setsockopt(c, SOL_SOCKET, SO_LINGER, &RESET, sizeof(RESET));
  close(c);
  s = accept(listener, NULL, NULL);
  printf("accept after the reset: %s\n", s >= 0 ? "a socket" : errno_name(errno));
  if (s >= 0) {
    peer_reads("its reads", s);
    close(s);
  }
  close(listener);
}

int main(void) {
  signal(SIGPIPE, SIG_IGN);
  setvbuf(stdout, NULL, _IOLBF, 0);
  reset_by_linger();
  reset_after_data();
  plain_close();
  close_with_unread();
  inherited_linger();
  send_after_reset();
  waitall_then_reset();
  reset_before_accept();
  return 0;
}
