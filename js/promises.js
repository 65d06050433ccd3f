/* @ts-self-types="./promises.d.ts" */
// nativesockets/promises: the JS API's calls that can wait, returning
// promises, as node:fs/promises is to node:fs. The same names, arguments,
// results and errors as the blocking API (js/index.js), and the same C
// library underneath; every call takes a last `{ signal }` argument to
// cancel it (an AbortError). The calls that never wait are re-exported
// unchanged, so code can mix them.
//
// How a call waits: it makes the library call on a non-blocking socket (a
// blocking one is switched for the moment of the call and switched back);
// on EAGAIN/EINPROGRESS it awaits readiness (js/readiness.js: Atomics.waitAsync
// on the host's event counter, never a blocked or spinning thread) and
// retries. A socket the caller made non-blocking keeps the blocking API's
// answer: EAGAIN at once. Name lookups run on a helper thread
// (js/lookups.js) unless the name is a numeric address.
import net from 'node:net';
import * as api from './index.js';
import { ADDRSTRLEN, ErrorCode } from './constants.js';
import {
  Frame, boolArg, bytes, check, cstring, dataArg, i32, int32, intoArg, lengthArg, load, onUnload,
  portArg, scratch, socketArg, stringArg, timeoutArg, typeError, view,
} from './runtime.js';
import { addressArgs, detailOf, isPlainObject, sendToArgs, sockaddrBytes, sockaddrToObject } from './addresses.js';
import { SOCKADDR_MAX } from './layouts.js';
import { CLOSED, Readiness, abortErrorOf, selectSockets } from './readiness.js';
import { Lookups } from './lookups.js';

export * from './index.js';
export { AbortError } from './errors.js';

const { AF_INET, SOCK_STREAM, IPPROTO_TCP } = api;
const { EAGAIN, EBADF, EINPROGRESS, EALREADY, EISCONN, ENETDOWN } = ErrorCode;
const MAX_SELECT = 65536;
// The most one send attempt copies into guest memory: a large send is
// taken in pieces, so that a slow peer does not make it copy the rest again
// and again.
const SEND_PIECE = 1024 * 1024;

// ---- per instance --------------------------------------------------------

// The waiting machinery of an instance, made at its first call that waits.
// An instance that was closed gets a closed one: its calls fail, never wait.
function engineOf(s) {
  if (s.engine === undefined) {
    s.engine = {
      readiness: new Readiness(s, s.host.eventCounter(), scratch),
      lookups: new Lookups(s.wasmOption, s.host.policy.lookup),
    };
    s.onSocketClosed = (sock) => s.engine.readiness.socketClosed(sock);
  }
  if (s.closed) s.engine.readiness.close();
  return s.engine;
}

onUnload((s) => {
  if (s.engine === undefined) return;
  s.engine.readiness.close();
  s.engine.lookups.close();
});

// ---- arguments -----------------------------------------------------------

// { signal } as the last argument: the AbortSignal, or undefined.
function signalOf(options) {
  if (options === undefined || options === null) return undefined;
  if (!isPlainObject(options)) throw typeError('options', 'an object { signal }', options);
  const { signal } = options;
  if (signal === undefined) return undefined;
  if (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean') {
    throw typeError('options.signal', 'an AbortSignal', signal);
  }
  return signal;
}

// Whether `v` is the trailing options object rather than a positional argument.
function isOptions(v) {
  return isPlainObject(v) && Object.keys(v).every((k) => k === 'signal');
}

function throwIfAborted(signal) {
  if (signal?.aborted) throw abortErrorOf(signal);
}

// ---- the retry loop ------------------------------------------------------

// One library call on `sock` as if it were non-blocking.
function nonBlocking(s, sock, attempt) {
  if (s.nonBlocking.has(sock)) return attempt();
  s.x.ns_set_blocking(sock, 0);
  try {
    return attempt();
  } finally {
    s.x.ns_set_blocking(sock, 1);
  }
}

/**
 * Runs attempt() (a library call returning a code) until it does not say
 * "would block", awaiting readiness (for writing when `write`) between tries.
 * `again` lists the codes that mean "wait and retry".
 */
async function retry(s, sock, write, signal, attempt, again = EAGAIN) {
  const { readiness } = engineOf(s);
  for (;;) {
    throwIfAborted(signal);
    const rc = nonBlocking(s, sock, attempt);
    const waits = typeof again === 'number' ? rc === again : again.includes(rc);
    if (!waits || (s.nonBlocking.has(sock) && rc === EAGAIN)) return rc;
    // The instance is gone (closeHost): no event will come.
    if (readiness.closed) return ENETDOWN;
    if ((await readiness.wait([sock], write, Infinity, signal)) === CLOSED) return EBADF;
    // Woken because the instance is going away: its sockets are being
    // closed under the call, which must not read that as data or EOF.
    if (readiness.closed) return ENETDOWN;
  }
}

// ---- connections ---------------------------------------------------------

/** Accepts a connection: { socket, address }, as the blocking accept. */
export async function accept(server, inheritable = false, options = undefined) {
  if (isOptions(inheritable)) [inheritable, options] = [false, inheritable];
  socketArg(server, 'server');
  boolArg('inheritable', inheritable);
  const signal = signalOf(options);
  const s = load();
  let result;
  const rc = await retry(s, server, false, signal, () => {
    const p = scratch(s, 4 + ADDRSTRLEN, 'accept');
    bytes(s.x).fill(0, p + 4, p + 4 + ADDRSTRLEN);
    const r = s.x.ns_accept(server, inheritable ? 1 : 0, p, p + 4, ADDRSTRLEN);
    if (r >= 0) {
      const socket = i32(s.x, p);
      s.nonBlocking.delete(socket);
      result = { socket, address: cstring(s.x, p + 4) };
    }
    return r;
  });
  check(rc, 'accept');
  return result;
}

/** Connects to { address, port }, (address, port) or { path }; a host name is looked up first. */
export async function connect(sock, addr, port, options = undefined) {
  if (options === undefined && isOptions(port) && typeof addr !== 'string') [port, options] = [undefined, port];
  socketArg(sock);
  const spec = addressArgs(addr, port);
  const signal = signalOf(options);
  throwIfAborted(signal);
  const s = load();
  const target = await numeric(s, sock, spec, signal);
  let first = true;
  const rc = await retry(s, sock, true, signal, () => {
    const addr = sockaddrBytes(s, sock, target, 'connect');
    const p = scratch(s, addr.length, 'connect');
    bytes(s.x).set(addr, p);
    const r = s.x.ns_connect(sock, p, addr.length);
    // A retry of a connect that has finished says EISCONN on some systems.
    if (!first && r === EISCONN) return 0;
    first = false;
    return r;
  }, [EINPROGRESS, EALREADY]);
  check(rc, 'connect', () => detailOf(spec));
}

// `spec` with its host name replaced by the address the blocking call would
// use (the first answer of getaddrinfo for the socket's family), looked up
// off this thread. Numeric addresses and paths are returned as they are.
async function numeric(s, sock, spec, signal) {
  if (spec.path !== undefined || spec.address === undefined || net.isIP(spec.address)) return spec;
  const domain = api.getSockDomain(sock);
  const list = await engineOf(s).lookups.run(
    'getAddrInfo', [spec.address, spec.port, domain, SOCK_STREAM, IPPROTO_TCP], signal);
  return { ...spec, address: list[0].address };
}

// ---- data ----------------------------------------------------------------

/** Sends all of `data` (a stream socket) or one datagram; resolves to the bytes sent. */
export async function send(sock, data, flags = 0, options = undefined) {
  if (isOptions(flags)) [flags, options] = [0, flags];
  socketArg(sock);
  const u8 = dataArg(data);
  int32('flags', flags);
  const signal = signalOf(options);
  const s = load();
  let sent = 0;
  const rc = await retry(s, sock, true, signal, () => {
    do {
      const piece = Math.min(u8.byteLength - sent, SEND_PIECE);
      const p = scratch(s, piece, 'send');
      bytes(s.x).set(piece === u8.byteLength ? u8 : u8.subarray(sent, sent + piece), p);
      const r = s.x.ns_send(sock, p, piece, flags);
      if (r < 0) return sent > 0 && r !== EAGAIN ? sent : r;
      sent += r;
      if (r < piece || s.nonBlocking.has(sock)) break;
    } while (sent < u8.byteLength);
    return sent < u8.byteLength && !s.nonBlocking.has(sock) ? EAGAIN : sent;
  });
  return check(rc, 'send');
}

// recv's and recvFrom's optional arguments, (length, flags, options) with
// the options object allowed in place of either: checked, with defaults.
function receiveArgs(length = 65536, flags = 0, options = undefined) {
  if (isOptions(length)) [length, options] = [65536, length];
  else if (isOptions(flags)) [flags, options] = [0, flags];
  lengthArg(length);
  int32('flags', flags);
  return { length, flags, options };
}

/** Receives up to `length` bytes: a Buffer, empty at end of stream. */
export async function recv(sock, length = 65536, flags = 0, options = undefined) {
  socketArg(sock);
  ({ length, flags, options } = receiveArgs(length, flags, options));
  const signal = signalOf(options);
  const s = load();
  let out;
  const rc = await retry(s, sock, false, signal, () => {
    const p = scratch(s, length, 'recv');
    const r = s.x.ns_recv(sock, p, length, flags);
    if (r >= 0) out = Buffer.from(bytes(s.x).subarray(p, p + r));
    return r;
  });
  check(rc, 'recv');
  return out;
}

/** Receives into `buffer` (any TypedArray, DataView or ArrayBuffer); resolves to the bytes received, 0 at end of stream. */
export async function recvInto(sock, buffer, flags = 0, options = undefined) {
  if (isOptions(flags)) [flags, options] = [0, flags];
  socketArg(sock);
  const dst = intoArg(buffer);
  int32('flags', flags);
  const signal = signalOf(options);
  const s = load();
  const rc = await retry(s, sock, false, signal, () => {
    const p = scratch(s, dst.byteLength, 'recv');
    const r = s.x.ns_recv(sock, p, dst.byteLength, flags);
    if (r > 0) dst.set(bytes(s.x).subarray(p, p + r));
    return r;
  });
  return check(rc, 'recv');
}

/** Sends a datagram, as the blocking sendTo; resolves to the bytes sent. */
export async function sendTo(sock, data, addr, ...rest) {
  const options = rest.length > 0 && isOptions(rest[rest.length - 1]) ? rest.pop() : undefined;
  const [portOrFlags, maybeFlags] = rest;
  socketArg(sock);
  const u8 = dataArg(data);
  const { spec, flags } = sendToArgs(addr, portOrFlags, maybeFlags);
  int32('flags', flags);
  const signal = signalOf(options);
  throwIfAborted(signal);
  const s = load();
  const target = await numeric(s, sock, spec, signal);
  const rc = await retry(s, sock, true, signal, () => {
    const addr = sockaddrBytes(s, sock, target, 'sendto');
    const to = scratch(s, SOCKADDR_MAX + u8.byteLength, 'sendto');
    const mem = bytes(s.x);
    mem.set(addr, to);
    mem.set(u8, to + SOCKADDR_MAX);
    return s.x.ns_sendto(sock, to + SOCKADDR_MAX, u8.byteLength, flags, to, addr.length);
  });
  return check(rc, 'sendto', () => detailOf(spec));
}

/** Receives a datagram: { data, family, address, port } or { data, family, path }. */
export async function recvFrom(sock, length = 65536, flags = 0, options = undefined) {
  socketArg(sock);
  ({ length, flags, options } = receiveArgs(length, flags, options));
  const signal = signalOf(options);
  const s = load();
  let out;
  const rc = await retry(s, sock, false, signal, () => {
    const from = scratch(s, SOCKADDR_MAX + 4 + length, 'recvfrom');
    const fromLen = from + SOCKADDR_MAX;
    const buf = fromLen + 4;
    bytes(s.x).fill(0, from, from + SOCKADDR_MAX);
    view(s.x).setUint32(fromLen, SOCKADDR_MAX, true);
    const r = s.x.ns_recvfrom(sock, buf, length, flags, from, fromLen);
    if (r >= 0) {
      const data = Buffer.from(bytes(s.x).subarray(buf, buf + r));
      const len = Math.min(view(s.x).getUint32(fromLen, true), SOCKADDR_MAX);
      const f = new Frame(s.x);
      try {
        out = { data, ...sockaddrToObject(s.x, f, from, len) };
      } finally {
        f.release();
      }
    }
    return r;
  });
  check(rc, 'recvfrom');
  return out;
}

export { sendTo as sendto, recvFrom as recvfrom };

// ---- select --------------------------------------------------------------

async function selectAsync(socks, timeout, options, write) {
  if (isOptions(timeout)) [timeout, options] = [500, timeout];
  if (!Array.isArray(socks)) throw typeError('socks', 'an array of sockets', socks);
  if (socks.length > MAX_SELECT) throw new RangeError(`selectRead/selectWrite take at most ${MAX_SELECT} sockets`);
  socks.forEach((sock, i) => socketArg(sock, `socks[${i}]`));
  timeoutArg(timeout);
  const signal = signalOf(options);
  const s = load();
  const deadline = timeout < 0 ? Infinity : performance.now() + timeout;
  const watched = [...socks];
  for (;;) {
    throwIfAborted(signal);
    const { readiness } = engineOf(s);
    if (readiness.closed) check(ENETDOWN, 'select');
    const ready = check(selectSockets(s, watched, write, 0, scratch), 'select');
    if (ready.length > 0 || performance.now() >= deadline) {
      socks.splice(0, socks.length, ...ready);
      return ready.length;
    }
    if ((await readiness.wait(watched, write, deadline, signal)) === CLOSED) check(EBADF, 'select');
  }
}

/** Resolves when a socket in `socks` is readable or `timeout` ms pass, as the blocking selectRead. */
export function selectRead(socks, timeout = 500, options = undefined) {
  return selectAsync(socks, timeout, options, false);
}

/** selectRead for writability (and finished or failed non-blocking connects). */
export function selectWrite(socks, timeout = 500, options = undefined) {
  return selectAsync(socks, timeout, options, true);
}

// ---- lookups -------------------------------------------------------------

/** getaddrinfo, as the blocking getAddrInfo; host names are looked up off this thread. */
export async function getAddrInfo(address, ...rest) {
  const options = rest.length > 0 && isOptions(rest[rest.length - 1]) ? rest.pop() : undefined;
  const [port = 0, domain = AF_INET, sockType = SOCK_STREAM, protocol = IPPROTO_TCP] = rest;
  stringArg('address', address);
  portArg(port);
  int32('domain', domain);
  int32('sockType', sockType);
  int32('protocol', protocol);
  const signal = signalOf(options);
  throwIfAborted(signal);
  // A numeric address is answered by the library at once.
  if (net.isIP(address)) return api.getAddrInfo(address, port, domain, sockType, protocol);
  return engineOf(load()).lookups.run('getAddrInfo', [address, port, domain, sockType, protocol], signal);
}

/** A host entry for a name, as the blocking getHostByName. */
export async function getHostByName(name, options = undefined) {
  stringArg('name', name);
  const signal = signalOf(options);
  throwIfAborted(signal);
  if (net.isIP(name)) return api.getHostByName(name);
  return engineOf(load()).lookups.run('getHostByName', [name], signal);
}

/** A host entry for an address (a reverse lookup), as the blocking getHostByAddr. */
export async function getHostByAddr(ip, options = undefined) {
  stringArg('ip', ip);
  const signal = signalOf(options);
  throwIfAborted(signal);
  return engineOf(load()).lookups.run('getHostByAddr', [ip], signal);
}
