/* @ts-self-types="./index.d.ts" */
// nativesockets for Node: Nim's std/nativesockets API in JS, executed by the
// C library compiled to wasm32-wasi (wasm/nativesockets.wasm) under the host
// in ./host/, which gives it real sockets.
//
// Sockets are numbers (descriptors, like Nim's SocketHandle). Addresses are
// { address, port } or, for unix sockets, { path }. Every failure the library
// reports is thrown as a NativeSocketsError (.code 'ECONNREFUSED', .errno the
// library's negative code, .syscall 'connect'); bad JS arguments are a
// TypeError or RangeError. Blocking calls block the calling thread.
import {
  ADDRSTRLEN, Domain, ErrorCode, Protocol, SockType, native, osInvalidSocket,
} from './constants.js';
import { NativeSocketsError } from './errors.js';
import {
  MAX_IO, boolArg, bytes, call, check, cstring, dataArg, errNameOf, i32, int32,
  integer, intoArg, lengthArg, scratch, load, loaded, portArg, socketArg, strerrorOf, stringArg,
  timeoutArg, typeError, u32, uint32, unload, view,
} from './runtime.js';
import {
  addressArgs, detailOf, sendToArgs, sockDomain, sockaddrBytes, sockaddrFor, sockaddrToObject,
} from './addresses.js';
import { ADDRINFO, SOCKADDR_MAX } from './layouts.js';
import { selectSockets } from './readiness.js';

export { runWasi } from './host/index.js';
export {
  getServByName, getServByPort, getHostByName, getHostByAddr, getHostname, getProtoByName,
} from './netdb.js';
export { NativeSocketsError, Domain, SockType, Protocol, ErrorCode, osInvalidSocket, MAX_IO };

export const { AF_UNSPEC, AF_UNIX, AF_INET, AF_INET6 } = Domain;
export const { SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, SOCK_SEQPACKET } = SockType;
export const {
  IPPROTO_TCP, IPPROTO_UDP, IPPROTO_IP, IPPROTO_IPV6, IPPROTO_RAW, IPPROTO_ICMP, IPPROTO_ICMPV6,
} = Protocol;
export const {
  SOL_SOCKET, SO_DEBUG, SO_REUSEADDR, SO_TYPE, SO_ERROR, SO_DONTROUTE, SO_BROADCAST, SO_SNDBUF,
  SO_RCVBUF, SO_KEEPALIVE, SO_OOBINLINE, SO_REUSEPORT, SO_ACCEPTCONN, IPPROTO_TCP_LEVEL,
  TCP_NODELAY, IPPROTO_IPV6_LEVEL, IPV6_V6ONLY, MSG_PEEK, SOMAXCONN, INADDR_ANY, SHUT_RD, SHUT_WR,
  SHUT_RDWR, FIONREAD, FIONBIO, IOCPARM_MASK, IOC_IN,
} = native;
/** The native constants as one object. */
export const constants = native;

const MAX_SELECT = 65536;

// ---- the module ----------------------------------------------------------

/** Loads the wasm module now (otherwise the first call does). */
export function init(options = {}) {
  load(options);
}

/** Stops the host's worker; a later call loads a fresh instance. */
export function closeHost() {
  return unload();
}

/** Sockets the wasm library has open right now. */
export function openSockets() {
  const s = loaded();
  return s === null ? 0 : s.host.openSockets();
}

/** The SocketHost running the module (for diagnostics). */
export function getHost() {
  return load().host;
}

/** The C library's version ("0.1.0"). */
export function version() {
  return call((x) => cstring(x, x.ns_version() >>> 0));
}

// ---- errors and conversions ----------------------------------------------

/** A sentence describing a library error code. */
export function strerror(code) {
  return strerrorOf(int32('code', code));
}

/** The symbolic name of a library error code ("ECONNREFUSED"). */
export function errName(code) {
  return errNameOf(int32('code', code));
}

/** A native error number (errno, e.g. the value of SO_ERROR) → library code. */
export function errorFromNative(nativeErrno) {
  int32('nativeErrno', nativeErrno);
  return call((x) => x.ns_error_from_native(nativeErrno));
}

/** Decimal text of a port (Nim's `$`(Port)). */
export function portToString(port) {
  portArg(port);
  return call((x, f) => {
    const buf = f.alloc(8);
    check(x.ns_port_to_string(port, buf, 8), 'port_to_string');
    return cstring(x, buf);
  });
}

const ENUMS = new Map([
  [Domain, 'ns_domain_to_int'], ['domain', 'ns_domain_to_int'],
  [SockType, 'ns_sock_type_to_int'], ['sockType', 'ns_sock_type_to_int'],
  [Protocol, 'ns_protocol_to_int'], ['protocol', 'ns_protocol_to_int'],
]);

/**
 * The native value of a Domain, SockType or Protocol (Nim's toInt). JS
 * numbers do not carry their enum, so `kind` says which: Domain, SockType,
 * Protocol (the objects) or 'domain', 'sockType', 'protocol'. -1 outside it.
 */
export function toInt(value, kind) {
  const fn = ENUMS.get(kind);
  if (fn === undefined) throw typeError('kind', "Domain, SockType, Protocol, 'domain', 'sockType' or 'protocol'", kind);
  int32('value', value);
  return call((x) => x[fn](value));
}

export const domainToInt = (d) => toInt(d, Domain);
export const sockTypeToInt = (t) => toInt(t, SockType);
export const protocolToInt = (p) => toInt(p, Protocol);

/** A native AF_* value → Domain, or null when it is none of them. */
export function toKnownDomain(family) {
  int32('family', family);
  return call((x, f) => {
    const out = f.zeroed(4);
    return x.ns_to_known_domain(family, out) ? i32(x, out) : null;
  });
}

/** TCP → SOCK_STREAM, UDP → SOCK_DGRAM, any other protocol → SOCK_RAW. */
export function toSockType(protocol) {
  int32('protocol', protocol);
  return call((x) => x.ns_to_sock_type(protocol));
}

export function htons(x) {
  integer('x', x, 0, 0xffff);
  return call((w) => w.ns_htons(x) & 0xffff);
}
export function ntohs(x) {
  integer('x', x, 0, 0xffff);
  return call((w) => w.ns_ntohs(x) & 0xffff);
}
export function htonl(x) {
  uint32('x', x);
  return call((w) => w.ns_htonl(x) >>> 0);
}
export function ntohl(x) {
  uint32('x', x);
  return call((w) => w.ns_ntohl(x) >>> 0);
}

/** Dotted-quad text of an in_addr's s_addr (network byte order, as in C). */
export function inetNtoa(sAddr) {
  uint32('sAddr', sAddr);
  return call((x, f) => {
    const buf = f.alloc(16);
    check(x.ns_inet_ntoa(sAddr, buf, 16), 'inet_ntoa');
    return cstring(x, buf);
  });
}

// ---- addresses -----------------------------------------------------------

/** Text of an address (Nim's getAddrString): v4-mapped IPv6 prints as a dotted quad, unix as "unix". */
export function getAddrString(addr) {
  const spec = typeof addr === 'string' ? { address: stringArg('address', addr), port: 0 } : addressArgs(addr);
  return call((x, f) => {
    let ptr;
    if (spec.path !== undefined) {
      ({ ptr } = sockaddrFor(x, f, -1, spec, 'getAddrString'));
    } else {
      if (spec.address === undefined) throw typeError('address.address', 'a string', undefined);
      const list = f.zeroed(4);
      check(x.ns_get_addr_info(f.cstr(spec.address), spec.port, AF_UNSPEC, SOCK_STREAM, IPPROTO_TCP, list),
        'getaddrinfo', { detail: spec.address, hostname: spec.address });
      const ai = u32(x, list);
      f.defer(() => x.ns_free_addr_info(ai));
      ptr = u32(x, ai + ADDRINFO.addr);
    }
    const buf = f.alloc(ADDRSTRLEN);
    check(x.ns_get_addr_string(ptr, buf, ADDRSTRLEN), 'getAddrString');
    return cstring(x, buf);
  });
}

// ---- sockets -------------------------------------------------------------

// The JS API remembers which sockets are non-blocking (setBlocking, FIONBIO),
// because nativesockets/promises switches a blocking socket to non-blocking
// for the moment of each attempt and must leave the caller's mode as it was.
function noteBlocking(s, sock, blocking) {
  if (blocking) s.nonBlocking.delete(sock);
  else s.nonBlocking.add(sock);
}

// A new descriptor starts blocking (its number may be a closed one's).
function fresh(sock) {
  loaded()?.nonBlocking.delete(sock);
  return sock;
}

function defaultProtocol(domain, sockType) {
  if (domain === AF_UNIX) return IPPROTO_IP;
  if (sockType === SOCK_DGRAM) return IPPROTO_UDP;
  if (sockType === SOCK_STREAM) return IPPROTO_TCP;
  return IPPROTO_IP;
}

/**
 * Creates a socket and returns its descriptor. The protocol defaults to TCP
 * for streams, UDP for datagrams and IPPROTO_IP (the default) for unix sockets.
 */
export function createNativeSocket(domain = AF_INET, sockType = SOCK_STREAM, protocol, inheritable = false) {
  int32('domain', domain);
  int32('sockType', sockType);
  protocol = protocol === undefined ? defaultProtocol(domain, sockType) : int32('protocol', protocol);
  boolArg('inheritable', inheritable);
  const { x } = load();
  const out = scratch(loaded(), 4, 'socket');
  check(x.ns_create_native_socket(domain, sockType, protocol, inheritable ? 1 : 0, out), 'socket');
  return fresh(i32(x, out));
}

/** createNativeSocket with native AF_* / SOCK_* / IPPROTO_* numbers. */
export function createNativeSocketRaw(domain, sockType, protocol = 0, inheritable = false) {
  int32('domain', domain);
  int32('sockType', sockType);
  int32('protocol', protocol);
  boolArg('inheritable', inheritable);
  return call((x, f) => {
    const out = f.alloc(4);
    check(x.ns_create_native_socket_raw(domain, sockType, protocol, inheritable ? 1 : 0, out), 'socket');
    return fresh(i32(x, out));
  });
}

/**
 * Closes a socket; a bad one is EBADF, a descriptor that is not a socket
 * ENOTSOCK. Calls of nativesockets/promises pending on it reject with EBADF.
 */
export function close(sock) {
  socketArg(sock);
  const s = load();
  // Only sockets: the instance's other descriptors (stdio) stay open.
  if (s.x.ns_get_sock_domain(sock, scratch(s, 4, 'close')) === ErrorCode.ENOTSOCK) check(ErrorCode.ENOTSOCK, 'close');
  s.nonBlocking.delete(sock);
  const rc = s.x.ns_close(sock);
  // Calls of nativesockets/promises waiting on it end now, before the
  // number can be handed to a new socket.
  if (s.onSocketClosed !== undefined) s.onSocketClosed(sock);
  check(rc, 'close');
}

export function setInheritable(sock, inheritable) {
  socketArg(sock);
  boolArg('inheritable', inheritable);
  call((x) => check(x.ns_set_inheritable(sock, inheritable ? 1 : 0), 'setInheritable'));
}

export function setBlocking(sock, blocking) {
  socketArg(sock);
  boolArg('blocking', blocking);
  call((x, f, s) => {
    check(x.ns_set_blocking(sock, blocking ? 1 : 0), 'setBlocking');
    noteBlocking(s, sock, blocking);
  });
}

/**
 * Binds to { address, port }, (address, port) or { path }. Without an
 * address: the wildcard of the socket's family.
 */
export function bindAddr(sock, addr = {}, port) {
  socketArg(sock);
  const spec = addressArgs(addr, port);
  call((x, f) => {
    const { ptr, len } = sockaddrFor(x, f, sock, spec, 'bind', true);
    check(x.ns_bind_addr(sock, ptr, len), 'bind', () => detailOf(spec));
  });
}

export function listen(sock, backlog = SOMAXCONN) {
  socketArg(sock);
  int32('backlog', backlog);
  call((x) => check(x.ns_listen(sock, backlog), 'listen'));
}

/**
 * Connects to { address, port }, (address, port) or { path }. A non-blocking
 * socket throws EINPROGRESS: wait with selectWrite, then read SO_ERROR.
 */
export function connect(sock, addr, port) {
  socketArg(sock);
  const spec = addressArgs(addr, port);
  const s = load();
  const target = sockaddrBytes(s, sock, spec, 'connect');
  const p = scratch(s, target.length, 'connect');
  bytes(s.x).set(target, p);
  check(s.x.ns_connect(sock, p, target.length), 'connect', () => detailOf(spec));
}

/** Accepts a connection: { socket, address } (address: peer text, "unix" for unix peers). */
export function accept(server, inheritable = false) {
  socketArg(server, 'server');
  boolArg('inheritable', inheritable);
  const s = load();
  const client = scratch(s, 4 + ADDRSTRLEN, 'accept');
  const addr = client + 4;
  bytes(s.x).fill(0, addr, addr + ADDRSTRLEN);
  check(s.x.ns_accept(server, inheritable ? 1 : 0, client, addr, ADDRSTRLEN), 'accept');
  return { socket: fresh(i32(s.x, client)), address: cstring(s.x, addr) };
}

/** shutdown(2): how is SHUT_RD, SHUT_WR or SHUT_RDWR. */
export function shutdown(sock, how = SHUT_RDWR) {
  socketArg(sock);
  int32('how', how);
  call((x) => check(x.ns_shutdown(sock, how), 'shutdown'));
}

/** Sends data; returns the bytes sent. */
export function send(sock, data, flags = 0) {
  socketArg(sock);
  const u8 = dataArg(data);
  int32('flags', flags);
  const s = load();
  const p = scratch(s, u8.byteLength, 'send');
  bytes(s.x).set(u8, p);
  return check(s.x.ns_send(sock, p, u8.byteLength, flags), 'send');
}

/** Receives up to `length` bytes: a Buffer, empty at end of stream. */
export function recv(sock, length = 65536, flags = 0) {
  socketArg(sock);
  lengthArg(length);
  int32('flags', flags);
  const s = load();
  const p = scratch(s, length, 'recv');
  const n = check(s.x.ns_recv(sock, p, length, flags), 'recv');
  return Buffer.from(bytes(s.x).subarray(p, p + n));
}

/**
 * Receives into `buffer` (a Buffer, any TypedArray, DataView or
 * ArrayBuffer: at most its byteLength bytes); returns the bytes received, 0
 * at end of stream. For callers that reuse one buffer: no allocation.
 */
export function recvInto(sock, buffer, flags = 0) {
  socketArg(sock);
  const dst = intoArg(buffer);
  int32('flags', flags);
  const s = load();
  const p = scratch(s, dst.byteLength, 'recv');
  const n = check(s.x.ns_recv(sock, p, dst.byteLength, flags), 'recv');
  if (n > 0) dst.set(bytes(s.x).subarray(p, p + n));
  return n;
}

/** Sends a datagram to (sock, data, { address, port } | { path }, flags) or (sock, data, address, port, flags). */
export function sendTo(sock, data, addr, portOrFlags, maybeFlags) {
  socketArg(sock);
  const u8 = dataArg(data);
  const { spec, flags } = sendToArgs(addr, portOrFlags, maybeFlags);
  int32('flags', flags);
  const s = load();
  const target = sockaddrBytes(s, sock, spec, 'sendto');
  const to = scratch(s, SOCKADDR_MAX + u8.byteLength, 'sendto');
  const payload = to + SOCKADDR_MAX;
  const mem = bytes(s.x);
  mem.set(target, to);
  mem.set(u8, payload);
  return check(s.x.ns_sendto(sock, payload, u8.byteLength, flags, to, target.length), 'sendto', () => detailOf(spec));
}

/** Receives a datagram: { data, family, address, port } ({ data, family, path } from unix peers). */
export function recvFrom(sock, length = 65536, flags = 0) {
  socketArg(sock);
  lengthArg(length);
  int32('flags', flags);
  const s = load();
  const from = scratch(s, SOCKADDR_MAX + 4 + length, 'recvfrom');
  const fromLen = from + SOCKADDR_MAX;
  const buf = fromLen + 4;
  bytes(s.x).fill(0, from, from + SOCKADDR_MAX);
  view(s.x).setUint32(fromLen, SOCKADDR_MAX, true);
  const n = check(s.x.ns_recvfrom(sock, buf, length, flags, from, fromLen), 'recvfrom');
  const data = Buffer.from(bytes(s.x).subarray(buf, buf + n));
  return { data, ...call((x, f) => sockaddrToObject(x, f, from, Math.min(u32(x, fromLen), SOCKADDR_MAX))) };
}

export { sendTo as sendto, recvFrom as recvfrom };

/** An integer socket option; level/optname are native (SOL_SOCKET, SO_*, ...). */
export function getSockOptInt(sock, level, optname) {
  socketArg(sock);
  int32('level', level);
  int32('optname', optname);
  const s = load();
  const out = scratch(s, 4, 'getsockopt');
  check(s.x.ns_get_sock_opt_int(sock, level, optname, out), 'getsockopt');
  return i32(s.x, out);
}

export function setSockOptInt(sock, level, optname, value) {
  socketArg(sock);
  int32('level', level);
  int32('optname', optname);
  if (typeof value === 'boolean') value = value ? 1 : 0;
  int32('value', value);
  call((x) => check(x.ns_set_sock_opt_int(sock, level, optname, value), 'setsockopt'));
}

/**
 * FIONBIO (arg != 0: non-blocking) or FIONREAD (returns the bytes ready to
 * read). Returns the request's resulting argument.
 */
export function ioctlsocket(sock, request, arg = 0) {
  socketArg(sock);
  uint32('request', request);
  uint32('arg', arg);
  return call((x, f, s) => {
    const p = f.alloc(4);
    view(x).setUint32(p, arg, true);
    check(x.ns_ioctl(sock, request, p), 'ioctl');
    if (request === FIONBIO) noteBlocking(s, sock, arg === 0);
    return u32(x, p);
  });
}

function selectImpl(socks, timeout, write) {
  if (!Array.isArray(socks)) throw typeError('socks', 'an array of sockets', socks);
  if (socks.length > MAX_SELECT) throw new RangeError(`selectRead/selectWrite take at most ${MAX_SELECT} sockets`);
  socks.forEach((s, i) => socketArg(s, `socks[${i}]`));
  timeoutArg(timeout);
  const ready = check(selectSockets(load(), socks, write, timeout, scratch), 'select');
  socks.splice(0, socks.length, ...ready);
  return ready.length;
}

/**
 * Waits until a socket in `socks` is readable or `timeout` ms pass (-1:
 * forever, 0: poll). Like Nim, it returns how many are ready and leaves only
 * those in `socks` (order not kept).
 */
export function selectRead(socks, timeout = 500) {
  return selectImpl(socks, timeout, false);
}

/** selectRead for writability (and finished or failed non-blocking connects). */
export function selectWrite(socks, timeout = 500) {
  return selectImpl(socks, timeout, true);
}

// ---- addresses of sockets ------------------------------------------------

/** The socket's Domain (AF_INET, AF_INET6 or AF_UNIX). */
export function getSockDomain(sock) {
  socketArg(sock);
  return sockDomain(load(), sock, 'getsockname');
}

/** The local port of an IPv4 or IPv6 socket. */
export function getSockName(sock) {
  socketArg(sock);
  const s = load();
  const out = scratch(s, 4, 'getsockname');
  view(s.x).setUint32(out, 0, true);
  check(s.x.ns_get_sock_name(sock, out), 'getsockname');
  return view(s.x).getUint16(out, true);
}

function socketAddress(sock, domain, fn, syscall) {
  socketArg(sock);
  if (domain === undefined) domain = getSockDomain(sock);
  int32('domain', domain);
  return call((x, f) => {
    const addr = f.zeroed(ADDRSTRLEN);
    const port = f.zeroed(4);
    check(x[fn](sock, domain, addr, ADDRSTRLEN, port), syscall);
    return { address: cstring(x, addr), port: view(x).getUint16(port, true) };
  });
}

/** { address, port } of the socket's local end; domain defaults to the socket's. */
export function getLocalAddr(sock, domain) {
  return socketAddress(sock, domain, 'ns_get_local_addr', 'getsockname');
}

/** { address, port } of the socket's peer; domain defaults to the socket's. */
export function getPeerAddr(sock, domain) {
  return socketAddress(sock, domain, 'ns_get_peer_addr', 'getpeername');
}

// ---- resolver and databases ----------------------------------------------

/**
 * getaddrinfo: [{ family, sockType, protocol, address, port, canonName? }].
 * Defaults as Nim: AF_INET, SOCK_STREAM, IPPROTO_TCP.
 */
export function getAddrInfo(address, port = 0, domain = AF_INET, sockType = SOCK_STREAM, protocol = IPPROTO_TCP) {
  stringArg('address', address);
  portArg(port);
  int32('domain', domain);
  int32('sockType', sockType);
  int32('protocol', protocol);
  return call((x, f, s) => {
    const list = f.zeroed(4);
    check(x.ns_get_addr_info(f.cstr(address), port, domain, sockType, protocol, list), 'getaddrinfo',
      { detail: address, hostname: address });
    const head = u32(x, list);
    f.defer(() => x.ns_free_addr_info(head));
    const out = [];
    for (let ai = head, guard = 0; ai !== 0 && guard < 1024; ai = u32(x, ai + ADDRINFO.next), guard++) {
      const addr = sockaddrToObject(x, f, u32(x, ai + ADDRINFO.addr), u32(x, ai + ADDRINFO.addrlen));
      const nativeType = i32(x, ai + ADDRINFO.socktype);
      const nativeProto = i32(x, ai + ADDRINFO.protocol);
      const entry = {
        family: addr.family ?? i32(x, ai + ADDRINFO.family),
        sockType: s.nativeType.get(nativeType) ?? nativeType,
        protocol: s.nativeProtocol.get(nativeProto) ?? nativeProto,
        address: addr.address,
        port: addr.port,
      };
      const canon = u32(x, ai + ADDRINFO.canonname);
      if (canon !== 0) entry.canonName = cstring(x, canon);
      out.push(entry);
    }
    return out;
  });
}
