/*
 * nativesockets WASI add-on: <net/if.h>, which wasi-libc leaves empty. The
 * names and indexes are the Node host's network interfaces (on Linux, the
 * kernel's indexes). Interface requests (struct ifreq ioctls) are not here:
 * WASI has no such ioctls.
 */
#ifndef NATIVESOCKETS_WASI_NET_IF_H
#define NATIVESOCKETS_WASI_NET_IF_H

#pragma GCC system_header

#define IF_NAMESIZE 16
#define IFNAMSIZ IF_NAMESIZE

/* getifaddrs' ifa_flags: Linux's values. */
#define IFF_UP 0x1
#define IFF_BROADCAST 0x2
#define IFF_LOOPBACK 0x8
#define IFF_RUNNING 0x40
#define IFF_MULTICAST 0x1000

#ifdef __cplusplus
extern "C" {
#endif

struct if_nameindex {
  unsigned int if_index;
  char *if_name;
};

unsigned int if_nametoindex(const char *name);
char *if_indextoname(unsigned int index, char *name);
struct if_nameindex *if_nameindex(void);
void if_freenameindex(struct if_nameindex *list);

#ifdef __cplusplus
}
#endif

#endif /* NATIVESOCKETS_WASI_NET_IF_H */
