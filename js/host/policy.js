// A guest's network policy: which addresses it may connect to, bind, send
// datagrams to and accept connections from, which unix-socket paths it may
// use, and whether it may look names up. In the spirit of wasmtime
// (-S inherit-network, -S allow-ip-name-lookup, a per-address check hook)
// and Deno (--allow-net=host:port). docs/sandbox.md is the user's guide.
//
// A rule is text:  [OPS:]TARGET
//   OPS     connect, bind, send, accept, joined by '+' (default: all four)
//   TARGET  *[:PORTS]                 any IPv4 or IPv6 address
//           ADDR[/LEN][:PORTS]        IPv4 address or CIDR block
//           [ADDR[/LEN]][:PORTS]      IPv6 address or CIDR block, bracketed
//           ADDR[/LEN]                IPv6 without brackets (no port then)
//           NAME[:PORTS]              a host name: the addresses it resolves to
//           unix[:PATH]               unix-socket paths (at or under PATH)
//   PORTS   N, N-M or *               (default: any port)
import net from 'node:net';
import path from 'node:path';
import { AF_INET, AF_INET6, AF_UNIX, E } from './abi.js';

export const OPERATIONS = Object.freeze(['connect', 'bind', 'send', 'accept']);
const ALL_OPS = new Set(OPERATIONS);
const EVERYTHING = ['*', 'unix'];

export class PolicyError extends Error {}

function ruleError(text, why) {
  return new PolicyError(`bad network rule "${text}": ${why}`);
}

function parsePorts(text, rule) {
  if (text === undefined || text === '*') return null;
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) throw ruleError(rule, `ports must be N, N-M or *, not "${text}"`);
  const lo = Number(m[1]), hi = m[2] === undefined ? lo : Number(m[2]);
  if (hi > 65535 || lo > hi) throw ruleError(rule, `port range ${text} is not within 0-65535`);
  return [lo, hi];
}

function parseOps(text, rule) {
  const ops = new Set();
  for (const op of text.split('+')) {
    if (!ALL_OPS.has(op)) throw ruleError(rule, `unknown operation "${op}"`);
    ops.add(op);
  }
  return ops;
}

// An address or CIDR block → a BlockList holding it (the matcher).
function subnet(text, family, rule) {
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const bits = family === 'ipv4' ? 32 : 128;
  let prefix = bits;
  if (slash >= 0) {
    const len = text.slice(slash + 1);
    if (!/^\d{1,3}$/.test(len) || Number(len) > bits) throw ruleError(rule, `prefix length must be 0-${bits}`);
    prefix = Number(len);
  }
  const ok = family === 'ipv4' ? net.isIPv4(address) : net.isIPv6(address);
  if (!ok) throw ruleError(rule, `"${address}" is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
  const list = new net.BlockList();
  list.addSubnet(address, prefix, family);
  return list;
}

function anyIp() {
  const list = new net.BlockList();
  list.addSubnet('0.0.0.0', 0, 'ipv4');
  list.addSubnet('::', 0, 'ipv6');
  return list;
}

const HOST_NAME = /^[A-Za-z0-9_]([A-Za-z0-9_.-]{0,252})$/;

/** Parses one rule; throws PolicyError. */
export function parseRule(rule) {
  if (typeof rule !== 'string' || rule === '') throw ruleError(String(rule), 'a rule is a non-empty string');
  let text = rule;
  let ops = ALL_OPS;
  // Operation words are reserved: no host is named "connect" or "send".
  const opsMatch = /^([a-z]+(?:\+[a-z]+)*):/.exec(text);
  if (opsMatch && opsMatch[1].split('+').every((w) => ALL_OPS.has(w))) {
    ops = parseOps(opsMatch[1], rule);
    text = text.slice(opsMatch[0].length);
  }
  // "connect" alone would be a host of that name and match nothing: a deny
  // rule meant to stop every connect would stop none.
  if (text.split('+').every((w) => ALL_OPS.has(w))) {
    throw ruleError(rule, `an operation needs a target, e.g. ${text}:* or ${text}:unix`);
  }
  if (text === 'unix') return { ops, kind: 'unix', path: null };
  if (text.startsWith('unix:')) {
    const p = text.slice(5);
    if (p === '' || p.includes('\0')) throw ruleError(rule, 'a unix rule names a path');
    return { ops, kind: 'unix', path: path.posix.normalize(p) };
  }
  if (text === '*' || text.startsWith('*:')) {
    return { ops, kind: 'ip', list: anyIp(), anyAddress: true, ports: parsePorts(text === '*' ? undefined : text.slice(2), rule) };
  }
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw ruleError(rule, 'missing "]"');
    const rest = text.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) throw ruleError(rule, 'expected ":PORTS" after "]"');
    return { ops, kind: 'ip', list: subnet(text.slice(1, close), 'ipv6', rule), ports: parsePorts(rest === '' ? undefined : rest.slice(1), rule) };
  }
  if ((text.match(/:/g) ?? []).length >= 2) {
    return { ops, kind: 'ip', list: subnet(text, 'ipv6', rule), ports: null };
  }
  const colon = text.indexOf(':');
  const host = colon < 0 ? text : text.slice(0, colon);
  const ports = parsePorts(colon < 0 ? undefined : text.slice(colon + 1), rule);
  if (/^[\d./]+$/.test(host)) return { ops, kind: 'ip', list: subnet(host, 'ipv4', rule), ports };
  if (!HOST_NAME.test(host)) throw ruleError(rule, `"${host}" is not an address, a CIDR block or a host name`);
  return { ops, kind: 'name', name: host.toLowerCase(), ports, list: null };
}

function allowsEverything(rules) {
  const whole = (r) => r.ops.size === ALL_OPS.size && (r.kind === 'ip' ? r.anyAddress === true && r.ports === null : r.path === null);
  return rules.some((r) => r.kind === 'ip' && whole(r)) && rules.some((r) => r.kind === 'unix' && whole(r));
}

function rulesOf(value, what) {
  if (value === undefined) return undefined;
  const list = typeof value === 'string' ? value.split(',').filter((r) => r !== '') : value;
  if (!Array.isArray(list)) throw new PolicyError(`network.${what} must be an array of rules or a comma-separated string`);
  return list.map(parseRule);
}

// Words of an IPv6 address text (8 numbers), for spotting mapped IPv4.
function ipv6Words(text) {
  let head = text, tail = '';
  const split = text.indexOf('::');
  if (split >= 0) { head = text.slice(0, split); tail = text.slice(split + 2); }
  const words = (s) => {
    const out = [];
    for (const part of s === '' ? [] : s.split(':')) {
      if (part.includes('.')) {
        const b = part.split('.').map(Number);
        out.push((b[0] << 8) | b[1], (b[2] << 8) | b[3]);
      } else out.push(parseInt(part, 16));
    }
    return out;
  };
  const h = words(head), t = words(tail);
  return [...h, ...new Array(Math.max(0, 8 - h.length - t.length)).fill(0), ...t];
}

/**
 * The address as the policy judges it: { family: 'ipv4'|'ipv6', address,
 * port }. An IPv4-mapped IPv6 address is the IPv4 address it reaches, and
 * connecting or sending to the unspecified address (which reaches this
 * host) is judged as loopback, so neither slips past an IPv4 rule.
 */
export function judgedAddress(op, addr) {
  if (addr.family === AF_UNIX) return { family: 'unix', path: addr.path ?? '' };
  let family = addr.family === AF_INET6 ? 'ipv6' : 'ipv4';
  let address = addr.address;
  if (family === 'ipv6' && net.isIPv6(address)) {
    const w = ipv6Words(address.split('%')[0]);
    if (w.slice(0, 5).every((x) => x === 0) && w[5] === 0xffff) {
      family = 'ipv4';
      address = `${w[6] >> 8}.${w[6] & 255}.${w[7] >> 8}.${w[7] & 255}`;
    } else if (w.every((x) => x === 0) && op !== 'bind') address = '::1';
  }
  if (family === 'ipv4' && address === '0.0.0.0' && op !== 'bind') address = '127.0.0.1';
  return { family, address, port: addr.port ?? 0 };
}

function isUnspecified6(text) {
  return typeof text === 'string' && net.isIPv6(text) && ipv6Words(text.split('%')[0]).every((w) => w === 0);
}

export class NetworkPolicy {
  /**
   * @param spec true (everything), false (nothing), or
   *   { allow, deny, lookup, check }: see docs/sandbox.md
   * @param resolveName (name) → [{ address, family: 4|6 }], for name rules
   */
  constructor(spec, resolveName = () => []) {
    this.resolveName = resolveName;
    if (spec === true || spec === false) {
      this.allow = spec ? EVERYTHING.map(parseRule) : [];
      this.deny = [];
      this.lookup = spec;
      this.hook = null;
      this.everything = spec;
      return;
    }
    if (spec === null || typeof spec !== 'object') {
      throw new PolicyError('network must be true, false or { allow, deny, lookup, check }');
    }
    for (const key of Object.keys(spec)) {
      if (!['allow', 'deny', 'lookup', 'check'].includes(key)) throw new PolicyError(`network.${key} is not a policy field`);
    }
    if (spec.check !== undefined && typeof spec.check !== 'function') throw new PolicyError('network.check must be a function');
    if (spec.lookup !== undefined && typeof spec.lookup !== 'boolean') throw new PolicyError('network.lookup must be a boolean');
    this.allow = rulesOf(spec.allow, 'allow') ?? EVERYTHING.map(parseRule);
    this.deny = rulesOf(spec.deny, 'deny') ?? [];
    this.lookup = spec.lookup ?? true;
    this.hook = spec.check ?? null;
    // Nothing denied, no hook, and rules that take in every address, port
    // and path (`--allow-net`): no call needs judging, and a datagram
    // socket's every sendto would otherwise pay for it.
    this.everything = this.deny.length === 0 && this.hook === null && allowsEverything(this.allow);
  }

  /**
   * 0 when `op` on `addr` (the host's address record) is allowed, else
   * EACCES. For 'accept', `addr` is the peer and `local` the listener's
   * address, whose port the rules' ports are matched against. For 'bind',
   * `addr.v6Only` tells whether an IPv6 wildcard leaves IPv4 alone.
   */
  check(op, addr, local = null) {
    if (this.everything) return 0;
    // An IPv6 wildcard without IPV6_V6ONLY binds every IPv4 address too
    // (Linux's dual stack): both must be allowed.
    if (op === 'bind' && addr.family === AF_INET6 && !addr.v6Only && isUnspecified6(addr.address)) {
      const v4 = this.check('bind', { family: AF_INET, address: '0.0.0.0', port: addr.port ?? 0 });
      if (v4) return v4;
    }
    const subject = judgedAddress(op, addr);
    const port = op === 'accept' && local ? local.port ?? 0 : subject.port;
    if (this.deny.some((r) => this._matches(r, op, subject, port))) return E.ACCES;
    if (!this.allow.some((r) => this._matches(r, op, subject, port))) return E.ACCES;
    if (this.hook !== null && !this._askHook(op, subject, local)) return E.ACCES;
    return 0;
  }

  /**
   * Whether 'accept' on `local` (the listener's address) admits every peer,
   * so that a connection whose peer is unknown (it reset before its name
   * could be read) needs no judging: an allow rule for any address on that
   * port, and no deny rule or hook for accept that could have refused it.
   */
  acceptsAnyPeer(local) {
    if (this.everything) return true;
    if (this.hook !== null || this.deny.some((r) => r.ops.has('accept'))) return false;
    if (!local || local.family === AF_UNIX) return false;
    const port = local.port ?? 0;
    return this.allow.some((r) => r.ops.has('accept') && r.anyAddress === true &&
      (r.ports === null || (port >= r.ports[0] && port <= r.ports[1])));
  }

  _askHook(op, subject, local) {
    try {
      const localView = local ? judgedAddress('bind', local) : undefined;
      return this.hook(op, { ...subject }, localView) === true;
    } catch {
      // The embedder's hook failing must not take the host down: deny.
      return false;
    }
  }

  _matches(rule, op, subject, port) {
    if (!rule.ops.has(op)) return false;
    if (subject.family === 'unix') {
      if (rule.kind !== 'unix') return false;
      return rule.path === null || underPath(subject.path, rule.path);
    }
    if (rule.kind === 'unix') return false;
    if (rule.ports !== null && (port < rule.ports[0] || port > rule.ports[1])) return false;
    const list = rule.kind === 'name' ? this._nameList(rule) : rule.list;
    return list.check(subject.address, subject.family);
  }

  // A name rule's addresses, resolved once, at first use.
  _nameList(rule) {
    if (rule.list === null) {
      rule.list = new net.BlockList();
      let found = [];
      try {
        found = this.resolveName(rule.name) ?? [];
      } catch {
        found = [];
      }
      for (const a of found) {
        const family = a.family === 6 || a.family === 'IPv6' ? 'ipv6' : 'ipv4';
        const judged = judgedAddress('bind', { family: family === 'ipv6' ? AF_INET6 : AF_INET, address: a.address });
        rule.list.addAddress(judged.address, judged.family);
      }
    }
    return rule.list;
  }
}

function underPath(guestPath, rulePath) {
  const p = path.posix.normalize(guestPath);
  if (rulePath === '/') return p.startsWith('/');
  return p === rulePath || p.startsWith(rulePath.endsWith('/') ? rulePath : rulePath + '/');
}

/** A policy from an option value; `fallback` when the option is absent. */
export function networkPolicy(spec, fallback, resolveName) {
  if (spec instanceof NetworkPolicy) return spec;
  return new NetworkPolicy(spec === undefined ? fallback : spec, resolveName);
}

/** The maxSockets option: an integer from 1 to 65536, else a RangeError. */
export function socketLimit(value, fallback) {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > 65536) {
    throw new RangeError(`maxSockets must be an integer from 1 to 65536, not ${String(value)}`);
  }
  return value;
}
