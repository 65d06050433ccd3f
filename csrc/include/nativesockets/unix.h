/*
 * nativesockets — the POSIX (and WASI) part of the public header.
 * Included by nativesockets.h; do not include it directly.
 *
 * Constants are the target's native values. Where the target lacks one it is
 * NS_OPTION_MISSING, which the option functions answer with NS_ENOPROTOOPT.
 */
#ifndef NATIVESOCKETS_UNIX_H
#define NATIVESOCKETS_UNIX_H

#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <sys/ioctl.h>

typedef int ns_socket;
#define NS_INVALID_SOCKET (-1)

#define NS_OPTION_MISSING (-1)

#define NS_SOL_SOCKET SOL_SOCKET
#define NS_SO_ERROR SO_ERROR
#define NS_SO_BROADCAST SO_BROADCAST
#define NS_SO_DEBUG SO_DEBUG
#define NS_SO_DONTROUTE SO_DONTROUTE
#define NS_SO_KEEPALIVE SO_KEEPALIVE
#define NS_SO_OOBINLINE SO_OOBINLINE
#define NS_SO_REUSEADDR SO_REUSEADDR
#define NS_SO_RCVBUF SO_RCVBUF
#define NS_SO_SNDBUF SO_SNDBUF
#define NS_SO_TYPE SO_TYPE

#ifdef SO_ACCEPTCONN
#define NS_SO_ACCEPTCONN SO_ACCEPTCONN
#else
#define NS_SO_ACCEPTCONN NS_OPTION_MISSING
#endif

#ifdef SO_REUSEPORT
#define NS_SO_REUSEPORT SO_REUSEPORT
#else
#define NS_SO_REUSEPORT NS_OPTION_MISSING
#endif

#define NS_IPPROTO_TCP_LEVEL IPPROTO_TCP
#define NS_TCP_NODELAY TCP_NODELAY
#define NS_IPPROTO_IPV6_LEVEL IPPROTO_IPV6

#ifdef IPV6_V6ONLY
#define NS_IPV6_V6ONLY IPV6_V6ONLY
#else
#define NS_IPV6_V6ONLY NS_OPTION_MISSING
#endif

#define NS_MSG_PEEK MSG_PEEK
#define NS_SOMAXCONN SOMAXCONN
#define NS_INADDR_ANY INADDR_ANY

#define NS_SHUT_RD SHUT_RD
#define NS_SHUT_WR SHUT_WR
#define NS_SHUT_RDWR SHUT_RDWR

/* ns_ioctl requests: the native ones here, the Winsock encoding on Windows. */
#define NS_FIONBIO ((unsigned long)FIONBIO)
#define NS_FIONREAD ((unsigned long)FIONREAD)
#define NS_IOCPARM_MASK 0x7fUL
#define NS_IOC_IN 0x80000000UL

#endif /* NATIVESOCKETS_UNIX_H */
