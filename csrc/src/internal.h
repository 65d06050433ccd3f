/*
 * Internal interface between the portable core (the .c files of csrc/src) and the
 * platform backend (csrc/src/unix/, csrc/src/win/). The core calls the
 * BSD socket functions every target shares; whatever differs between targets
 * (descriptors, flags, error numbers, poll, the services database) is asked
 * of the backend through the nsi_* functions below.
 *
 * Internal names use the nsi_ prefix so that the shared library's export
 * list ("ns_*") never picks them up.
 */
#ifndef NATIVESOCKETS_INTERNAL_H
#define NATIVESOCKETS_INTERNAL_H

#include "nativesockets.h"

#include <stdlib.h>
#include <string.h>

/* ---- implemented by the backend ---------------------------------------- */

/* The last socket error of this thread (errno / WSAGetLastError), translated. */
int nsi_last_error(void);
/* The same for a failed call on `sock`. Winsock answers one code
 * (WSAENOTSOCK) for a handle that is not open and for one that is not a
 * socket; the Windows backend looks at `sock` to tell NS_EBADF from
 * NS_ENOTSOCK, as errno does. */
int nsi_socket_error(ns_socket sock);
/* The last error of a failed connect on `sock`: a non-blocking connect that
 * has begun is NS_EINPROGRESS on every target. */
int nsi_last_connect_error(ns_socket sock);
/* What the OS does not check of an address given to bind or connect on
 * `sock` (Winsock takes a zero length, or answers a short one with
 * WSAEFAULT): NS_EINVAL for a length short of the family's address,
 * NS_EAFNOSUPPORT for a family other than the socket's. NS_OK otherwise, and
 * whenever the socket itself is bad (the call then reports that). */
int nsi_check_address(ns_socket sock, const struct sockaddr *addr,
                      socklen_t len);
/* getsockname() into *ss. An unbound socket gives its family with a zero
 * address and port, as POSIX does (Winsock refuses it with WSAEINVAL). */
int nsi_sock_name(ns_socket sock, struct sockaddr_storage *ss);
/* The code of a failed send/sendto on `sock`: a write to a peer that is gone
 * is NS_EPIPE, a datagram without destination NS_EDESTADDRREQ. */
int nsi_send_error(ns_socket sock);
/* The result of a failed recv/recvfrom of `len` bytes on `sock`: a datagram
 * longer than `len` is cut to `len` bytes, which is the result (Winsock fills
 * the buffer, then reports WSAEMSGSIZE); otherwise a negative code. */
ptrdiff_t nsi_recv_error(ns_socket sock, int len);
/* Translates a getaddrinfo/getnameinfo result (EAI_*) to an NS_EAI_* code. */
int nsi_error_from_gai(int gai_result);

/* socket() with close-on-exec and no-SIGPIPE applied as the OS allows. */
int nsi_open_socket(int domain, int type, int protocol, bool inheritable,
                    ns_socket *out);
/* accept() likewise; `addr`/`len` receive the peer address. */
int nsi_accept(ns_socket server, bool inheritable, struct sockaddr *addr,
               socklen_t *len, ns_socket *out);
/* Flags added to every send so that a closed peer never raises SIGPIPE. */
int nsi_send_flags(int flags);
/* getaddrinfo's AI_V4MAPPED where the OS supports it, else 0. */
int nsi_ai_v4mapped(void);

/* Waits for readiness of socks[0..n): `for_write` selects writable instead of
 * readable. Sets ready[i] to 1 or 0 and returns how many are ready, or a
 * negative code. */
int nsi_poll(const ns_socket *socks, size_t n, bool for_write, int timeout_ms,
             unsigned char *ready);

/* gethostname(); `len` includes room for the NUL. */
int nsi_hostname(char *buf, size_t len);

/* Services and protocols databases, reentrant. `port` is host order. */
int nsi_service_by_name(const char *name, const char *proto, ns_servent *out);
int nsi_service_by_port(ns_port port, const char *proto, ns_servent *out);
int nsi_protocol_by_name(const char *name, int *proto);

/* ---- implemented by the core, for the backend -------------------------- */

/* Builds an owned ns_servent; `aliases` is a NULL-terminated list (may be
 * NULL). Returns NS_ENOMEM and leaves *out zeroed on failure. */
int nsi_servent_fill(ns_servent *out, const char *name, char **aliases,
                     ns_port port, const char *proto);

/* Copies `text` into buf/len, NS_ERANGE if it does not fit with its NUL. */
int nsi_copy_text(char *buf, size_t len, const char *text);

#endif /* NATIVESOCKETS_INTERNAL_H */
