/* A plain POSIX program, written without the ns_* API, that serves itself
 * over loopback: it resolves with getaddrinfo, listens, connects without
 * blocking and waits in poll, accepts, and echoes one message back, with
 * MSG_NOSIGNAL on every send and one MSG_DONTWAIT receive.
 *
 * Built for wasm32-wasi against the WASI add-on alone (./build.sh wasi makes
 * build/wasi/posix-echo.wasm), it shows that ordinary socket code runs under
 * the Node host unchanged. It builds natively too. On success it prints
 * "posix-echo ok PORT" and exits 0; otherwise it says what failed, exits 1. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static const char message[] = "echo me, over loopback, byte for byte";

static int fail(const char *what) {
  fprintf(stderr, "posix-echo: %s: %s\n", what, strerror(errno));
  return -1;
}

static int fail_gai(const char *what, int rc) {
  fprintf(stderr, "posix-echo: %s: %s\n", what, gai_strerror(rc));
  return -1;
}

static int set_nonblocking(int fd, int on) {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return fail("fcntl(F_GETFL)");
  flags = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
  if (fcntl(fd, F_SETFL, flags) != 0) return fail("fcntl(F_SETFL)");
  return 0;
}

/* A listening TCP socket on 127.0.0.1 with a port the system picks. */
static int open_listener(unsigned short *port) {
  struct addrinfo hints, *ai = NULL;
  struct sockaddr_in bound;
  socklen_t len = sizeof(bound);
  int fd, rc;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
  rc = getaddrinfo("127.0.0.1", "0", &hints, &ai);
  if (rc != 0) return fail_gai("getaddrinfo(127.0.0.1)", rc);
  fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
  if (fd < 0) {
    freeaddrinfo(ai);
    return fail("socket");
  }
  rc = bind(fd, ai->ai_addr, ai->ai_addrlen);
  freeaddrinfo(ai);
  if (rc != 0 || listen(fd, 4) != 0 ||
      getsockname(fd, (struct sockaddr *)&bound, &len) != 0) {
    fail("bind/listen/getsockname");
    close(fd);
    return -1;
  }
  *port = ntohs(bound.sin_port);
  return fd;
}

/* Waits until `fd` has `events`, at most `ms` milliseconds. */
static int wait_for(int fd, short events, int ms) {
  struct pollfd p;
  int rc;
  p.fd = fd;
  p.events = events;
  p.revents = 0;
  rc = poll(&p, 1, ms);
  if (rc < 0) return fail("poll");
  if (rc == 0) {
    errno = ETIMEDOUT;
    return fail("poll timed out");
  }
  return 0;
}

/* A client connected to localhost:port: non-blocking connect, poll for
 * writable, SO_ERROR, then back to blocking. */
static int connect_client(unsigned short port) {
  struct addrinfo hints, *ai = NULL;
  char service[8];
  int fd, rc, err = 0;
  socklen_t len = sizeof(err);
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  snprintf(service, sizeof(service), "%u", (unsigned)port);
  rc = getaddrinfo("localhost", service, &hints, &ai);
  if (rc != 0) return fail_gai("getaddrinfo(localhost)", rc);
  fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
  if (fd < 0 || set_nonblocking(fd, 1) != 0) {
    freeaddrinfo(ai);
    if (fd >= 0) close(fd);
    return fail("socket");
  }
  rc = connect(fd, ai->ai_addr, ai->ai_addrlen);
  freeaddrinfo(ai);
  if (rc != 0 && errno != EINPROGRESS) rc = fail("connect");
  else if (rc != 0) rc = wait_for(fd, POLLOUT, 5000);
  if (rc == 0 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
    rc = fail("getsockopt(SO_ERROR)");
  if (rc == 0 && err != 0) {
    errno = err;
    rc = fail("connect (SO_ERROR)");
  }
  if (rc == 0) rc = set_nonblocking(fd, 0);
  if (rc != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

/* Accepts the client's connection and checks the peer address it reports. */
static int accept_client(int listener, int client) {
  struct sockaddr_in peer, local;
  socklen_t peer_len = sizeof(peer), local_len = sizeof(local);
  char text[INET_ADDRSTRLEN];
  int fd = accept(listener, (struct sockaddr *)&peer, &peer_len);
  if (fd < 0) return fail("accept");
  if (getsockname(client, (struct sockaddr *)&local, &local_len) != 0 ||
      inet_ntop(AF_INET, &peer.sin_addr, text, sizeof(text)) == NULL) {
    close(fd);
    return fail("getsockname/inet_ntop");
  }
  if (strcmp(text, "127.0.0.1") != 0 || peer.sin_port != local.sin_port) {
    fprintf(stderr, "posix-echo: accept says the peer is %s:%u, not 127.0.0.1:%u\n",
            text, (unsigned)ntohs(peer.sin_port), (unsigned)ntohs(local.sin_port));
    close(fd);
    return -1;
  }
  return fd;
}

/* Reads exactly len bytes, polling first so a lost byte cannot hang us. */
static int read_exactly(int fd, char *buf, size_t len) {
  size_t got = 0;
  while (got < len) {
    ssize_t n;
    if (wait_for(fd, POLLIN, 5000) != 0) return -1;
    n = recv(fd, buf + got, len - got, 0);
    if (n < 0) return fail("recv");
    if (n == 0) {
      fprintf(stderr, "posix-echo: the peer closed after %zu of %zu bytes\n", got, len);
      return -1;
    }
    got += (size_t)n;
  }
  return 0;
}

static int send_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
    if (n < 0) return fail("send");
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

/* Nothing has been sent yet: a MSG_DONTWAIT receive must not wait. */
static int check_dontwait(int fd) {
  char byte;
  if (recv(fd, &byte, 1, MSG_DONTWAIT) != -1 ||
      (errno != EAGAIN && errno != EWOULDBLOCK)) {
    fprintf(stderr, "posix-echo: recv(MSG_DONTWAIT) on an idle socket: %s\n",
            strerror(errno));
    return -1;
  }
  return 0;
}

/* Client sends, server echoes, client checks; then an orderly close. */
static int echo(int client, int server) {
  char at_server[sizeof(message)], at_client[sizeof(message)];
  if (check_dontwait(server) != 0) return -1;
  if (send_all(client, message, sizeof(message)) != 0) return -1;
  if (read_exactly(server, at_server, sizeof(at_server)) != 0) return -1;
  if (send_all(server, at_server, sizeof(at_server)) != 0) return -1;
  if (read_exactly(client, at_client, sizeof(at_client)) != 0) return -1;
  if (memcmp(at_client, message, sizeof(message)) != 0) {
    fprintf(stderr, "posix-echo: the echo differs from the message\n");
    return -1;
  }
  if (shutdown(client, SHUT_WR) != 0) return fail("shutdown");
  if (recv(server, at_server, sizeof(at_server), 0) != 0) {
    fprintf(stderr, "posix-echo: no end of stream after shutdown\n");
    return -1;
  }
  return 0;
}

int main(void) {
  unsigned short port = 0;
  int listener, client = -1, server = -1, rc = -1;
  listener = open_listener(&port);
  if (listener < 0) return 1;
  client = connect_client(port);
  if (client >= 0) server = accept_client(listener, client);
  if (server >= 0) rc = echo(client, server);
  if (server >= 0) close(server);
  if (client >= 0) close(client);
  close(listener);
  if (rc != 0) return 1;
  printf("posix-echo ok %u\n", (unsigned)port);
  return 0;
}
