/*
 * What the POSIX systems differ in, decided once (curl's curl_setup.h way):
 * the backend's files test NSI_HAVE_* macros, never an OS name.
 *
 *   NSI_HAVE_ACCEPT4      accept4() with SOCK_CLOEXEC: an accepted socket
 *                         is close-on-exec from the start
 *   NSI_HAVE_SOCK_CLOEXEC socket() takes SOCK_CLOEXEC
 *   NSI_HAVE_MSG_NOSIGNAL send() takes MSG_NOSIGNAL (else SO_NOSIGPIPE)
 *   NSI_HAVE_SO_NOSIGPIPE the socket can be told not to raise SIGPIPE
 *   NSI_HAVE_AI_V4MAPPED  getaddrinfo honours AI_V4MAPPED (the BSDs define
 *                         it but refuse it with EAI_BADFLAGS)
 *   NSI_HAVE_NETDB_R      getservbyname_r, getservbyport_r and
 *                         getprotobyname_r, with glibc's signature
 *   NSI_HAVE_CLOEXEC      descriptors have a close-on-exec flag (WASI has
 *                         no exec, and wasi-libc's F_GETFD answers for any
 *                         number, open or not)
 */
#ifndef NATIVESOCKETS_UNIX_FEATURES_H
#define NATIVESOCKETS_UNIX_FEATURES_H

#include <netdb.h>
#include <sys/socket.h>

#if defined(__linux__) || defined(__FreeBSD__) || defined(__NetBSD__) || \
    defined(__OpenBSD__) || defined(__DragonFly__) || defined(__wasi__)
#define NSI_HAVE_ACCEPT4 1
#endif

#if defined(SOCK_CLOEXEC)
#define NSI_HAVE_SOCK_CLOEXEC 1
#endif

#if defined(MSG_NOSIGNAL)
#define NSI_HAVE_MSG_NOSIGNAL 1
#endif

#if defined(SO_NOSIGPIPE)
#define NSI_HAVE_SO_NOSIGPIPE 1
#endif

#if defined(AI_V4MAPPED) && !defined(__FreeBSD__) && !defined(__OpenBSD__) && \
    !defined(__NetBSD__)
#define NSI_HAVE_AI_V4MAPPED 1
#endif

#if defined(__linux__) || defined(__FreeBSD__)
#define NSI_HAVE_NETDB_R 1
#endif

#if !defined(__wasi__)
#define NSI_HAVE_CLOEXEC 1
#endif

#endif /* NATIVESOCKETS_UNIX_FEATURES_H */
