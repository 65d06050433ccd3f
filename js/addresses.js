// Addresses between JS and the library: the JS API's address arguments
// ({ address, port }, (address, port) or { path }), sockaddrs in guest
// memory, and the address records the calls return. Internal.
import { ADDRSTRLEN, Domain, ErrorCode, Protocol, SockType } from './constants.js';
import { isIP } from 'node:net';
import {
  Frame, bytes, check, cstring, i32, libraryError, onUnload, portArg, scratch, stringArg, typeError, u32, view,
} from './runtime.js';
import { ADDRINFO, SOCKADDR, SOCKADDR_MAX } from './layouts.js';

const { AF_UNIX, AF_INET6 } = Domain;
const { SOCK_STREAM } = SockType;
const { IPPROTO_TCP } = Protocol;


export function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

// (addr) or (address, port) → { address, port } | { path }.
/**
 * sendTo's two call shapes, (addr, port, flags) with a string address and
 * ({ address, port } | { path }, flags): { spec, flags }.
 */
export function sendToArgs(addr, portOrFlags, maybeFlags) {
  if (typeof addr === 'string') return { spec: addressArgs(addr, portOrFlags), flags: maybeFlags ?? 0 };
  return { spec: addressArgs(addr), flags: portOrFlags ?? 0 };
}

export function addressArgs(a, b, name = 'address') {
  if (isPlainObject(a)) {
    if (a.path !== undefined) return { path: stringArg(`${name}.path`, a.path) };
    const out = {};
    if (a.address !== undefined) out.address = stringArg(`${name}.address`, a.address);
    out.port = a.port === undefined ? 0 : portArg(a.port, `${name}.port`);
    return out;
  }
  if (typeof a === 'string') return { address: stringArg(name, a), port: b === undefined ? 0 : portArg(b) };
  throw typeError(name, 'an object { address, port } or { path }, or an address string', a);
}

export function detailOf(spec) {
  if (spec.path !== undefined) return { detail: spec.path, path: spec.path };
  return { detail: `${spec.address}:${spec.port}`, address: spec.address, port: spec.port };
}

// A sockaddr for `spec` in guest memory, resolved for the socket's family.
export function sockaddrFor(x, f, sock, spec, syscall, wildcard = false) {
  if (spec.path !== undefined) {
    if (spec.path.length === 0) throw typeError('path', 'a non-empty string', spec.path);
    const out = f.zeroed(SOCKADDR_MAX);
    const len = f.zeroed(4);
    check(x.ns_make_unix_addr(f.cstr(spec.path), out, len), syscall, () => detailOf(spec));
    return { ptr: out, len: u32(x, len) };
  }
  const domainOut = f.zeroed(4);
  check(x.ns_get_sock_domain(sock, domainOut), syscall);
  const domain = i32(x, domainOut);
  if (domain === AF_UNIX) {
    throw typeError('address', 'an object { path } for a unix socket', spec);
  }
  if (spec.address === undefined) {
    if (!wildcard) throw typeError('address', 'a string', spec.address);
    spec.address = domain === AF_INET6 ? '::' : '0.0.0.0';
  }
  const list = f.zeroed(4);
  check(
    x.ns_get_addr_info(f.cstr(spec.address), spec.port, domain, SOCK_STREAM, IPPROTO_TCP, list),
    'getaddrinfo', { detail: spec.address, hostname: spec.address },
  );
  const ai = u32(x, list);
  f.defer(() => x.ns_free_addr_info(ai));
  if (ai === 0) throw libraryError(ErrorCode.EAI_NONAME, 'getaddrinfo', { detail: spec.address, hostname: spec.address });
  return { ptr: u32(x, ai + ADDRINFO.addr), len: u32(x, ai + ADDRINFO.addrlen) };
}

/** The socket's Domain, through guest scratch memory. */
export function sockDomain(s, sock, syscall) {
  const out = scratch(s, 4, syscall);
  check(s.x.ns_get_sock_domain(sock, out), syscall);
  return i32(s.x, out);
}

// The sockaddrs of numeric addresses, by socket family, port and address:
// getaddrinfo's answer for a numeric address never changes, so the JS API
// keeps the bytes and skips the library's lookup and allocations next time.
const numericSockaddrs = new Map();
const NUMERIC_SOCKADDRS_MAX = 1024;
onUnload(() => numericSockaddrs.clear());

/** The bytes of the sockaddr sockaddrFor makes for `spec` (a copy, cached for numeric addresses). */
export function sockaddrBytes(s, sock, spec, syscall, wildcard = false) {
  let key;
  if (spec.path === undefined && spec.address !== undefined && isIP(spec.address)) {
    key = `${sockDomain(s, sock, syscall)} ${spec.port} ${spec.address}`;
    const known = numericSockaddrs.get(key);
    if (known !== undefined) return known;
  }
  const f = new Frame(s.x);
  try {
    const { ptr, len } = sockaddrFor(s.x, f, sock, spec, syscall, wildcard);
    const copy = bytes(s.x).slice(ptr, ptr + len);
    if (key !== undefined) {
      if (numericSockaddrs.size >= NUMERIC_SOCKADDRS_MAX) numericSockaddrs.clear();
      numericSockaddrs.set(key, copy);
    }
    return copy;
  } finally {
    f.release();
  }
}

// The target's AF_INET, from the library (once per instance).
let inetOf = { x: null, family: -1 };
function nativeInet(x) {
  if (inetOf.x !== x) inetOf = { x, family: x.ns_domain_to_int(Domain.AF_INET) };
  return inetOf.family;
}

// An address in guest memory → { family, address, port } | { family, path }.
export function sockaddrToObject(x, f, ptr, len) {
  if (len < 2) return {};
  const familyNative = view(x).getUint16(ptr + SOCKADDR.family, true);
  if (familyNative === nativeInet(x) && len >= SOCKADDR.inAddr + 4) {
    // sockaddr_in: the dotted quad is what ns_get_addr_string prints.
    const m = bytes(x);
    const a = ptr + SOCKADDR.inAddr;
    return {
      family: Domain.AF_INET,
      address: `${m[a]}.${m[a + 1]}.${m[a + 2]}.${m[a + 3]}`,
      port: (m[ptr + SOCKADDR.port] << 8) | m[ptr + SOCKADDR.port + 1],
    };
  }
  const domainOut = f.zeroed(4);
  const family = x.ns_to_known_domain(familyNative, domainOut) ? i32(x, domainOut) : familyNative;
  if (family === AF_UNIX) {
    const path = SOCKADDR.sunPath;
    return { family, path: len > path ? cstring(x, ptr + path, len - path) : '' };
  }
  const text = f.alloc(ADDRSTRLEN);
  if (x.ns_get_addr_string(ptr, text, ADDRSTRLEN) < 0) return { family };
  let address = cstring(x, text);
  // ns_get_addr_string prints v4-mapped IPv6 as a dotted quad; keep the family visible.
  if (family === AF_INET6 && !address.includes(':')) address = `::ffff:${address}`;
  const mem = bytes(x);
  return { family, address, port: (mem[ptr + SOCKADDR.port] << 8) | mem[ptr + SOCKADDR.port + 1] };
}
