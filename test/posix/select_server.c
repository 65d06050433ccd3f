/* A line-based echo server in the style of classic select() daemons: a
 * listener and its connections in fd_sets, FD_ISSET after each select().
 * Self-contained: it opens its own blocking clients, each sending lines
 * and reading the echoes, while the server loop runs between them.
 *
 *   select_server [clients]    (default 50; select handles FD_SETSIZE)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "common.h"

#define MAX_CLIENTS 200

static int served[MAX_CLIENTS], nserved;

static int serve_ready(fd_set *ready) {
  char buf[256];
  int i, closed = 0;
  for (i = 0; i < nserved; i++) {
    ssize_t n;
    if (served[i] < 0 || !FD_ISSET(served[i], ready)) continue;
    n = recv(served[i], buf, sizeof(buf), 0);
    if (n > 0) {
      if (send(served[i], buf, (size_t)n, 0) != n) DIE("echo");
    } else {
      close(served[i]);
      served[i] = -1;
      closed++;
    }
  }
  return closed;
}

/* One select() round with a 5 s limit over the listener, the connections
 * and `also` (a client waiting for its echo, or -1); returns what was
 * ready. */
static int run_select(int listener, int also, fd_set *ready) {
  struct timeval tv = {5, 0};
  int i, maxfd = listener > also ? listener : also, n;
  FD_ZERO(ready);
  FD_SET(listener, ready);
  if (also >= 0) FD_SET(also, ready);
  for (i = 0; i < nserved; i++) {
    if (served[i] < 0) continue;
    FD_SET(served[i], ready);
    if (served[i] > maxfd) maxfd = served[i];
  }
  n = select(maxfd + 1, ready, NULL, NULL, &tv);
  if (n < 0) DIE("select");
  if (n > 0 && FD_ISSET(listener, ready)) {
    int fd = accept(listener, NULL, NULL);
    if (fd < 0) DIE("accept");
    served[nserved++] = fd;
  }
  return n;
}

/* Event libraries often grow their own fd_sets and set the bits
 * themselves, taking fd_set to be a bitmap as on every Unix. */
static void bitmap_sets(int listener, const struct sockaddr_in *addr) {
  size_t words = 2 * sizeof(fd_set) / sizeof(unsigned long);
  unsigned long *bits = calloc(words, sizeof(unsigned long));
  struct timeval tv = {5, 0};
  int client = socket(AF_INET, SOCK_STREAM, 0), n;
  const int per_word = 8 * (int)sizeof(unsigned long);
  if (bits == NULL) DIE("calloc");
  if (connect(client, (const struct sockaddr *)addr, sizeof(*addr)) < 0) DIE("connect");
  bits[listener / per_word] |= 1UL << (listener % per_word);
  n = select(listener + 1, (fd_set *)(void *)bits, NULL, NULL, &tv);
  printf("select on a hand-made bitmap: %d, listener bit %s\n", n,
         (bits[listener / per_word] >> (listener % per_word)) & 1 ? "set" : "clear");
  n = accept(listener, NULL, NULL);
  close(n);
  close(client);
  free(bits);
}

int main(int argc, char **argv) {
  int clients = argc > 1 ? atoi(argv[1]) : 50;
  int client_fds[MAX_CLIENTS];
  struct sockaddr_in addr;
  socklen_t len = sizeof(addr);
  int listener, i, closed = 0, ok = 0, timeouts = 0;
  fd_set ready;
  struct timeval tv = {0, 20000};

  if (clients > MAX_CLIENTS) clients = MAX_CLIENTS;
  listener = socket(AF_INET, SOCK_STREAM, 0);
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = inet_addr("127.0.0.1");
  if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0) DIE("bind");
  if (listen(listener, 64) < 0) DIE("listen");
  getsockname(listener, (struct sockaddr *)&addr, &len);

  /* A select with nothing ready times out and says 0. */
  FD_ZERO(&ready);
  FD_SET(listener, &ready);
  printf("idle select: %d\n", select(listener + 1, &ready, NULL, NULL, &tv));
  bitmap_sets(listener, &addr);

  for (i = 0; i < clients; i++) {
    client_fds[i] = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(client_fds[i], (struct sockaddr *)&addr, sizeof(addr)) < 0) DIE("connect");
    while (nserved <= i) run_select(listener, -1, &ready);
  }
  for (i = 0; i < clients; i++) {
    char line[32], back[32];
    int got = 0, want = snprintf(line, sizeof(line), "line %d\n", i);
    if (send(client_fds[i], line, (size_t)want, 0) != want) DIE("send");
    while (got < want) {
      ssize_t n;
      if (run_select(listener, client_fds[i], &ready) == 0) timeouts++;
      closed += serve_ready(&ready);
      n = recv(client_fds[i], back + got, (size_t)(want - got), MSG_DONTWAIT);
      if (n > 0) got += (int)n;
    }
    ok += memcmp(line, back, (size_t)want) == 0;
  }
  for (i = 0; i < clients; i++) close(client_fds[i]);
  while (closed < clients) {
    if (run_select(listener, -1, &ready) == 0) {
      timeouts++;
      break;
    }
    closed += serve_ready(&ready);
  }
  /* A closed descriptor in a set is EBADF. */
  FD_ZERO(&ready);
  FD_SET(client_fds[0], &ready);
  tv.tv_sec = 0;
  tv.tv_usec = 0;
  SHOW("select on a closed descriptor", select(client_fds[0] + 1, &ready, NULL, NULL, &tv));

  printf("clients: %d, echoes right: %d, server saw closed: %d, timeouts: %d\n", clients, ok, closed, timeouts);
  return 0;
}
