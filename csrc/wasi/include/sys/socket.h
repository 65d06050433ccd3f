/*
 * nativesockets WASI add-on: wasi-libc's <sys/socket.h>, plus what it hides
 * because WASI preview1 has no call for it. The add-on implements these on
 * the Node host's `nativesockets_v1` imports (wasm/ABI.md).
 *
 * Numbers: wasi-libc's own constants are kept (AF_INET 1, AF_INET6 2,
 * AF_UNIX 3, SOCK_DGRAM 5, SOCK_STREAM 6, SOL_SOCKET 0x7fffffff, MSG_PEEK 1,
 * MSG_WAITALL 2). What it lacks is added here without colliding with them;
 * socket options take Linux's numbers, as wasi-libc's SO_TYPE (3) already
 * does.
 */
#ifndef NATIVESOCKETS_WASI_SYS_SOCKET_H
#define NATIVESOCKETS_WASI_SYS_SOCKET_H

#pragma GCC system_header

/* wasi-libc aligns its sockaddr structs as max_align_t, which <stddef.h>
 * leaves out before C11; clang's own header gives it, so C99 code builds. */
#include <__stddef_max_align_t.h>

#include_next <sys/socket.h>

/* Socket types wasi-libc has no name for. SOCK_SEQPACKET cannot be Linux's 5,
 * which is wasi-libc's SOCK_DGRAM; 7 follows the two WASI file types that
 * wasi-libc uses for DGRAM and STREAM. */
#ifndef SOCK_RAW
#define SOCK_RAW 3
#endif
#ifndef SOCK_SEQPACKET
#define SOCK_SEQPACKET 7
#endif

#ifndef AF_LOCAL
#define AF_LOCAL AF_UNIX
#endif
#ifndef PF_UNSPEC
#define PF_UNSPEC AF_UNSPEC
#define PF_INET AF_INET
#define PF_INET6 AF_INET6
#define PF_UNIX AF_UNIX
#define PF_LOCAL AF_UNIX
#endif

/* Socket-level options the host knows (Linux numbers). */
#ifndef SO_DEBUG
#define SO_DEBUG 1
#endif
#ifndef SO_REUSEADDR
#define SO_REUSEADDR 2
#endif
#ifndef SO_ERROR
#define SO_ERROR 4
#endif
#ifndef SO_DONTROUTE
#define SO_DONTROUTE 5
#endif
#ifndef SO_BROADCAST
#define SO_BROADCAST 6
#endif
#ifndef SO_SNDBUF
#define SO_SNDBUF 7
#endif
#ifndef SO_RCVBUF
#define SO_RCVBUF 8
#endif
#ifndef SO_KEEPALIVE
#define SO_KEEPALIVE 9
#endif
#ifndef SO_OOBINLINE
#define SO_OOBINLINE 10
#endif
#ifndef SO_REUSEPORT
#define SO_REUSEPORT 15
#endif
#ifndef SO_ACCEPTCONN
#define SO_ACCEPTCONN 30
#endif

#ifndef SOMAXCONN
#define SOMAXCONN 128
#endif

/* Send/receive flags. MSG_NOSIGNAL is accepted and means nothing (there are
 * no signals); MSG_DONTWAIT makes the one call non-blocking. Linux's numbers,
 * which miss wasi-libc's MSG_PEEK (1) and MSG_WAITALL (2). */
#ifndef MSG_DONTWAIT
#define MSG_DONTWAIT 0x0040
#endif
#ifndef MSG_NOSIGNAL
#define MSG_NOSIGNAL 0x4000
#endif

#ifdef __cplusplus
extern "C" {
#endif

int socket(int domain, int type, int protocol);
int bind(int fd, const struct sockaddr *addr, socklen_t len);
int connect(int fd, const struct sockaddr *addr, socklen_t len);
int listen(int fd, int backlog);
int getsockname(int fd, struct sockaddr *__restrict addr,
                socklen_t *__restrict len);
int getpeername(int fd, struct sockaddr *__restrict addr,
                socklen_t *__restrict len);
int setsockopt(int fd, int level, int name, const void *value, socklen_t len);
ssize_t sendto(int fd, const void *buf, size_t len, int flags,
               const struct sockaddr *to, socklen_t tolen);
ssize_t recvfrom(int fd, void *__restrict buf, size_t len, int flags,
                 struct sockaddr *__restrict from,
                 socklen_t *__restrict fromlen);

#ifdef __cplusplus
}
#endif

#endif /* NATIVESOCKETS_WASI_SYS_SOCKET_H */
