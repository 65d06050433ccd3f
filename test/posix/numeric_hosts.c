/* Which texts getaddrinfo(AI_NUMERICHOST) takes as an IPv4 address: glibc
 * takes inet_aton's short forms ("127.1", "2130706433", "0x7f.1", octal
 * parts) exactly, and refuses anything after them or out of range. Programs
 * and their configuration files use these forms, so the host answers as
 * glibc does (native is the oracle). */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static const char *const TEXTS[] = {
    "127.0.0.1", "127.1", "2130706433", "0x7f.1", "0X7F.0.1", "0177.0.0.1", "10.1.2",
    "1.2.65535", "1.2.65536", "1.16777215", "1.16777216", "0xffffffff", "0x100000000",
    "017777777777", "4294967295", "4294967296", "0", "00", "08", "09.1", "0x", "00x1",
    "0x7g", "1.2.3.4.5", "256.1", "1.2.3.0xff", "1.2.3.0x100", "1..2", ".1", "1.",
    "127.1 ", " 127.1", "127.1x", "::1", "::ffff:127.1",
};

static void numeric(const char *text, int family) {
  struct addrinfo hints, *res;
  char shown[INET6_ADDRSTRLEN] = "-";
  int rc;
  memset(&hints, 0, sizeof(hints));
  hints.ai_flags = AI_NUMERICHOST;
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  rc = getaddrinfo(text, NULL, &hints, &res);
  if (rc == 0) {
    if (res->ai_family == AF_INET) {
      inet_ntop(AF_INET, &((struct sockaddr_in *)res->ai_addr)->sin_addr, shown, sizeof(shown));
    } else {
      inet_ntop(AF_INET6, &((struct sockaddr_in6 *)res->ai_addr)->sin6_addr, shown, sizeof(shown));
    }
    freeaddrinfo(res);
  }
  printf("\"%s\" %s: %s %s\n", text, family == AF_INET ? "AF_INET" : "AF_UNSPEC",
         rc == 0 ? "ok" : "refused", shown);
}

int main(void) {
  size_t i;
  for (i = 0; i < sizeof(TEXTS) / sizeof(TEXTS[0]); i++) {
    numeric(TEXTS[i], AF_UNSPEC);
    numeric(TEXTS[i], AF_INET);
  }
  return 0;
}
