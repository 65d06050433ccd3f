// getaddrinfo / getnameinfo for the guest. Literals, services and the
// canonical names of /etc/hosts are answered on the guest's thread; names
// and reverse lookups ask the worker (dns.lookup / dns.lookupService, the
// system's own resolver).
import fs from 'node:fs';
import net from 'node:net';
import {
  AF_INET, AF_INET6, AF_UNSPEC, EAI, IPPROTO_TCP, IPPROTO_UDP, NAME_INFO_FLAG, OP, RESOLVE_FLAG,
  SOCK_DGRAM, SOCK_RAW, SOCK_STREAM,
} from '../abi.js';

// The (type, protocol) pairs a lookup yields, as glibc orders them.
function socketKinds(type, protocol) {
  const all = [
    { type: SOCK_STREAM, protocol: IPPROTO_TCP },
    { type: SOCK_DGRAM, protocol: IPPROTO_UDP },
    { type: SOCK_RAW, protocol: 0 },
  ];
  if (type === 0) return protocol === 0 ? all : all.filter((k) => k.protocol === protocol);
  if (type === SOCK_RAW) return [{ type: SOCK_RAW, protocol }];
  const kind = all.find((k) => k.type === type);
  if (protocol !== 0 && protocol !== kind.protocol) return [];
  return [kind];
}

function interfaceIndex(zone) {
  if (/^\d+$/.test(zone)) return Number(zone);
  try {
    return Number(fs.readFileSync(`/sys/class/net/${zone}/ifindex`, 'utf8').trim());
  } catch {
    return -1;
  }
}

/** { family, address, scopeId } of an IP literal, or null. */
export function parseLiteral(text) {
  if (net.isIPv4(text)) return { family: AF_INET, address: text, scopeId: 0 };
  const zoneAt = text.indexOf('%');
  const bare = zoneAt >= 0 ? text.slice(0, zoneAt) : text;
  if (!net.isIPv6(bare)) return null;
  const scopeId = zoneAt >= 0 ? interfaceIndex(text.slice(zoneAt + 1)) : 0;
  if (scopeId < 0) return null;
  return { family: AF_INET6, address: bare, scopeId };
}

// The other IPv4 texts glibc's getaddrinfo takes as numeric (inet_aton's:
// "127.1", "2130706433", "0x7f.1", octal "0177.0.0.1"), exactly, with
// nothing after them, as getaddrinfo has since glibc 2.32; else null.
function shortIpv4Literal(text) {
  const parts = text.split('.');
  if (parts.length > 4) return null;
  const numbers = [];
  for (const part of parts) {
    const m = /^(?:0[xX]([0-9a-fA-F]+)|(0[0-7]*)|([1-9][0-9]*))$/.exec(part);
    if (!m) return null;
    numbers.push(m[1] !== undefined ? parseInt(m[1], 16) : m[2] !== undefined ? parseInt(m[2], 8) : Number(m[3]));
  }
  const last = numbers.pop();
  if (numbers.some((n) => n > 255) || last >= 2 ** (8 * (4 - numbers.length))) return null;
  let value = last;
  numbers.forEach((n, i) => { value += n * 2 ** (8 * (3 - i)); });
  const bytes = [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255];
  return { family: AF_INET, address: bytes.join('.'), scopeId: 0 };
}

function mapped(v4) {
  return { family: AF_INET6, address: `::ffff:${v4.address}`, scopeId: 0 };
}

export class Resolver {
  constructor(channel, databases) {
    this.channel = channel;
    this.db = databases;
    // Answers of the system resolver for names listed in /etc/hosts, kept
    // while that file is unchanged: with "hosts: files ..." the system
    // answers them from the file alone, so a repeat could not differ, and it
    // would cost a worker round trip plus a thread-pool hop. DNS names are
    // never kept: their lifetime is not ours to know.
    this.hostsAnswers = new Map();
  }

  _remembered(key) {
    if (this.db.hostsChanged()) this.hostsAnswers.clear();
    return this.hostsAnswers.get(key);
  }

  // Ports for each kind, or an EAI code.
  _ports(service, kinds, flags) {
    if (service === null) return kinds.map((k) => ({ ...k, port: 0 }));
    if (/^\d+$/.test(service)) {
      const port = Number(service);
      if (port > 65535) return EAI.SERVICE;
      return kinds.filter((k) => k.type !== SOCK_RAW).map((k) => ({ ...k, port }));
    }
    if (flags & RESOLVE_FLAG.NUMERICSERV) return EAI.NONAME;
    const found = [];
    for (const k of kinds) {
      if (k.type === SOCK_RAW) continue;
      const entry = this.db.serviceByName(service, k.type === SOCK_STREAM ? 'tcp' : 'udp');
      if (entry) found.push({ ...k, port: entry.port });
    }
    return found;
  }

  // Addresses for `node`, or an EAI code.
  _addresses(node, family, flags) {
    if (node === null) {
      const passive = (flags & RESOLVE_FLAG.PASSIVE) !== 0;
      const v6 = { family: AF_INET6, address: passive ? '::' : '::1', scopeId: 0 };
      const v4 = { family: AF_INET, address: passive ? '0.0.0.0' : '127.0.0.1', scopeId: 0 };
      if (family === AF_INET) return [v4];
      if (family === AF_INET6) return [v6];
      return [v6, v4];
    }
    const literal = parseLiteral(node) ?? shortIpv4Literal(node);
    if (literal) {
      if (family === AF_UNSPEC || family === literal.family) return [literal];
      if (family === AF_INET6 && (flags & RESOLVE_FLAG.V4MAPPED)) return [mapped(literal)];
      return EAI.FAMILY;
    }
    if (flags & RESOLVE_FLAG.NUMERICHOST) return EAI.NONAME;
    // Name lookups are a permission of their own (wasmtime's
    // allow-ip-name-lookup); address literals need none.
    if (this.policy && !this.policy.lookup) return EAI.FAIL;
    const key = `${node}|${family}|${flags & (RESOLVE_FLAG.V4MAPPED | RESOLVE_FLAG.ALL | RESOLVE_FLAG.ADDRCONFIG)}`;
    const remembered = this._remembered(key);
    if (remembered !== undefined) return remembered;
    const reply = this.channel.request({
      op: OP.RESOLVE, node,
      family: family === AF_INET ? 4 : family === AF_INET6 ? 6 : 0,
      v4mapped: (flags & RESOLVE_FLAG.V4MAPPED) !== 0, all: (flags & RESOLVE_FLAG.ALL) !== 0,
      addrconfig: (flags & RESOLVE_FLAG.ADDRCONFIG) !== 0,
    });
    if (reply.eai) return reply.eai;
    const list = [];
    for (const a of reply.addresses) {
      const parsed = parseLiteral(a.address);
      if (parsed) list.push(parsed);
    }
    const answer = list.length ? list : EAI.NONAME;
    if (this.db.listsHost(node)) this.hostsAnswers.set(key, answer);
    return answer;
  }

  /**
   * { eai } or { eai: 0, results: [{type, protocol, addr}], canon }.
   * Hints: { flags, family, type, protocol }.
   */
  resolve(node, service, hints) {
    const { flags, family, type, protocol } = hints;
    if (flags & ~127) return { eai: EAI.BADFLAGS };
    if ((flags & RESOLVE_FLAG.CANONNAME) && node === null) return { eai: EAI.BADFLAGS };
    if (family !== AF_UNSPEC && family !== AF_INET && family !== AF_INET6) return { eai: EAI.FAMILY };
    if (![0, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW].includes(type)) return { eai: EAI.SOCKTYPE };
    if (node === null && service === null) return { eai: EAI.NONAME };
    // "localhost\0.attacker.example" is no name: the system resolver would
    // read it up to the NUL and answer for "localhost".
    if (node !== null && node.includes('\0')) return { eai: EAI.NONAME };
    if (service !== null && service.includes('\0')) return { eai: EAI.SERVICE };
    const kinds = socketKinds(type, protocol);
    if (!kinds.length) return { eai: EAI.SOCKTYPE };
    const ports = this._ports(service, kinds, flags);
    if (typeof ports === 'number') return { eai: ports };
    if (!ports.length) return { eai: EAI.SERVICE };
    const addresses = this._addresses(node, family, flags);
    if (typeof addresses === 'number') return { eai: addresses };
    const results = [];
    for (const a of addresses) {
      for (const p of ports) {
        results.push({
          type: p.type, protocol: p.protocol,
          addr: { family: a.family, address: a.address, port: p.port, scopeId: a.scopeId },
        });
      }
    }
    let canon = null;
    if (flags & RESOLVE_FLAG.CANONNAME) {
      const version = addresses[0].family === AF_INET6 ? 6 : 4;
      canon = parseLiteral(node) ? node : this.db.canonicalHost(node, version) ?? node;
    }
    return { eai: 0, results, canon };
  }

  /** { eai } or { eai: 0, host, serv }. */
  nameInfo(addr, flags) {
    if (flags & ~31) return { eai: EAI.BADFLAGS };
    if (addr.family !== AF_INET && addr.family !== AF_INET6) return { eai: EAI.FAMILY };
    let numeric = addr.address;
    if (addr.family === AF_INET6 && addr.scopeId) numeric += `%${addr.scopeId}`;
    let host = numeric;
    // Without the lookup permission the answer is the numeric form.
    const mayLookUp = !this.policy || this.policy.lookup;
    const numericHost = (flags & NAME_INFO_FLAG.NUMERICHOST) !== 0;
    if (!mayLookUp && !numericHost && (flags & NAME_INFO_FLAG.NAMEREQD)) return { eai: EAI.FAIL };
    if (!numericHost && mayLookUp) {
      const reply = this.channel.request({ op: OP.NAME_INFO, address: numeric, port: addr.port });
      if (reply.eai === 0 && reply.host) host = reply.host;
      else if (reply.eai !== EAI.NONAME) return { eai: reply.eai };
      if (host === numeric && (flags & NAME_INFO_FLAG.NAMEREQD)) return { eai: EAI.NONAME };
      if ((flags & NAME_INFO_FLAG.NOFQDN) && host !== numeric) host = host.split('.')[0];
    }
    let serv = String(addr.port);
    if (!(flags & NAME_INFO_FLAG.NUMERICSERV)) {
      const entry = this.db.serviceByPort(addr.port, flags & NAME_INFO_FLAG.DGRAM ? 'udp' : 'tcp');
      if (entry) serv = entry.name;
    }
    return { eai: 0, host, serv };
  }
}
