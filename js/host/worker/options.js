// Socket options on the worker: applying what the guest set to Node's
// sockets. Node's dgram has setters for TTLs, multicast and broadcast but
// only once the socket is bound; net has keep-alive (with the idle time)
// and no-delay. What Node has no call for stays recorded in the guest's
// option record for getsockopt (wasm/ABI.md says which).
import { AF_INET, AF_INET6, E } from '../abi.js';
import { errnoFromNode } from '../errno.js';
import { nodeHost } from '../addresses.js';
import { interfaceName } from '../guest/posix.js';

// Option → how to apply it to a bound dgram socket.
const DATAGRAM_SETTERS = {
  broadcast: (s, v) => s.setBroadcast(!!v),
  rcvBuf: (s, v) => v && s.setRecvBufferSize(v),
  sndBuf: (s, v) => v && s.setSendBufferSize(v),
  ttl: (s, v) => s.setTTL(v),
  unicastHops: (s, v) => s.setTTL(v),
  multicastTtl: (s, v) => s.setMulticastTTL(v),
  multicastHops: (s, v) => s.setMulticastTTL(v),
  multicastLoop: (s, v) => s.setMulticastLoopback(!!v),
  multicastLoop6: (s, v) => s.setMulticastLoopback(!!v),
  multicastIf: (s, v) => s.setMulticastInterface(v),
  multicastIf6: (s, v) => s.setMulticastInterface(v),
};

/**
 * Applies the recorded `options` to a bound dgram socket. Best effort: a
 * value Node refuses stays recorded for getsockopt.
 */
export function applyDatagramOptions(sock, options) {
  for (const [key, setter] of Object.entries(DATAGRAM_SETTERS)) {
    if (!(key in options)) continue;
    try {
      setter(sock, options[key]);
    } catch {
      // recorded only
    }
  }
}

/** setKeepAlive with the idle time (TCP_KEEPIDLE) when one was set. */
export function applyKeepAlive(sock, options) {
  if (!options.keepAlive) {
    sock.setKeepAlive(false);
    return;
  }
  sock.setKeepAlive(true, (options.keepIdle ?? 7200) * 1000);
}

// Node's multicast interface argument: an IPv4 address, or for IPv6
// '::%name' (libuv looks the name up).
function membershipInterface(family, group, iface) {
  if (group.family === AF_INET) {
    if (!iface) return undefined;
    const b = new Uint8Array(new Int32Array([iface]).buffer);
    return `${b[0]}.${b[1]}.${b[2]}.${b[3]}`;
  }
  const name = iface ? interfaceName(iface) : null;
  return name ? `::%${name}` : undefined;
}

/**
 * Joins or leaves a multicast group on a bound dgram socket; the errno
 * Linux gives: EINVAL for an address that is not a multicast group,
 * EADDRNOTAVAIL for leaving a group never joined.
 */
export function changeMembership(sock, family, join, group, iface) {
  const address = group.family === AF_INET && family === AF_INET6
    ? `::ffff:${group.address}` : nodeHost(group);
  if (!isMulticast(group)) return E.INVAL;
  try {
    const via = membershipInterface(family, group, iface);
    if (join) sock.addMembership(address, via);
    else sock.dropMembership(address, via);
    return 0;
  } catch (err) {
    return errnoFromNode(err);
  }
}

function isMulticast(group) {
  if (group.family === AF_INET) {
    const first = Number(group.address.split('.')[0]);
    return first >= 224 && first <= 239;
  }
  return group.family === AF_INET6 && /^ff/i.test(group.address);
}

