/*
 * nativesockets — a small, portable, low-level sockets API.
 *
 * The procedures of Nim's std/nativesockets, translated to C. One header for
 * every target: POSIX (Linux, macOS, BSD), Windows (Winsock), wasm32-wasi and
 * Emscripten under the Node host.
 *
 * Conventions (binding on every function below):
 *   - A fallible function returns NS_OK (0) or a negative NS_E* code; its
 *     results come back through out-parameters, which are left untouched on
 *     error unless the function says otherwise.
 *   - Byte-count functions return ptrdiff_t: a count >= 0 or a negative code.
 *   - Error numbers are the library's own and identical on every target;
 *     ns_strerror() and ns_err_name() describe them.
 *   - A NULL pointer where a value is required is NS_EINVAL; an enum value
 *     outside its enum is NS_EINVAL; an output buffer too small is NS_ERANGE.
 *   - Ports (ns_port) are always in host byte order.
 *   - Sockets are created close-on-exec unless asked to be inheritable.
 *   - No function raises SIGPIPE: writing to a closed peer is NS_EPIPE.
 *   - Every function is thread-safe; no result lives in a static buffer.
 */
#ifndef NATIVESOCKETS_H
#define NATIVESOCKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The platform part: ns_socket, NS_INVALID_SOCKET and the native constants. */
#if defined(_WIN32)
#include "nativesockets/win.h"
#else
#include "nativesockets/unix.h"
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define NS_VERSION_MAJOR 0
#define NS_VERSION_MINOR 1
#define NS_VERSION_PATCH 0

/* "MAJOR.MINOR.PATCH" of the library actually linked. */
const char *ns_version(void);

/* ------------------------------------------------------------------------ */
/* Error codes                                                              */
/* ------------------------------------------------------------------------ */

/* Every error code once, libuv's UV_ERRNO_MAP way: XX(NAME, NUMBER, MESSAGE)
 * gives NS_NAME = NUMBER, ns_err_name's "NAME" and ns_strerror's MESSAGE.
 * The numbers are the same on every target (and in the JS API's ErrorCode,
 * which a test checks against this table). NS_ERRNO_MAP's names are errno
 * names too (the backends translate E<NAME> to NS_E<NAME>); NS_EAI_MAP's are
 * getaddrinfo's results. */
#define NS_ERRNO_MAP(XX)                                           \
  XX(EACCES, -1, "permission denied")                              \
  XX(EADDRINUSE, -2, "address already in use")                     \
  XX(EADDRNOTAVAIL, -3, "address not available")                   \
  XX(EAFNOSUPPORT, -4, "address family not supported")             \
  XX(EAGAIN, -5, "resource temporarily unavailable (would block)") \
  XX(EALREADY, -6, "operation already in progress")                \
  XX(EBADF, -7, "bad socket descriptor")                           \
  XX(ECONNABORTED, -8, "connection aborted")                       \
  XX(ECONNREFUSED, -9, "connection refused")                       \
  XX(ECONNRESET, -10, "connection reset by peer")                  \
  XX(EDESTADDRREQ, -11, "destination address required")            \
  XX(EFAULT, -12, "bad address")                                   \
  XX(EHOSTUNREACH, -13, "host is unreachable")                     \
  XX(EINPROGRESS, -14, "operation in progress")                    \
  XX(EINTR, -15, "interrupted system call")                        \
  XX(EINVAL, -16, "invalid argument")                              \
  XX(EISCONN, -17, "socket is already connected")                  \
  XX(EMFILE, -18, "too many open files")                           \
  XX(EMSGSIZE, -19, "message too long")                            \
  XX(ENAMETOOLONG, -20, "name too long")                           \
  XX(ENETDOWN, -21, "network is down")                             \
  XX(ENETUNREACH, -22, "network is unreachable")                   \
  XX(ENOBUFS, -23, "no buffer space available")                    \
  XX(ENOENT, -24, "not found in the database")                     \
  XX(ENOMEM, -25, "not enough memory")                             \
  XX(ENOPROTOOPT, -26, "protocol option not available")            \
  XX(ENOTCONN, -27, "socket is not connected")                     \
  XX(ENOTSOCK, -28, "descriptor is not a socket")                  \
  XX(ENOTSUP, -29, "operation not supported")                      \
  XX(EPERM, -30, "operation not permitted")                        \
  XX(EPIPE, -31, "broken pipe")                                    \
  XX(EPROTONOSUPPORT, -32, "protocol not supported")               \
  XX(EPROTOTYPE, -33, "protocol wrong type for socket")            \
  XX(ERANGE, -34, "result too large for the buffer")               \
  XX(ETIMEDOUT, -35, "connection timed out")                       \
  XX(ENFILE, -36, "too many open files in system")

#define NS_EAI_MAP(XX)                                             \
  XX(EAI_AGAIN, -101, "temporary failure in name resolution")      \
  XX(EAI_BADFLAGS, -102, "bad value for resolver flags")           \
  XX(EAI_FAIL, -103, "non-recoverable failure in name resolution") \
  XX(EAI_FAMILY, -104, "address family not supported by resolver") \
  XX(EAI_MEMORY, -105, "resolver out of memory")                   \
  XX(EAI_NONAME, -106, "name or address not known")                \
  XX(EAI_SERVICE, -107, "service not supported for socket type")   \
  XX(EAI_SOCKTYPE, -108, "socket type not supported")

typedef enum ns_error {
  NS_OK = 0,
#define NS_ERROR_ENUM_(name, number, message) NS_##name = number,
  NS_ERRNO_MAP(NS_ERROR_ENUM_)
  NS_EAI_MAP(NS_ERROR_ENUM_)
#undef NS_ERROR_ENUM_
  NS_EUNKNOWN = -999 /* anything the library has no code for */
} ns_error;

/* A sentence describing `code` ("connection refused"); never NULL. */
const char *ns_strerror(int code);
/* The symbolic name without prefix ("ECONNREFUSED"); "EUNKNOWN" for unknown
 * codes, "OK" for NS_OK. */
const char *ns_err_name(int code);
/* Translates a native error number (errno; on Windows also a WSA code) to an
 * NS_E* code. 0 gives NS_OK, anything unknown NS_EUNKNOWN. */
int ns_error_from_native(int native);

/* Optional: WSAStartup on Windows, nothing elsewhere. Every function calls it
 * on first use. Idempotent and thread-safe. */
int ns_init(void);
void ns_cleanup(void);

/* ------------------------------------------------------------------------ */
/* Types                                                                    */
/* ------------------------------------------------------------------------ */

typedef uint16_t ns_port; /* host byte order, always */

/* The same numbers on every target; ns_domain_to_int gives the native one. */
typedef enum ns_domain {
  NS_AF_UNSPEC = 0,
  NS_AF_UNIX = 1,
  NS_AF_INET = 2,
  NS_AF_INET6 = 23
} ns_domain;

typedef enum ns_sock_type {
  NS_SOCK_STREAM = 1,
  NS_SOCK_DGRAM = 2,
  NS_SOCK_RAW = 3,
  NS_SOCK_SEQPACKET = 5
} ns_sock_type;

/* Nim's ordinals, not the IANA numbers: use ns_protocol_to_int for those. */
typedef enum ns_protocol {
  NS_IPPROTO_TCP = 6,
  NS_IPPROTO_UDP = 17,
  NS_IPPROTO_IP = 18,
  NS_IPPROTO_IPV6 = 19,
  NS_IPPROTO_RAW = 20,
  NS_IPPROTO_ICMP = 21,
  NS_IPPROTO_ICMPV6 = 22
} ns_protocol;

/* A services-database entry. Owned: release with ns_servent_free.
 * `aliases` has alias_count entries followed by NULL. */
typedef struct ns_servent {
  char *name;
  char **aliases;
  size_t alias_count;
  ns_port port; /* host byte order */
  char *proto;
} ns_servent;

/* A host entry. Owned: release with ns_hostent_free. Addresses are text
 * ("127.0.0.1", "::1"); `aliases` and `addr_list` are also NULL-terminated.
 * `length` is the binary address size: 4 for NS_AF_INET, 16 for NS_AF_INET6. */
typedef struct ns_hostent {
  char *name;
  char **aliases;
  size_t alias_count;
  ns_domain addrtype;
  int length;
  char **addr_list;
  size_t addr_count;
} ns_hostent;

#define NS_ADDRSTRLEN 46     /* longest address text, with its NUL */
#define NS_HOSTNAME_MAX 256  /* a buffer this size holds any host name */
#define NS_PORTSTRLEN 6      /* "65535" and its NUL */

/* ------------------------------------------------------------------------ */
/* Conversions                                                              */
/* ------------------------------------------------------------------------ */

/* Decimal text of `port`; NS_ERANGE if `len` cannot hold it and its NUL. */
int ns_port_to_string(ns_port port, char *buf, size_t len);
/* The platform's native AF_* / SOCK_* / IPPROTO_* value; -1 outside the enum. */
int ns_domain_to_int(ns_domain domain);
int ns_sock_type_to_int(ns_sock_type type);
int ns_protocol_to_int(ns_protocol protocol);
/* Native AF_* → ns_domain. Returns false (and leaves *out) when unknown. */
bool ns_to_known_domain(int family, ns_domain *out);
/* TCP → STREAM, UDP → DGRAM, every other protocol → RAW. */
ns_sock_type ns_to_sock_type(ns_protocol protocol);

uint32_t ns_ntohl(uint32_t x);
uint16_t ns_ntohs(uint16_t x);
uint32_t ns_htonl(uint32_t x);
uint16_t ns_htons(uint16_t x);

/* ------------------------------------------------------------------------ */
/* Sockets                                                                  */
/* ------------------------------------------------------------------------ */

/* Creates a socket. Unless `inheritable`, it is close-on-exec (atomically
 * where the OS can). On error *out is NS_INVALID_SOCKET. */
int ns_create_native_socket(ns_domain domain, ns_sock_type type,
                            ns_protocol protocol, bool inheritable,
                            ns_socket *out);
/* The same with native AF_* / SOCK_* / IPPROTO_* numbers. */
int ns_create_native_socket_raw(int domain, int type, int protocol,
                                bool inheritable, ns_socket *out);
/* Closes `sock` and reports the error, if any (NS_EBADF for a bad one). */
int ns_close(ns_socket sock);
/* Whether child processes inherit `sock` (clears or sets close-on-exec). */
int ns_set_inheritable(ns_socket sock, bool inheritable);
/* Switches O_NONBLOCK (FIONBIO on Windows). */
int ns_set_blocking(ns_socket sock, bool blocking);

int ns_bind_addr(ns_socket sock, const struct sockaddr *addr, socklen_t len);
/* Pass NS_SOMAXCONN for the system's maximum backlog. */
int ns_listen(ns_socket sock, int backlog);
/* A non-blocking connect that has not finished yet is NS_EINPROGRESS; wait
 * with ns_select_write, then read NS_SO_ERROR. */
int ns_connect(ns_socket sock, const struct sockaddr *addr, socklen_t len);
/* Accepts a connection. On success *client is the new socket and, if `addr`
 * is not NULL, it receives the peer's text: "127.0.0.1", "::1" (a v4-mapped
 * peer prints as a dotted quad) or "unix". `addrlen` must then be at least
 * NS_ADDRSTRLEN, else NS_ERANGE before anything is accepted. On error
 * *client is NS_INVALID_SOCKET. */
int ns_accept(ns_socket server, bool inheritable, ns_socket *client,
              char *addr, size_t addrlen);
/* `how` is NS_SHUT_RD, NS_SHUT_WR or NS_SHUT_RDWR. */
int ns_shutdown(ns_socket sock, int how);

/* Data. `flags` are native MSG_* flags (NS_MSG_PEEK). A would-block is
 * NS_EAGAIN; a write to a closed peer is NS_EPIPE, with no signal. */
ptrdiff_t ns_send(ns_socket sock, const void *buf, size_t len, int flags);
ptrdiff_t ns_recv(ns_socket sock, void *buf, size_t len, int flags);
ptrdiff_t ns_sendto(ns_socket sock, const void *buf, size_t len, int flags,
                    const struct sockaddr *to, socklen_t tolen);
/* `from` may be NULL (then `fromlen` too); otherwise *fromlen is its size on
 * entry and the address length on return. */
ptrdiff_t ns_recvfrom(ns_socket sock, void *buf, size_t len, int flags,
                      struct sockaddr *from, socklen_t *fromlen);

/* Integer socket options; `level`/`optname` are the target's constants
 * (NS_SOL_SOCKET, NS_SO_*, ...). A constant the target lacks is
 * NS_ENOPROTOOPT. */
int ns_get_sock_opt_int(ns_socket sock, int level, int optname, int *out);
int ns_set_sock_opt_int(ns_socket sock, int level, int optname, int value);

/* NS_FIONBIO (*arg != 0: non-blocking) and NS_FIONREAD (*arg receives the
 * bytes ready to read) on every target; any other request is NS_EINVAL. */
int ns_ioctl(ns_socket sock, unsigned long request, unsigned long *arg);

/* Waits until at least one socket in socks[0..*count) is readable (or, for
 * select_write, writable), or `timeout_ms` passes (-1: forever, 0: poll).
 * Returns how many are ready and shrinks the array in place to those (order
 * not kept), setting *count. Any socket value works: there is no FD_SETSIZE
 * limit. A closed or invalid socket in the array is NS_EBADF. */
int ns_select_read(ns_socket *socks, size_t *count, int timeout_ms);
int ns_select_write(ns_socket *socks, size_t *count, int timeout_ms);

/* ------------------------------------------------------------------------ */
/* Addresses of sockets                                                     */
/* ------------------------------------------------------------------------ */

/* The family of a socket. A family outside ns_domain is NS_EAFNOSUPPORT. */
int ns_get_sock_domain(ns_socket sock, ns_domain *out);
/* The local port of an IPv4 or IPv6 socket (NS_EAFNOSUPPORT otherwise). */
int ns_get_sock_name(ns_socket sock, ns_port *out);
/* Local / peer address text and port. `domain` must be NS_AF_INET or
 * NS_AF_INET6 (else NS_EAFNOSUPPORT) and match the socket's family (else
 * NS_EINVAL). `addr` (at least NS_ADDRSTRLEN is always enough) and `port`
 * are each optional. IPv6 text is printed as is ("::ffff:127.0.0.1"). */
int ns_get_local_addr(ns_socket sock, ns_domain domain, char *addr,
                      size_t addrlen, ns_port *port);
int ns_get_peer_addr(ns_socket sock, ns_domain domain, char *addr,
                     size_t addrlen, ns_port *port);

/* Text of an IPv4/IPv6 address ("10.0.0.1", "fe80::1%2"); a v4-mapped IPv6
 * address prints as its dotted quad; AF_UNIX gives "unix"; any other family
 * is NS_EAFNOSUPPORT. */
int ns_get_addr_string(const struct sockaddr *addr, char *buf, size_t len);
/* Dotted-quad text of `in`; reentrant. */
int ns_inet_ntoa(struct in_addr in, char *buf, size_t len);
/* Fills a sockaddr_un for `path`; *len receives the length to pass to bind or
 * connect. A path that does not fit sun_path with its NUL is
 * NS_ENAMETOOLONG. On Windows too (afunix.h), where creating the socket needs
 * Windows 10 1803 or later and is NS_EAFNOSUPPORT where unsupported. */
int ns_make_unix_addr(const char *path, struct sockaddr_un *out,
                      socklen_t *len);

/* ------------------------------------------------------------------------ */
/* Resolver and databases (all reentrant)                                   */
/* ------------------------------------------------------------------------ */

/* getaddrinfo for `address` (a name or literal, not NULL) and `port`.
 * NS_AF_INET6 asks for v4-mapped results where the OS supports it;
 * NS_SOCK_RAW passes no service. Release the list with ns_free_addr_info;
 * on error *out is NULL. */
int ns_get_addr_info(const char *address, ns_port port, ns_domain domain,
                     ns_sock_type type, ns_protocol protocol,
                     struct addrinfo **out);
void ns_free_addr_info(struct addrinfo *list); /* NULL is fine */

/* The protocol number of `name` ("tcp" → 6); unknown → NS_ENOENT. */
int ns_get_proto_by_name(const char *name, int *proto);
/* A services entry by name ("http") or port (80, host order, 0–65535);
 * `proto` ("tcp", "udp") may be NULL for any. Unknown → NS_ENOENT. On any
 * error *out is zeroed, so ns_servent_free on it is harmless. */
int ns_get_serv_by_name(const char *name, const char *proto, ns_servent *out);
int ns_get_serv_by_port(ns_port port, const char *proto, ns_servent *out);
/* Releases what a lookup filled in and zeroes the struct; a zeroed struct is
 * fine, and so is freeing twice. */
void ns_servent_free(ns_servent *ent);

/* The host entry of an IPv4 or IPv6 literal (a zone suffix is allowed).
 * Not a literal → NS_EINVAL; no name for it → NS_EAI_NONAME. */
int ns_get_host_by_addr(const char *ip, ns_hostent *out);
/* The host entry of a name: its IPv4 addresses, or its IPv6 addresses (as
 * text) when it has no IPv4 one. Unknown → NS_EAI_NONAME. `aliases` holds
 * the name asked for when it is not the canonical one. For both host
 * lookups, *out is zeroed on any error. */
int ns_get_host_by_name(const char *name, ns_hostent *out);
void ns_hostent_free(ns_hostent *ent);

/* This machine's host name; NS_HOSTNAME_MAX bytes always suffice. */
int ns_get_hostname(char *buf, size_t len);

#ifdef __cplusplus
}
#endif

#endif /* NATIVESOCKETS_H */
