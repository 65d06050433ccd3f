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

/* SO_LINGER takes a struct linger; a zero linger time makes close() reset
 * the connection. */
#ifndef SO_LINGER
#define SO_LINGER 13 /* struct linger comes from wasi-libc */
#endif
/* Receive and send timeouts: a struct timeval (0 = none); a blocking call
 * that waits longer fails with EAGAIN. */
#ifndef SO_RCVTIMEO
#define SO_RCVTIMEO 20
#endif
#ifndef SO_SNDTIMEO
#define SO_SNDTIMEO 21
#endif

/* glibc's (2.35 on) and Linux's net.core.somaxconn (5.4 on): programs that
 * pass SOMAXCONN get the queue they get natively. */
#ifndef SOMAXCONN
#define SOMAXCONN 4096
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
/* wasi-libc's MSG_TRUNC is its receive-output flag, which is MSG_PEEK's
 * number; Linux's value keeps the two apart, as a recv flag (the real
 * length of a datagram) and in msg_flags. */
#undef MSG_TRUNC
#define MSG_TRUNC 0x0020
#ifndef MSG_CTRUNC
#define MSG_CTRUNC 0x0008
#endif
#ifndef MSG_OOB
#define MSG_OOB 0x0100 /* refused with EOPNOTSUPP: there is no urgent data; not 1, which is wasi-libc's MSG_PEEK */
#endif
#ifndef MSG_EOR
#define MSG_EOR 0x0080
#endif
#ifndef MSG_MORE
#define MSG_MORE 0x8000 /* accepted; data is sent at once */
#endif

/* Ancillary data: none is ever passed (msg_controllen is set to 0), but code
 * that walks it compiles. */
struct cmsghdr {
  socklen_t cmsg_len;
  int cmsg_level;
  int cmsg_type;
};
#define CMSG_ALIGN(len) (((len) + sizeof(size_t) - 1) & ~(sizeof(size_t) - 1))
#define CMSG_SPACE(len) (CMSG_ALIGN(len) + CMSG_ALIGN(sizeof(struct cmsghdr)))
#define CMSG_LEN(len) (CMSG_ALIGN(sizeof(struct cmsghdr)) + (len))
#define CMSG_DATA(cmsg) ((unsigned char *)(((struct cmsghdr *)(cmsg)) + 1))
#define CMSG_FIRSTHDR(mhdr)                              \
  ((size_t)(mhdr)->msg_controllen >= sizeof(struct cmsghdr) \
       ? (struct cmsghdr *)(mhdr)->msg_control          \
       : (struct cmsghdr *)0)
#define CMSG_NXTHDR(mhdr, cmsg) ((struct cmsghdr *)0)

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
ssize_t sendmsg(int fd, const struct msghdr *msg, int flags);
ssize_t recvmsg(int fd, struct msghdr *msg, int flags);
int accept4(int fd, struct sockaddr *__restrict addr,
            socklen_t *__restrict len, int flags);

#ifdef __cplusplus
}
#endif

#endif /* NATIVESOCKETS_WASI_SYS_SOCKET_H */
