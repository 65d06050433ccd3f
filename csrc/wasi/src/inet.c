/* inet_addr, inet_network, inet_ntoa, inet_makeaddr, inet_lnaof,
 * inet_netof: the classic IPv4 text functions wasi-libc leaves out, on its
 * inet_aton. */
#include "addon.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>

in_addr_t inet_addr(const char *text) {
  struct in_addr in;
  if (text == NULL || !inet_aton(text, &in)) return INADDR_NONE;
  return in.s_addr;
}

/* One part of a network number: decimal, octal (0...) or hex (0x...). */
static const char *network_part(const char *p, uint32_t *out) {
  uint32_t value = 0;
  int base = 10, digits = 0;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
    base = 16;
    p += 2;
  } else if (p[0] == '0') {
    base = 8;
  }
  for (;; p++, digits++) {
    int c = (unsigned char)*p, d;
    if (isdigit(c)) d = c - '0';
    else if (base == 16 && isxdigit(c)) d = (tolower(c) - 'a') + 10;
    else break;
    if (d >= base) return NULL;
    value = value * (uint32_t)base + (uint32_t)d;
    if (value > 255) return NULL;
  }
  if (digits == 0) return NULL;
  *out = value;
  return p;
}

/* The network number in host order: "a.b.c" is a<<16 | b<<8 | c. */
in_addr_t inet_network(const char *text) {
  uint32_t result = 0, part;
  int parts = 0;
  const char *p = text;
  if (p == NULL) return INADDR_NONE;
  for (;;) {
    p = network_part(p, &part);
    if (p == NULL || ++parts > 4) return INADDR_NONE;
    result = (result << 8) | part;
    if (*p == '\0') return result;
    if (*p != '.') return INADDR_NONE;
    p++;
  }
}

char *inet_ntoa(struct in_addr in) {
  static char text[16];
  const unsigned char *b = (const unsigned char *)&in.s_addr;
  snprintf(text, sizeof(text), "%u.%u.%u.%u", b[0], b[1], b[2], b[3]);
  return text;
}

/* The class A/B/C split of the old classful addressing, as glibc has it. */
struct in_addr inet_makeaddr(in_addr_t net, in_addr_t host) {
  struct in_addr in;
  uint32_t addr;
  if (net < 128) addr = (net << 24) | (host & 0xffffff);
  else if (net < 65536) addr = (net << 16) | (host & 0xffff);
  else if (net < 16777216) addr = (net << 8) | (host & 0xff);
  else addr = net | host;
  in.s_addr = htonl(addr);
  return in;
}

in_addr_t inet_lnaof(struct in_addr in) {
  uint32_t a = ntohl(in.s_addr);
  if (IN_CLASSA(a)) return a & IN_CLASSA_HOST;
  if (IN_CLASSB(a)) return a & IN_CLASSB_HOST;
  return a & IN_CLASSC_HOST;
}

in_addr_t inet_netof(struct in_addr in) {
  uint32_t a = ntohl(in.s_addr);
  if (IN_CLASSA(a)) return (a & IN_CLASSA_NET) >> IN_CLASSA_NSHIFT;
  if (IN_CLASSB(a)) return (a & IN_CLASSB_NET) >> IN_CLASSB_NSHIFT;
  return (a & IN_CLASSC_NET) >> IN_CLASSC_NSHIFT;
}
