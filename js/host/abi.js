// Every number of the guest ABI in one place: the nativesockets_v1
// extension (wasm/ABI.md is the specification; its tables are copied here
// once and every host module imports them from here), the WASI preview1
// numbers the host reads and writes on socket descriptors, and the names of
// the messages the guest's thread sends the network worker.

/** The extension's import module name; a breaking change gets a new one. */
export const MODULE = 'nativesockets_v1';

// ---- errors -----------------------------------------------------------

/** WASI preview1 errno values (also wasi-libc's numbers): every one, so any system error Node reports has its own. */
export const E = Object.freeze({
  SUCCESS: 0, '2BIG': 1, ACCES: 2, ADDRINUSE: 3, ADDRNOTAVAIL: 4,
  AFNOSUPPORT: 5, AGAIN: 6, ALREADY: 7, BADF: 8, BADMSG: 9, BUSY: 10,
  CANCELED: 11, CHILD: 12, CONNABORTED: 13, CONNREFUSED: 14, CONNRESET: 15,
  DEADLK: 16, DESTADDRREQ: 17, DOM: 18, DQUOT: 19, EXIST: 20, FAULT: 21,
  FBIG: 22, HOSTUNREACH: 23, IDRM: 24, ILSEQ: 25, INPROGRESS: 26, INTR: 27,
  INVAL: 28, IO: 29, ISCONN: 30, ISDIR: 31, LOOP: 32, MFILE: 33, MLINK: 34,
  MSGSIZE: 35, MULTIHOP: 36, NAMETOOLONG: 37, NETDOWN: 38, NETRESET: 39,
  NETUNREACH: 40, NFILE: 41, NOBUFS: 42, NODEV: 43, NOENT: 44, NOEXEC: 45,
  NOLCK: 46, NOLINK: 47, NOMEM: 48, NOMSG: 49, NOPROTOOPT: 50, NOSPC: 51,
  NOSYS: 52, NOTCONN: 53, NOTDIR: 54, NOTEMPTY: 55, NOTRECOVERABLE: 56,
  NOTSOCK: 57, NOTSUP: 58, NOTTY: 59, NXIO: 60, OVERFLOW: 61, OWNERDEAD: 62,
  PERM: 63, PIPE: 64, PROTO: 65, PROTONOSUPPORT: 66, PROTOTYPE: 67,
  RANGE: 68, ROFS: 69, SPIPE: 70, SRCH: 71, STALE: 72, TIMEDOUT: 73,
  TXTBSY: 74, XDEV: 75, NOTCAPABLE: 76,
});

/** Resolver codes (positive results of `resolve` and `name_info`). */
export const EAI = Object.freeze({
  AGAIN: 1, BADFLAGS: 2, FAIL: 3, FAMILY: 4, MEMORY: 5, NONAME: 6,
  SERVICE: 7, SOCKTYPE: 8, OVERFLOW: 9,
});

// ---- sockets ----------------------------------------------------------

// Families (wasi-libc's AF_*).
export const AF_UNSPEC = 0;
export const AF_INET = 1;
export const AF_INET6 = 2;
export const AF_UNIX = 3;

// Types.
export const SOCK_STREAM = 1;
export const SOCK_DGRAM = 2;
export const SOCK_RAW = 3;
export const SOCK_SEQPACKET = 5;

// Protocols (IANA numbers).
export const IPPROTO_TCP = 6;
export const IPPROTO_UDP = 17;

/** socket_open's flags. */
export const OPEN_NONBLOCK = 1;

/** send/recv flags. */
export const MSG_PEEK = 1;
export const MSG_WAITALL = 2;

/** Option levels. */
export const LEVEL = Object.freeze({ SOCKET: 1, TCP: 2, IPV6: 3, IPV4: 4 });

/** Option names, by level. */
export const SO = Object.freeze({
  REUSEADDR: 1, TYPE: 2, ERROR: 3, DONTROUTE: 4, BROADCAST: 5, SNDBUF: 6, RCVBUF: 7,
  KEEPALIVE: 8, OOBINLINE: 9, REUSEPORT: 10, ACCEPTCONN: 11, DEBUG: 12, LINGER: 13,
  RCVTIMEO: 14, SNDTIMEO: 15,
});
export const TCP = Object.freeze({ NODELAY: 1, KEEPIDLE: 2, KEEPINTVL: 3, KEEPCNT: 4, FASTOPEN: 5 });
export const IPV6 = Object.freeze({
  V6ONLY: 1, UNICAST_HOPS: 2, MULTICAST_HOPS: 3, MULTICAST_LOOP: 4, MULTICAST_IF: 5,
});
export const IPV4 = Object.freeze({ TTL: 1, MULTICAST_TTL: 2, MULTICAST_LOOP: 3, MULTICAST_IF: 4 });

/** The largest datagram (`EMSGSIZE` above). */
export const MAX_DATAGRAM = 65507;

// ---- the resolver -----------------------------------------------------

/** `resolve`'s hint flags (getaddrinfo's AI_*). */
export const RESOLVE_FLAG = Object.freeze({
  PASSIVE: 1, CANONNAME: 2, NUMERICHOST: 4, V4MAPPED: 8, ALL: 16, ADDRCONFIG: 32, NUMERICSERV: 64,
});

/** `name_info`'s flags (getnameinfo's NI_*). */
export const NAME_INFO_FLAG = Object.freeze({
  NUMERICHOST: 1, NUMERICSERV: 2, NAMEREQD: 4, DGRAM: 8, NOFQDN: 16,
});

/** Strings the guest passes in are at most this long (`EINVAL`). */
export const MAX_STRING = 1024;

// ---- records in guest memory ------------------------------------------

/** The address record: 136 bytes, little-endian. */
export const ADDR_SIZE = 136;
export const ADDR = Object.freeze({
  FAMILY: 0, // u16
  PORT: 2, // u16, host byte order
  FLOWINFO: 4, // u32
  ADDRESS: 8, // 16 bytes, network order; IPv4 uses the first 4
  SCOPE_ID: 24, // u32
  PATH: 28, // NUL-terminated unix path
});
export const ADDR_PATH_SIZE = 108;

/** `resolve`'s output record: i32 type, i32 protocol, an address record. */
export const RESOLVE_RECORD_SIZE = 8 + ADDR_SIZE;

/** The interface record of `interfaces`: 296 bytes. */
export const IFACE = Object.freeze({
  NAME: 0, // 16 bytes, NUL-padded
  INDEX: 16, // u32
  FLAGS: 20, // u32, Linux's IFF_*
  ADDRESS: 24, // an address record
  NETMASK: 24 + ADDR_SIZE, // an address record
});
export const IFACE_NAME_SIZE = 16;
export const IFACE_SIZE = IFACE.NETMASK + ADDR_SIZE;

/** Linux's interface flags. */
export const IFF = Object.freeze({ UP: 0x1, BROADCAST: 0x2, LOOPBACK: 0x8, RUNNING: 0x40, MULTICAST: 0x1000 });

// ---- WASI preview1 on socket descriptors ------------------------------

export const FILETYPE_SOCKET_DGRAM = 5;
export const FILETYPE_SOCKET_STREAM = 6;
export const FDFLAGS_NONBLOCK = 4;
export const RIFLAGS_PEEK = 1;
export const RIFLAGS_WAITALL = 2;
export const ROFLAGS_DATA_TRUNCATED = 1;
export const SDFLAGS_RD = 1;
export const SDFLAGS_WR = 2;

// poll_oneoff's subscription and event records.
export const SUBSCRIPTION_SIZE = 48;
export const EVENT_SIZE = 32;
export const EVENTTYPE_CLOCK = 0;
export const EVENTTYPE_FD_READ = 1;
export const EVENTTYPE_FD_WRITE = 2;
export const CLOCK_REALTIME = 0;
export const SUBCLOCKFLAGS_ABSTIME = 1;
export const EVENTRWFLAGS_HANGUP = 1;

// ---- messages to the network worker -----------------------------------

/**
 * The `op` of each message the guest's thread sends the worker
 * (worker/main.js dispatches on them). Requests wait for a reply; notices
 * do not (a failure becomes the socket's error).
 */
export const OP = Object.freeze({
  // host-wide
  CHUNK: 'chunk', // a new chunk of the socket pool (notice)
  RESOLVE: 'resolve', // dns.lookup (request)
  NAME_INFO: 'nameinfo', // dns.lookupService (request)
  PING: 'ping', // an empty round trip (request)
  FINISH: 'finish', // the guest has exited: close and linger (request)
  DEBUG: 'debug', // the tests' hooks (request)
  // per socket
  OPEN: 'open', // the worker hears of a socket (notice)
  BIND: 'bind', // request
  LISTEN: 'listen', // request
  CONNECT: 'connect', // a datagram socket's peer (request)
  DIAL: 'dial', // a stream socket's connection (notice)
  SET_OPTION: 'setOption', // request (datagram sockets)
  OPTION: 'option', // notice
  MEMBERSHIP: 'membership', // request
  SHUTDOWN: 'shutdown', // notice
  CLOSE: 'close', // request for a socket holding an address, else notice
});

/** The kinds of endpoint an OP.OPEN asks for. */
export const ENDPOINT = Object.freeze({ STREAM: 'stream', DGRAM: 'dgram' });
