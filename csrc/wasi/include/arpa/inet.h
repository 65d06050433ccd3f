/*
 * nativesockets WASI add-on: wasi-libc's <arpa/inet.h> and the classic
 * IPv4 text functions it leaves out (inet_addr, inet_network, inet_ntoa,
 * inet_makeaddr, inet_lnaof, inet_netof), as glibc has them.
 */
#ifndef NATIVESOCKETS_WASI_ARPA_INET_H
#define NATIVESOCKETS_WASI_ARPA_INET_H

#pragma GCC system_header

#include_next <arpa/inet.h>

#ifdef __cplusplus
extern "C" {
#endif

in_addr_t inet_addr(const char *text);
in_addr_t inet_network(const char *text);
/* Static storage that the next call overwrites. */
char *inet_ntoa(struct in_addr in);
struct in_addr inet_makeaddr(in_addr_t net, in_addr_t host);
in_addr_t inet_lnaof(struct in_addr in);
in_addr_t inet_netof(struct in_addr in);

#ifdef __cplusplus
}
#endif

#endif /* NATIVESOCKETS_WASI_ARPA_INET_H */
