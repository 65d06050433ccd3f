/*
 * nativesockets — the Windows (Winsock 2) part of the public header.
 * Included by nativesockets.h; do not include it directly.
 *
 * Constants are Winsock's native values. Where Windows lacks one it is
 * NS_OPTION_MISSING, which the option functions answer with NS_ENOPROTOOPT.
 * Programs link with -lnativesockets (or the DLL's import library) and
 * -lws2_32.
 */
#ifndef NATIVESOCKETS_WIN_H
#define NATIVESOCKETS_WIN_H

#include <winsock2.h>
#include <ws2tcpip.h>
#include <afunix.h>

#if defined(_WIN32_WINNT) && _WIN32_WINNT < 0x0600
#error "nativesockets needs _WIN32_WINNT >= 0x0600 (inet_ntop, inet_pton)"
#endif

typedef SOCKET ns_socket;
#define NS_INVALID_SOCKET INVALID_SOCKET

#define NS_OPTION_MISSING (-1)

#define NS_SOL_SOCKET SOL_SOCKET
#define NS_SO_ERROR SO_ERROR
#define NS_SO_ACCEPTCONN SO_ACCEPTCONN
#define NS_SO_BROADCAST SO_BROADCAST
#define NS_SO_DEBUG SO_DEBUG
#define NS_SO_DONTROUTE SO_DONTROUTE
#define NS_SO_KEEPALIVE SO_KEEPALIVE
#define NS_SO_OOBINLINE SO_OOBINLINE
#define NS_SO_REUSEADDR SO_REUSEADDR
#define NS_SO_RCVBUF SO_RCVBUF
#define NS_SO_SNDBUF SO_SNDBUF
#define NS_SO_TYPE SO_TYPE
/* Windows has no SO_REUSEPORT; its SO_REUSEADDR is closer to it than to the
 * POSIX SO_REUSEADDR (see SO_EXCLUSIVEADDRUSE). */
#define NS_SO_REUSEPORT NS_OPTION_MISSING

#define NS_IPPROTO_TCP_LEVEL IPPROTO_TCP
#define NS_TCP_NODELAY TCP_NODELAY
#define NS_IPPROTO_IPV6_LEVEL IPPROTO_IPV6
#define NS_IPV6_V6ONLY IPV6_V6ONLY

#define NS_MSG_PEEK MSG_PEEK
#define NS_SOMAXCONN SOMAXCONN
#define NS_INADDR_ANY INADDR_ANY

#define NS_SHUT_RD SD_RECEIVE
#define NS_SHUT_WR SD_SEND
#define NS_SHUT_RDWR SD_BOTH

/* ns_ioctl requests: the Winsock encoding. */
#define NS_FIONBIO ((unsigned long)FIONBIO)
#define NS_FIONREAD ((unsigned long)FIONREAD)
#define NS_IOCPARM_MASK ((unsigned long)IOCPARM_MASK)
#define NS_IOC_IN ((unsigned long)IOC_IN)

#endif /* NATIVESOCKETS_WIN_H */
