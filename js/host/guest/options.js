// Socket options on the guest's side (wasm/ABI.md, "option level" and the
// option tables): what each (level, name) is called in a socket's option
// record, which values Linux accepts and what it answers back, and which
// ones the worker must hear about to apply them to Node's socket.
import {
  AF_INET, AF_INET6, AF_UNIX, E, IPV4, IPV6, LEVEL, SO, SOCK_STREAM, TCP,
} from '../abi.js';
import { F_LISTENING } from '../layout.js';


const flag = (v) => (v ? 1 : 0);
// An int within [lo, hi], else EINVAL; `-1` may stand for Linux's default.
const ranged = (lo, hi, byDefault) => (v) => {
  if (byDefault !== undefined && v === -1) return byDefault;
  return v >= lo && v <= hi ? v : null;
};
// Linux doubles a buffer size for its bookkeeping and reports that.
const bufferSize = (v) => (v <= 0 ? null : Math.min(v, 0x3fffffff) * 2);

// level → name → { key, accepts(value) → stored value or null (EINVAL),
// fits(sock) → whether the socket has this option }.
const ip = (sock) => sock.family !== AF_UNIX;
const tcp = (sock) => sock.type === SOCK_STREAM && sock.family !== AF_UNIX;
const ipv6 = (sock) => sock.family === AF_INET6;
const any = () => true;

const TABLE = {
  [LEVEL.SOCKET]: {
    [SO.REUSEADDR]: { key: 'reuseAddr', accepts: flag, fits: any },
    [SO.DONTROUTE]: { key: 'dontRoute', accepts: flag, fits: any },
    [SO.BROADCAST]: { key: 'broadcast', accepts: flag, fits: any },
    [SO.SNDBUF]: { key: 'sndBuf', accepts: bufferSize, fits: any },
    [SO.RCVBUF]: { key: 'rcvBuf', accepts: bufferSize, fits: any },
    [SO.KEEPALIVE]: { key: 'keepAlive', accepts: flag, fits: any },
    [SO.OOBINLINE]: { key: 'oobInline', accepts: flag, fits: any },
    [SO.REUSEPORT]: { key: 'reusePort', accepts: flag, fits: any },
    [SO.DEBUG]: { key: 'debug', accepts: flag, fits: any },
    [SO.LINGER]: { key: 'linger', accepts: (v) => v, fits: any }, // packed: see lingerOf
    [SO.RCVTIMEO]: { key: 'rcvTimeo', accepts: ranged(0, 0x7fffffff), fits: any },
    [SO.SNDTIMEO]: { key: 'sndTimeo', accepts: ranged(0, 0x7fffffff), fits: any },
  },
  [LEVEL.TCP]: {
    [TCP.NODELAY]: { key: 'noDelay', accepts: flag, fits: tcp },
    [TCP.KEEPIDLE]: { key: 'keepIdle', accepts: ranged(1, 32767), fits: tcp },
    [TCP.KEEPINTVL]: { key: 'keepIntvl', accepts: ranged(1, 32767), fits: tcp },
    [TCP.KEEPCNT]: { key: 'keepCnt', accepts: ranged(1, 127), fits: tcp },
    [TCP.FASTOPEN]: { key: 'fastOpen', accepts: ranged(0, 0x7fffffff), fits: tcp },
  },
  [LEVEL.IPV6]: {
    [IPV6.V6ONLY]: { key: 'v6Only', accepts: flag, fits: ipv6 },
    [IPV6.UNICAST_HOPS]: { key: 'unicastHops', accepts: ranged(0, 255, 64), fits: ipv6 },
    [IPV6.MULTICAST_HOPS]: { key: 'multicastHops', accepts: ranged(0, 255, 1), fits: ipv6 },
    [IPV6.MULTICAST_LOOP]: { key: 'multicastLoop6', accepts: ranged(0, 1), fits: ipv6 },
    [IPV6.MULTICAST_IF]: { key: 'multicastIf6', accepts: ranged(0, 0x7fffffff), fits: ipv6 },
  },
  [LEVEL.IPV4]: {
    [IPV4.TTL]: { key: 'ttl', accepts: ranged(1, 255, 64), fits: ip },
    [IPV4.MULTICAST_TTL]: { key: 'multicastTtl', accepts: ranged(0, 255, 1), fits: ip },
    [IPV4.MULTICAST_LOOP]: { key: 'multicastLoop', accepts: flag, fits: ip },
    [IPV4.MULTICAST_IF]: { key: 'multicastIf', accepts: (v) => v, fits: ip },
  },
};

// Options the worker applies to Node's socket (or, for linger, reads when
// the socket closes).
const APPLIED = new Set([
  'reuseAddr', 'broadcast', 'sndBuf', 'rcvBuf', 'keepAlive', 'noDelay', 'v6Only',
  'keepIdle', 'linger', 'ttl', 'multicastTtl', 'multicastLoop', 'multicastIf',
  'unicastHops', 'multicastHops', 'multicastLoop6', 'multicastIf6',
]);

// Options an accepted socket takes from its listener, as Linux's do.
const INHERITED = ['reuseAddr', 'keepAlive', 'noDelay', 'linger', 'sndBuf', 'rcvBuf',
  'keepIdle', 'keepIntvl', 'keepCnt', 'dontRoute', 'oobInline', 'ttl', 'unicastHops'];

// Linux's default buffer sizes: TCP's (net.ipv4.tcp_wmem/tcp_rmem) and
// the rest's (net.core.wmem_default/rmem_default).
const STREAM_BUFFERS = { sndBuf: 16384, rcvBuf: 131072 };
const DATAGRAM_BUFFERS = { sndBuf: 212992, rcvBuf: 212992 };

/** A new socket's option record: Linux's defaults. */
// One literal, no spread: every socket() makes one, and a spread of ~30
// keys cost ~20 µs a call (a third of a connection's guest-side time).
export function defaultOptions(type = SOCK_STREAM) {
  const buffers = type === SOCK_STREAM ? STREAM_BUFFERS : DATAGRAM_BUFFERS;
  return {
    sndBuf: buffers.sndBuf, rcvBuf: buffers.rcvBuf,
    reuseAddr: 0, dontRoute: 0, broadcast: 0,
    keepAlive: 0, oobInline: 0, reusePort: 0, debug: 0, noDelay: 0, v6Only: 0,
    linger: { on: false, secs: 0 }, rcvTimeo: 0, sndTimeo: 0, keepIdle: 7200, keepIntvl: 75, keepCnt: 9, fastOpen: 0,
    ttl: 64, multicastTtl: 1, multicastLoop: 1, multicastIf: 0,
    unicastHops: 64, multicastHops: 1, multicastLoop6: 1, multicastIf6: 0,
  };
}

/** SO_LINGER's packed ABI value (bit 0 on, seconds above) as { on, secs }. */
export function lingerOf(packed) {
  return { on: (packed & 1) !== 0, secs: packed >>> 1 };
}

function packLinger(linger) {
  return ((linger.secs << 1) | (linger.on ? 1 : 0)) | 0;
}

/** { errno, value } for getsockopt. */
export function getOption(sock, level, name) {
  if (level === LEVEL.SOCKET) {
    if (name === SO.TYPE) return { errno: 0, value: sock.type };
    if (name === SO.ERROR) return { errno: 0, value: sock.takeError() };
    if (name === SO.ACCEPTCONN) return { errno: 0, value: (sock.flags() & F_LISTENING) ? 1 : 0 };
  }
  const option = TABLE[level]?.[name];
  // Linux reads a level the socket has not (TCP on UDP, IPv6 on IPv4) as
  // EOPNOTSUPP, though it sets it as ENOPROTOOPT.
  if (option && !option.fits(sock)) return { errno: level === LEVEL.SOCKET ? E.NOPROTOOPT : E.NOTSUP };
  if (!option) return { errno: E.NOPROTOOPT };
  const value = sock.options[option.key];
  return { errno: 0, value: option.key === 'linger' ? packLinger(value) : value };
}

// What the worker is told: the record's value, or a form Node takes.
function forWorker(key, value, lookupName) {
  if (key === 'linger') return { ...value };
  if (key === 'multicastIf') {
    const b = new Uint8Array(new Int32Array([value]).buffer);
    return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  }
  if (key === 'multicastIf6') {
    const name = value ? lookupName(value) : null;
    return name ? `::%${name}` : '::';
  }
  return value;
}

/**
 * setsockopt: 0 or an errno. `post(name, value)` tells the worker;
 * `lookupName(index)` names an interface.
 */
export function setOption(sock, level, name, value, post, lookupName) {
  const option = TABLE[level]?.[name];
  if (!option || !option.fits(sock)) return E.NOPROTOOPT;
  const stored = option.accepts(value);
  if (stored === null) return E.INVAL;
  if (option.key === 'linger') {
    // { on, secs }, which the close path reads. Linux keeps the time when
    // lingering is turned off.
    const asked = lingerOf(value);
    sock.options.linger = asked.on ? asked : { on: false, secs: sock.options.linger.secs };
  } else sock.options[option.key] = stored;
  if (APPLIED.has(option.key)) post(option.key, forWorker(option.key, sock.options[option.key], lookupName));
  return 0;
}

/** Gives an accepted socket its listener's options; returns the ones to apply. */
export function inheritOptions(listener, sock) {
  const applied = [];
  const defaults = defaultOptions();
  for (const key of INHERITED) {
    const value = listener.options[key];
    sock.options[key] = key === 'linger' ? { ...value } : value;
    const unchanged = key === 'linger'
      ? value.on === defaults.linger.on && value.secs === defaults.linger.secs
      : value === defaults[key];
    // Only what differs from a new socket's: most accepts post nothing.
    if (APPLIED.has(key) && key !== 'reuseAddr' && !unchanged) {
      applied.push([key, forWorker(key, sock.options[key])]);
    }
  }
  return applied;
}

/** The families a multicast group must match the socket's in. */
export function membershipFits(sock, group) {
  if (sock.family === AF_INET) return group.family === AF_INET;
  if (sock.family === AF_INET6) return group.family === AF_INET6 || group.family === AF_INET;
  return false;
}
