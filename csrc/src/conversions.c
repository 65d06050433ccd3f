/* Enum conversions, byte order and small text helpers. */
#include "internal.h"

#include <stdio.h>

int nsi_copy_text(char *buf, size_t len, const char *text) {
  size_t need;
  if (buf == NULL || text == NULL) return NS_EINVAL;
  need = strlen(text) + 1;
  if (len < need) return NS_ERANGE;
  memcpy(buf, text, need);
  return NS_OK;
}

int ns_port_to_string(ns_port port, char *buf, size_t len) {
  char text[NS_PORTSTRLEN];
  snprintf(text, sizeof(text), "%u", (unsigned)port);
  return nsi_copy_text(buf, len, text);
}

int ns_domain_to_int(ns_domain domain) {
  switch (domain) {
    case NS_AF_UNSPEC: return AF_UNSPEC;
    case NS_AF_UNIX: return AF_UNIX;
    case NS_AF_INET: return AF_INET;
    case NS_AF_INET6: return AF_INET6;
  }
  return -1;
}

int ns_sock_type_to_int(ns_sock_type type) {
  switch (type) {
    case NS_SOCK_STREAM: return SOCK_STREAM;
    case NS_SOCK_DGRAM: return SOCK_DGRAM;
    case NS_SOCK_RAW: return SOCK_RAW;
    case NS_SOCK_SEQPACKET: return SOCK_SEQPACKET;
  }
  return -1;
}

/* IANA numbers, the same on every target, so they are not taken from the
 * system headers (which lack some of them on WASI). */
int ns_protocol_to_int(ns_protocol protocol) {
  switch (protocol) {
    case NS_IPPROTO_TCP: return 6;
    case NS_IPPROTO_UDP: return 17;
    case NS_IPPROTO_IP: return 0;
    case NS_IPPROTO_IPV6: return 41;
    case NS_IPPROTO_RAW: return 255;
    case NS_IPPROTO_ICMP: return 1;
    case NS_IPPROTO_ICMPV6: return 58;
  }
  return -1;
}

bool ns_to_known_domain(int family, ns_domain *out) {
  ns_domain found;
  if (family == AF_UNSPEC) {
    found = NS_AF_UNSPEC;
  } else if (family == AF_UNIX) {
    found = NS_AF_UNIX;
  } else if (family == AF_INET) {
    found = NS_AF_INET;
  } else if (family == AF_INET6) {
    found = NS_AF_INET6;
  } else {
    return false;
  }
  if (out == NULL) return false;
  *out = found;
  return true;
}

ns_sock_type ns_to_sock_type(ns_protocol protocol) {
  switch (protocol) {
    case NS_IPPROTO_TCP: return NS_SOCK_STREAM;
    case NS_IPPROTO_UDP: return NS_SOCK_DGRAM;
    default: return NS_SOCK_RAW;
  }
}

/* Byte order by shifting, not by the system macros, so that the result does
 * not depend on which headers a target provides. */
uint32_t ns_htonl(uint32_t x) {
  uint32_t out;
  unsigned char *b = (unsigned char *)&out;
  b[0] = (unsigned char)(x >> 24);
  b[1] = (unsigned char)(x >> 16);
  b[2] = (unsigned char)(x >> 8);
  b[3] = (unsigned char)x;
  return out;
}

uint16_t ns_htons(uint16_t x) {
  uint16_t out;
  unsigned char *b = (unsigned char *)&out;
  b[0] = (unsigned char)(x >> 8);
  b[1] = (unsigned char)x;
  return out;
}

uint32_t ns_ntohl(uint32_t x) {
  const unsigned char *b = (const unsigned char *)&x;
  return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
         ((uint32_t)b[2] << 8) | (uint32_t)b[3];
}

uint16_t ns_ntohs(uint16_t x) {
  const unsigned char *b = (const unsigned char *)&x;
  return (uint16_t)(((unsigned)b[0] << 8) | (unsigned)b[1]);
}
