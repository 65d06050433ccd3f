/* A guest for the sandbox tests (test/js/sandbox.test.js): one socket
 * operation per run, named on the command line, its outcome printed as one
 * line ("ok ..." or the errno's name), so the tests can see what the host's
 * network policy and limits let a guest do.
 *
 *   netprobe tcp-connect HOST PORT     connect (blocking)
 *   netprobe tcp-bind HOST PORT        bind + listen; "ok PORT"
 *   netprobe listen-any 4|6            listen without bind
 *   netprobe udp-send HOST PORT        sendto
 *   netprobe udp-connect HOST PORT     connect a UDP socket
 *   netprobe unix-bind PATH            bind + listen a unix socket
 *   netprobe unix-connect PATH         connect a unix socket
 *   netprobe unix-pair PATH            bind PATH, connect to it, accept
 *   netprobe lookup NAME               getaddrinfo; "ok ADDR" or the EAI name
 *   netprobe reverse ADDR              getnameinfo; "ok HOST" or the EAI name
 *   netprobe serve HOST PORT N         listen, print "listening PORT", then
 *                                      accept N connections, each "accepted ADDR"
 *   netprobe open-many N               socket() N times; "opened K ERR"
 *   netprobe accept-limit              with --max-sockets 3: accept is EMFILE
 *                                      while 3 are open, ok after one closes
 *   netprobe write-file PATH           create PATH and write to it
 *   netprobe exit N                    exit with status N
 *   netprobe getenv NAME               the variable's value or "(unset)"
 *
 * Built by ./build.sh wasi (build/wasi/netprobe.wasm). */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static const char *errno_name(int e) {
  switch (e) {
    case EACCES: return "EACCES";
    case EPERM: return "EPERM";
    case ECONNREFUSED: return "ECONNREFUSED";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case EMFILE: return "EMFILE";
    case ENOENT: return "ENOENT";
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EINVAL: return "EINVAL";
    case EAGAIN: return "EAGAIN";
    case ENETDOWN: return "ENETDOWN";
    case ENOTDIR: return "ENOTDIR";
#ifdef ENOTCAPABLE /* WASI's "not in a preopen" */
    case ENOTCAPABLE: return "ENOTCAPABLE";
#endif
    default: return "OTHER";
  }
}

static int report(int rc) {
  if (rc == 0) printf("ok\n");
  else printf("%s\n", errno_name(errno));
  return 0;
}

static const char *gai_name(int rc) {
  switch (rc) {
    case EAI_NONAME: return "EAI_NONAME";
    case EAI_FAIL: return "EAI_FAIL";
    case EAI_AGAIN: return "EAI_AGAIN";
    default: return "EAI_OTHER";
  }
}

/* A numeric address; exits on text that is not one (a test bug). */
static int address(const char *host, const char *port, int type, struct sockaddr_storage *ss,
                   socklen_t *len) {
  struct addrinfo hints, *res;
  int rc;
  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  hints.ai_socktype = type;
  rc = getaddrinfo(host, port, &hints, &res);
  if (rc != 0) {
    printf("bad address %s %s: %s\n", host, port, gai_name(rc));
    exit(3);
  }
  memcpy(ss, res->ai_addr, res->ai_addrlen);
  *len = res->ai_addrlen;
  freeaddrinfo(res);
  return ss->ss_family;
}

static int ip_socket(const char *host, const char *port, int type, struct sockaddr_storage *ss,
                     socklen_t *len) {
  int family = address(host, port, type, ss, len);
  int fd = socket(family, type, 0);
  if (fd < 0) {
    printf("socket: %s\n", errno_name(errno));
    exit(3);
  }
  return fd;
}

static int tcp_connect(char **argv) {
  struct sockaddr_storage ss;
  socklen_t len;
  int fd = ip_socket(argv[0], argv[1], SOCK_STREAM, &ss, &len);
  return report(connect(fd, (struct sockaddr *)&ss, len));
}

static int print_port(int fd) {
  struct sockaddr_storage ss;
  socklen_t len = sizeof(ss);
  getsockname(fd, (struct sockaddr *)&ss, &len);
  return ss.ss_family == AF_INET6 ? ntohs(((struct sockaddr_in6 *)&ss)->sin6_port)
                                  : ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static int tcp_bind(char **argv) {
  struct sockaddr_storage ss;
  socklen_t len;
  int fd = ip_socket(argv[0], argv[1], SOCK_STREAM, &ss, &len);
  if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 8) != 0) return report(-1);
  printf("ok %d\n", print_port(fd));
  return 0;
}

static int listen_any(char **argv) {
  int fd = socket(strcmp(argv[0], "6") == 0 ? AF_INET6 : AF_INET, SOCK_STREAM, 0);
  return report(listen(fd, 8));
}

static int udp_send(char **argv) {
  struct sockaddr_storage ss;
  socklen_t len;
  int fd = ip_socket(argv[0], argv[1], SOCK_DGRAM, &ss, &len);
  ssize_t n = sendto(fd, "x", 1, 0, (struct sockaddr *)&ss, len);
  return report(n == 1 ? 0 : -1);
}

static int udp_connect(char **argv) {
  struct sockaddr_storage ss;
  socklen_t len;
  int fd = ip_socket(argv[0], argv[1], SOCK_DGRAM, &ss, &len);
  return report(connect(fd, (struct sockaddr *)&ss, len));
}

static socklen_t unix_address(const char *path, struct sockaddr_un *sun) {
  memset(sun, 0, sizeof(*sun));
  sun->sun_family = AF_UNIX;
  strncpy(sun->sun_path, path, sizeof(sun->sun_path) - 1);
  return sizeof(*sun);
}

static int unix_bind(char **argv) {
  struct sockaddr_un sun;
  socklen_t len = unix_address(argv[0], &sun);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  if (bind(fd, (struct sockaddr *)&sun, len) != 0 || listen(fd, 8) != 0) return report(-1);
  return report(0);
}

static int unix_connect(char **argv) {
  struct sockaddr_un sun;
  socklen_t len = unix_address(argv[0], &sun);
  int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  return report(connect(fd, (struct sockaddr *)&sun, len));
}

static int unix_pair(char **argv) {
  struct sockaddr_un sun;
  socklen_t len = unix_address(argv[0], &sun);
  int server = socket(AF_UNIX, SOCK_STREAM, 0), client = socket(AF_UNIX, SOCK_STREAM, 0), peer;
  if (bind(server, (struct sockaddr *)&sun, len) != 0 || listen(server, 8) != 0) return report(-1);
  if (connect(client, (struct sockaddr *)&sun, len) != 0) return report(-1);
  peer = accept(server, NULL, NULL);
  return report(peer < 0 ? -1 : 0);
}

static int lookup(char **argv) {
  struct addrinfo hints, *res;
  char text[INET6_ADDRSTRLEN];
  int rc;
  memset(&hints, 0, sizeof(hints));
  hints.ai_socktype = SOCK_STREAM;
  rc = getaddrinfo(argv[0], NULL, &hints, &res);
  if (rc != 0) {
    printf("%s\n", gai_name(rc));
    return 0;
  }
  if (res->ai_family == AF_INET6)
    inet_ntop(AF_INET6, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, text, sizeof(text));
  else
    inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, text, sizeof(text));
  printf("ok %s\n", text);
  freeaddrinfo(res);
  return 0;
}

static int reverse(char **argv) {
  struct sockaddr_storage ss;
  socklen_t len;
  char host[256];
  int rc;
  address(argv[0], "0", SOCK_STREAM, &ss, &len);
  rc = getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), NULL, 0, NI_NAMEREQD);
  if (rc != 0) printf("%s\n", gai_name(rc));
  else printf("ok %s\n", host);
  return 0;
}

static int serve(char **argv) {
  struct sockaddr_storage ss;
  socklen_t len;
  int fd = ip_socket(argv[0], argv[1], SOCK_STREAM, &ss, &len), i, n = atoi(argv[2]);
  if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, 8) != 0) return report(-1);
  printf("listening %d\n", print_port(fd));
  fflush(stdout);
  for (i = 0; i < n; i++) {
    char text[INET6_ADDRSTRLEN] = "?", byte;
    struct sockaddr_storage peer;
    socklen_t peer_len = sizeof(peer);
    int c = accept(fd, (struct sockaddr *)&peer, &peer_len);
    if (c < 0) return report(-1);
    if (peer.ss_family == AF_INET)
      inet_ntop(AF_INET, &((struct sockaddr_in *)&peer)->sin_addr, text, sizeof(text));
    else
      inet_ntop(AF_INET6, &((struct sockaddr_in6 *)&peer)->sin6_addr, text, sizeof(text));
    printf("accepted %s\n", text);
    fflush(stdout);
    send(c, "!", 1, 0);
    recv(c, &byte, 1, 0);
    close(c);
  }
  return 0;
}

static int open_many(char **argv) {
  int n = atoi(argv[0]), i;
  for (i = 0; i < n; i++) {
    if (socket(AF_INET, i % 2 ? SOCK_DGRAM : SOCK_STREAM, 0) < 0) {
      printf("opened %d %s\n", i, errno_name(errno));
      return 0;
    }
  }
  printf("opened %d ok\n", n);
  return 0;
}

/* Three sockets open (listener, two clients whose connections wait in the
 * queue): accept is EMFILE; one client closed, it takes the next. */
static int accept_limit(char **argv) {
  struct sockaddr_storage ss;
  socklen_t len;
  int server = ip_socket("127.0.0.1", "0", SOCK_STREAM, &ss, &len), a, b, c;
  struct sockaddr_in *in = (struct sockaddr_in *)&ss;
  (void)argv;
  if (bind(server, (struct sockaddr *)&ss, len) != 0 || listen(server, 8) != 0) return report(-1);
  in->sin_port = htons((unsigned short)print_port(server));
  a = socket(AF_INET, SOCK_STREAM, 0);
  b = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(a, (struct sockaddr *)&ss, len) != 0 || connect(b, (struct sockaddr *)&ss, len) != 0)
    return report(-1);
  c = accept(server, NULL, NULL);
  printf("accept at limit: %s\n", c < 0 ? errno_name(errno) : "ok");
  close(a);
  c = accept(server, NULL, NULL);
  printf("accept after close: %s\n", c < 0 ? errno_name(errno) : "ok");
  return 0;
}

static int write_file(char **argv) {
  FILE *f = fopen(argv[0], "w");
  if (f == NULL) return report(-1);
  fputs("written by a guest\n", f);
  return report(fclose(f));
}

static int exit_with(char **argv) {
  return atoi(argv[0]);
}

static int print_env(char **argv) {
  const char *value = getenv(argv[0]);
  printf("%s\n", value != NULL ? value : "(unset)");
  return 0;
}

struct command {
  const char *name;
  int args;
  int (*run)(char **argv);
};

static const struct command commands[] = {
  {"tcp-connect", 2, tcp_connect}, {"tcp-bind", 2, tcp_bind}, {"listen-any", 1, listen_any},
  {"udp-send", 2, udp_send}, {"udp-connect", 2, udp_connect}, {"unix-bind", 1, unix_bind},
  {"unix-connect", 1, unix_connect}, {"unix-pair", 1, unix_pair}, {"lookup", 1, lookup},
  {"reverse", 1, reverse}, {"serve", 3, serve}, {"open-many", 1, open_many},
  {"accept-limit", 0, accept_limit}, {"write-file", 1, write_file}, {"exit", 1, exit_with},
  {"getenv", 1, print_env},
};

int main(int argc, char **argv) {
  size_t i;
  if (argc < 2) return 2;
  for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
    if (strcmp(argv[1], commands[i].name) == 0) {
      if (argc - 2 != commands[i].args) return 2;
      return commands[i].run(argv + 2);
    }
  }
  return 2;
}
