/*
 * nativesockets WASI add-on: wasi-libc's <poll.h>, plus the event names
 * Linux programs pass that it lacks. They are accepted and never reported
 * (sockets have no urgent data here). The add-on's poll() replaces
 * wasi-libc's: it takes any number of descriptors without using the stack.
 */
#ifndef NATIVESOCKETS_WASI_POLL_H
#define NATIVESOCKETS_WASI_POLL_H

#pragma GCC system_header

#include_next <poll.h>

#ifndef POLLPRI
#define POLLPRI 0x0004
#endif
#ifndef POLLRDBAND
#define POLLRDBAND 0x0080
#endif
#ifndef POLLWRBAND
#define POLLWRBAND 0x0200
#endif
#ifndef POLLRDHUP
#define POLLRDHUP 0x2000 /* reported as POLLHUP, as a peer's FIN */
#endif

#endif /* NATIVESOCKETS_WASI_POLL_H */
