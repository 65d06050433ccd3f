// Constants of the JS API.
//
// Domain, SockType and Protocol are the library's own numbers (api.md), the
// same on every target: they are what the JS functions take and return.
//
// The option, flag and ioctl constants are the *native* values of the target
// the wasm module was built for, wasm32-wasi: setSockOptInt, getSockOptInt,
// recv's flags, shutdown and ioctlsocket pass them to the C library
// unchanged, as C callers pass NS_SOL_SOCKET, NS_SO_REUSEADDR, ... They are
// the values csrc/include/nativesockets/unix.h gives when compiled against
// wasi-libc and the WASI add-on's headers (wasm/include/); C macros do not
// exist in a .wasm, so they are written down here, and test/js/constants.test.js
// checks each one against the built module's behaviour (and against the
// headers themselves when clang can compile for wasm32-wasi).

/** Socket domains (Nim's Domain). */
export const Domain = Object.freeze({
  AF_UNSPEC: 0,
  AF_UNIX: 1,
  AF_INET: 2,
  AF_INET6: 23,
});

/** Socket types (Nim's SockType). */
export const SockType = Object.freeze({
  SOCK_STREAM: 1,
  SOCK_DGRAM: 2,
  SOCK_RAW: 3,
  SOCK_SEQPACKET: 5,
});

/** Protocols (Nim's Protocol: Nim's ordinals, not the IANA numbers). */
export const Protocol = Object.freeze({
  IPPROTO_TCP: 6,
  IPPROTO_UDP: 17,
  IPPROTO_IP: 18,
  IPPROTO_IPV6: 19,
  IPPROTO_RAW: 20,
  IPPROTO_ICMP: 21,
  IPPROTO_ICMPV6: 22,
});

/** Nim's osInvalidSocket. */
export const osInvalidSocket = -1;

/** What the option functions answer NS_ENOPROTOOPT for (NS_OPTION_MISSING). */
export const OPTION_MISSING = -1;

/** The native wasm32-wasi values (see the comment at the top). */
export const native = Object.freeze({
  SOL_SOCKET: 0x7fffffff,
  SO_DEBUG: 1,
  SO_REUSEADDR: 2,
  SO_TYPE: 3,
  SO_ERROR: 4,
  SO_DONTROUTE: 5,
  SO_BROADCAST: 6,
  SO_SNDBUF: 7,
  SO_RCVBUF: 8,
  SO_KEEPALIVE: 9,
  SO_OOBINLINE: 10,
  SO_REUSEPORT: 15,
  SO_ACCEPTCONN: 30,
  IPPROTO_TCP_LEVEL: 6,
  TCP_NODELAY: 1,
  IPPROTO_IPV6_LEVEL: 41,
  IPV6_V6ONLY: 26,
  MSG_PEEK: 1,
  SOMAXCONN: 4096,
  INADDR_ANY: 0,
  SHUT_RD: 1,
  SHUT_WR: 2,
  SHUT_RDWR: 3,
  FIONREAD: 1,
  FIONBIO: 2,
  IOCPARM_MASK: 0x7f,
  IOC_IN: 0x80000000,
});

/** The library's error codes (ns_error): the same numbers on every target. */
export const ErrorCode = Object.freeze({
  OK: 0,
  EACCES: -1,
  EADDRINUSE: -2,
  EADDRNOTAVAIL: -3,
  EAFNOSUPPORT: -4,
  EAGAIN: -5,
  EALREADY: -6,
  EBADF: -7,
  ECONNABORTED: -8,
  ECONNREFUSED: -9,
  ECONNRESET: -10,
  EDESTADDRREQ: -11,
  EFAULT: -12,
  EHOSTUNREACH: -13,
  EINPROGRESS: -14,
  EINTR: -15,
  EINVAL: -16,
  EISCONN: -17,
  EMFILE: -18,
  EMSGSIZE: -19,
  ENAMETOOLONG: -20,
  ENETDOWN: -21,
  ENETUNREACH: -22,
  ENOBUFS: -23,
  ENOENT: -24,
  ENOMEM: -25,
  ENOPROTOOPT: -26,
  ENOTCONN: -27,
  ENOTSOCK: -28,
  ENOTSUP: -29,
  EPERM: -30,
  EPIPE: -31,
  EPROTONOSUPPORT: -32,
  EPROTOTYPE: -33,
  ERANGE: -34,
  ETIMEDOUT: -35,
  ENFILE: -36,
  EAI_AGAIN: -101,
  EAI_BADFLAGS: -102,
  EAI_FAIL: -103,
  EAI_FAMILY: -104,
  EAI_MEMORY: -105,
  EAI_NONAME: -106,
  EAI_SERVICE: -107,
  EAI_SOCKTYPE: -108,
  EUNKNOWN: -999,
});

export const ADDRSTRLEN = 46;
export const HOSTNAME_MAX = 256;
