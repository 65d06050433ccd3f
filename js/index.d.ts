// Types of the nativesockets JS API (js/index.js).
//
// Sockets are numbers: the descriptors of the wasm library, like Nim's
// SocketHandle. Every failure reported by the library throws a
// NativeSocketsError; bad arguments throw a TypeError or RangeError.

/** A socket descriptor. */
export type SocketHandle = number;
/** A port in host byte order, 0–65535. */
export type Port = number;

/** An IPv4/IPv6 address and port. `address` may be a host name where a function resolves it. */
export interface InetAddress {
  address?: string;
  port?: Port;
}
/** A unix-domain socket path (a host path). */
export interface UnixAddress {
  path: string;
}
export type SocketAddress = InetAddress | UnixAddress;

/** Nim's Domain: the library's numbers, the same on every target. */
export declare const Domain: Readonly<{ AF_UNSPEC: 0; AF_UNIX: 1; AF_INET: 2; AF_INET6: 23 }>;
/** Nim's SockType. */
export declare const SockType: Readonly<{ SOCK_STREAM: 1; SOCK_DGRAM: 2; SOCK_RAW: 3; SOCK_SEQPACKET: 5 }>;
/** Nim's Protocol (Nim's ordinals, not IANA numbers: use protocolToInt for those). */
export declare const Protocol: Readonly<{
  IPPROTO_TCP: 6; IPPROTO_UDP: 17; IPPROTO_IP: 18; IPPROTO_IPV6: 19;
  IPPROTO_RAW: 20; IPPROTO_ICMP: 21; IPPROTO_ICMPV6: 22;
}>;
export type DomainValue = (typeof Domain)[keyof typeof Domain];
export type SockTypeValue = (typeof SockType)[keyof typeof SockType];
export type ProtocolValue = (typeof Protocol)[keyof typeof Protocol];

export declare const AF_UNSPEC: 0, AF_UNIX: 1, AF_INET: 2, AF_INET6: 23;
export declare const SOCK_STREAM: 1, SOCK_DGRAM: 2, SOCK_RAW: 3, SOCK_SEQPACKET: 5;
export declare const IPPROTO_TCP: 6, IPPROTO_UDP: 17, IPPROTO_IP: 18, IPPROTO_IPV6: 19,
  IPPROTO_RAW: 20, IPPROTO_ICMP: 21, IPPROTO_ICMPV6: 22;

/** Nim's osInvalidSocket (-1). */
export declare const osInvalidSocket: -1;
/** The largest buffer one send/recv call takes or gives (64 MiB). */
export declare const MAX_IO: number;

/** The library's error codes (ns_error): negative, the same on every target. */
export declare const ErrorCode: Readonly<Record<
  | 'OK' | 'EACCES' | 'EADDRINUSE' | 'EADDRNOTAVAIL' | 'EAFNOSUPPORT' | 'EAGAIN' | 'EALREADY'
  | 'EBADF' | 'ECONNABORTED' | 'ECONNREFUSED' | 'ECONNRESET' | 'EDESTADDRREQ' | 'EFAULT'
  | 'EHOSTUNREACH' | 'EINPROGRESS' | 'EINTR' | 'EINVAL' | 'EISCONN' | 'EMFILE' | 'EMSGSIZE'
  | 'ENAMETOOLONG' | 'ENETDOWN' | 'ENETUNREACH' | 'ENOBUFS' | 'ENOENT' | 'ENOMEM' | 'ENOPROTOOPT'
  | 'ENOTCONN' | 'ENOTSOCK' | 'ENOTSUP' | 'EPERM' | 'EPIPE' | 'EPROTONOSUPPORT' | 'EPROTOTYPE'
  | 'ERANGE' | 'ETIMEDOUT' | 'ENFILE' | 'EAI_AGAIN' | 'EAI_BADFLAGS' | 'EAI_FAIL' | 'EAI_FAMILY'
  | 'EAI_MEMORY' | 'EAI_NONAME' | 'EAI_SERVICE' | 'EAI_SOCKTYPE' | 'EUNKNOWN', number>>;

/** Native wasm32-wasi values of the option, flag and ioctl constants. */
export interface NativeConstants {
  SOL_SOCKET: number; SO_DEBUG: number; SO_REUSEADDR: number; SO_TYPE: number; SO_ERROR: number;
  SO_DONTROUTE: number; SO_BROADCAST: number; SO_SNDBUF: number; SO_RCVBUF: number;
  SO_KEEPALIVE: number; SO_OOBINLINE: number; SO_REUSEPORT: number; SO_ACCEPTCONN: number;
  /** The option level of TCP_NODELAY (native IPPROTO_TCP). */
  IPPROTO_TCP_LEVEL: number; TCP_NODELAY: number;
  /** The option level of IPV6_V6ONLY (native IPPROTO_IPV6). */
  IPPROTO_IPV6_LEVEL: number; IPV6_V6ONLY: number;
  MSG_PEEK: number; SOMAXCONN: number; INADDR_ANY: number;
  SHUT_RD: number; SHUT_WR: number; SHUT_RDWR: number;
  FIONREAD: number; FIONBIO: number; IOCPARM_MASK: number; IOC_IN: number;
}
/** All native constants as one frozen object. */
export declare const constants: Readonly<NativeConstants>;
export declare const SOL_SOCKET: number, SO_DEBUG: number, SO_REUSEADDR: number, SO_TYPE: number,
  SO_ERROR: number, SO_DONTROUTE: number, SO_BROADCAST: number, SO_SNDBUF: number, SO_RCVBUF: number,
  SO_KEEPALIVE: number, SO_OOBINLINE: number, SO_REUSEPORT: number, SO_ACCEPTCONN: number,
  IPPROTO_TCP_LEVEL: number, TCP_NODELAY: number, IPPROTO_IPV6_LEVEL: number, IPV6_V6ONLY: number,
  MSG_PEEK: number, SOMAXCONN: number, INADDR_ANY: number, SHUT_RD: number, SHUT_WR: number,
  SHUT_RDWR: number, FIONREAD: number, FIONBIO: number, IOCPARM_MASK: number, IOC_IN: number;

/** A failure reported by the library, shaped like Node's system errors. */
export declare class NativeSocketsError extends Error {
  name: 'NativeSocketsError';
  /** Symbolic name (ns_err_name): 'ECONNREFUSED', 'EAI_NONAME', ... */
  code: string;
  /** The library's negative code (see ErrorCode). */
  errno: number;
  /** The operation: 'connect', 'getaddrinfo', 'recv', ... */
  syscall: string;
  /** ns_strerror's sentence ("connection refused"). */
  description?: string;
  address?: string;
  port?: Port;
  path?: string;
  hostname?: string;
}

/** Data accepted by send/sendTo: strings are sent as UTF-8. */
export type Data = string | ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

export interface AddrInfo {
  family: DomainValue | number;
  sockType: SockTypeValue | number;
  protocol: ProtocolValue | number;
  address: string;
  port: Port;
  canonName?: string;
}
export interface Servent {
  name: string;
  aliases: string[];
  /** Host byte order. */
  port: Port;
  proto: string;
}
export interface Hostent {
  name: string;
  aliases: string[];
  addrtype: DomainValue;
  /** Binary address size: 4 for IPv4, 16 for IPv6. */
  length: number;
  /** Addresses as text. */
  addrList: string[];
}
export interface Datagram {
  data: Buffer;
  family?: DomainValue | number;
  address?: string;
  port?: Port;
  /** For unix peers. */
  path?: string;
}

// ---- the module ----

/** An address as a network policy's check hook sees it. */
export interface PolicyAddress {
  family: 'ipv4' | 'ipv6' | 'unix';
  address?: string;
  port?: number;
  path?: string;
}
/**
 * A network policy (docs/sandbox.md): true allows everything, false nothing.
 * Rules are text such as "127.0.0.1:8000-9000", "[::1]:*", "localhost:80",
 * "10.0.0.0/8", "connect+send:*:53", "unix", "unix:/run/app".
 */
export type NetworkPolicySpec = boolean | {
  /** Default: everything ("*" and "unix"). */
  allow?: string[] | string;
  deny?: string[] | string;
  /** Name lookups (getaddrinfo of names, reverse lookups); default true. */
  lookup?: boolean;
  /** Asked last for each operation that the rules allow; true allows. */
  check?: (op: 'connect' | 'bind' | 'send' | 'accept', addr: PolicyAddress, local?: PolicyAddress) => boolean;
};
export interface InitOptions {
  /** A path, URL, bytes or compiled module; default: the package's wasm/nativesockets.wasm. */
  wasm?: string | URL | ArrayBufferView | ArrayBuffer | WebAssembly.Module;
  /** Default: everything allowed. */
  network?: NetworkPolicySpec;
  /** Sockets open at once before socket()/accept() fail with EMFILE; default 16384. */
  maxSockets?: number;
}
/** Loads the wasm module now; otherwise the first call does. */
export declare function init(options?: InitOptions): void;
/** Stops the host's worker thread; a later call loads a fresh instance (old sockets are gone). */
export declare function closeHost(): Promise<void>;
/** Sockets the wasm library has open right now. */
export declare function openSockets(): number;
/** The host (js/host/index.js SocketHost) running the module, for diagnostics. */
export interface SocketHostHandle {
  /** Sockets the guest has open right now. */
  openSockets(): number;
  /** Asks the worker something for tests: 'count' or 'exit'. */
  debug(what: string, extra?: object): unknown;
  /** Stops the worker. */
  close(): Promise<void>;
}
export declare function getHost(): SocketHostHandle;
/** The C library's version, "0.1.0". */
export declare function version(): string;

export interface RunWasiOptions {
  args?: string[];
  env?: Record<string, string>;
  /** Guest directory → host directory. */
  preopens?: Record<string, string>;
  stdin?: number;
  stdout?: number;
  stderr?: number;
  /** 'preopens' (default): unix-socket paths go through the preopens; 'host': host paths. */
  unixPaths?: 'preopens' | 'host';
  /** Default for runWasi: false (no network, no lookups). */
  network?: NetworkPolicySpec;
  /** Sockets open at once before socket()/accept() fail with EMFILE; default 1024. */
  maxSockets?: number;
}
/** Runs a WASI command module (its _start) with socket support; resolves to its exit code. */
export declare function runWasi(wasm: ArrayBufferView | ArrayBuffer | WebAssembly.Module, options?: RunWasiOptions): Promise<number>;

// ---- errors and conversions ----

/** A sentence describing a library error code. */
export declare function strerror(code: number): string;
/** The symbolic name of a library error code ("ECONNREFUSED"). */
export declare function errName(code: number): string;
/** A native error number (errno; e.g. the value of SO_ERROR) → library code (0 for 0). */
export declare function errorFromNative(nativeErrno: number): number;
/** Decimal text of a port (Nim's `$`). */
export declare function portToString(port: Port): string;
/** Nim's toInt: the native value of a Domain, SockType or Protocol member; -1 outside the enum. */
export declare function toInt(value: number, kind: typeof Domain | typeof SockType | typeof Protocol | 'domain' | 'sockType' | 'protocol'): number;
export declare function domainToInt(domain: number): number;
export declare function sockTypeToInt(sockType: number): number;
export declare function protocolToInt(protocol: number): number;
/** A native AF_* value → Domain, or null. */
export declare function toKnownDomain(family: number): DomainValue | null;
/** TCP → SOCK_STREAM, UDP → SOCK_DGRAM, others → SOCK_RAW. */
export declare function toSockType(protocol: number): SockTypeValue;
export declare function htons(x: number): number;
export declare function ntohs(x: number): number;
export declare function htonl(x: number): number;
export declare function ntohl(x: number): number;
/** Dotted quad of an in_addr's s_addr (network order, as stored in memory). */
export declare function inetNtoa(sAddr: number): string;
/** Text of an address: v4-mapped IPv6 prints as a dotted quad; { path } gives "unix". */
export declare function getAddrString(addr: string | SocketAddress): string;

// ---- sockets ----

/** Creates a socket. Protocol default: TCP for streams, UDP for datagrams, IPPROTO_IP for unix. */
export declare function createNativeSocket(domain?: number, sockType?: number, protocol?: number, inheritable?: boolean): SocketHandle;
/** createNativeSocket with native AF_* / SOCK_* / IPPROTO_* numbers. */
export declare function createNativeSocketRaw(domain: number, sockType: number, protocol?: number, inheritable?: boolean): SocketHandle;
/** Closes a socket; EBADF for a bad one. */
export declare function close(sock: SocketHandle): void;
export declare function setInheritable(sock: SocketHandle, inheritable: boolean): void;
export declare function setBlocking(sock: SocketHandle, blocking: boolean): void;
/** Binds; without an address, the wildcard of the socket's family. */
export declare function bindAddr(sock: SocketHandle, addr?: SocketAddress): void;
export declare function bindAddr(sock: SocketHandle, address: string, port?: Port): void;
export declare function listen(sock: SocketHandle, backlog?: number): void;
/** Connects; a non-blocking socket throws EINPROGRESS (then selectWrite and SO_ERROR). */
export declare function connect(sock: SocketHandle, addr: SocketAddress): void;
export declare function connect(sock: SocketHandle, address: string, port: Port): void;
/** Accepts a connection; `address` is the peer's text ("unix" for unix peers). */
export declare function accept(server: SocketHandle, inheritable?: boolean): { socket: SocketHandle; address: string };
/** how: SHUT_RD, SHUT_WR or SHUT_RDWR (default). */
export declare function shutdown(sock: SocketHandle, how?: number): void;
/** Sends data; returns the bytes sent. Non-blocking sockets throw EAGAIN. */
export declare function send(sock: SocketHandle, data: Data, flags?: number): number;
/** Receives up to `length` (default 65536) bytes; an empty Buffer at end of stream. */
export declare function recv(sock: SocketHandle, length?: number, flags?: number): Buffer;
/** Receives into `buffer` (at most its byteLength bytes): the bytes received, 0 at end of stream. No allocation. */
export declare function recvInto(sock: SocketHandle, buffer: ArrayBufferView | ArrayBuffer | SharedArrayBuffer, flags?: number): number;
/** Sends a datagram; returns the bytes sent. */
export declare function sendTo(sock: SocketHandle, data: Data, to: SocketAddress, flags?: number): number;
export declare function sendTo(sock: SocketHandle, data: Data, address: string, port: Port, flags?: number): number;
/** Receives a datagram and its sender. */
export declare function recvFrom(sock: SocketHandle, length?: number, flags?: number): Datagram;
export { sendTo as sendto, recvFrom as recvfrom };
/** An integer socket option; level and optname are native constants. */
export declare function getSockOptInt(sock: SocketHandle, level: number, optname: number): number;
export declare function setSockOptInt(sock: SocketHandle, level: number, optname: number, value: number | boolean): void;
/** FIONBIO (arg != 0: non-blocking) or FIONREAD (returns the bytes ready). */
export declare function ioctlsocket(sock: SocketHandle, request: number, arg?: number): number;
/**
 * Waits until a socket is readable or `timeout` ms (default 500; -1 forever;
 * 0 poll) pass. Returns how many are ready and leaves only those in `socks`.
 */
export declare function selectRead(socks: SocketHandle[], timeout?: number): number;
/** selectRead for writability (and finished non-blocking connects). */
export declare function selectWrite(socks: SocketHandle[], timeout?: number): number;

// ---- addresses of sockets ----

export declare function getSockDomain(sock: SocketHandle): DomainValue;
/** The local port of an IPv4/IPv6 socket. */
export declare function getSockName(sock: SocketHandle): Port;
/** Local address and port; domain defaults to the socket's (AF_INET or AF_INET6). */
export declare function getLocalAddr(sock: SocketHandle, domain?: number): { address: string; port: Port };
/** Peer address and port; ENOTCONN when unconnected. */
export declare function getPeerAddr(sock: SocketHandle, domain?: number): { address: string; port: Port };

// ---- resolver and databases ----

/** getaddrinfo; defaults as Nim: AF_INET, SOCK_STREAM, IPPROTO_TCP. Unknown names: EAI_NONAME. */
export declare function getAddrInfo(address: string, port?: Port, domain?: number, sockType?: number, protocol?: number): AddrInfo[];
/** A services entry by name; proto omitted: any. Unknown: ENOENT. */
export declare function getServByName(name: string, proto?: string | null): Servent;
/** A services entry by port (host order). Unknown: ENOENT. */
export declare function getServByPort(port: Port, proto?: string | null): Servent;
/** A host entry for a name (IPv4 addresses, or IPv6 ones when it has no IPv4). */
export declare function getHostByName(name: string): Hostent;
/** The host entry of an IPv4 or IPv6 literal; not a literal: EINVAL. */
export declare function getHostByAddr(ip: string): Hostent;
export declare function getHostname(): string;
/** The protocol number of a name ("udp" → 17); unknown: ENOENT. */
export declare function getProtoByName(name: string): number;
