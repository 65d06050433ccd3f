// The extension ABI's 136-byte address record (wasm/ABI.md) and its JS form:
// { family: 1|2|3, address, port, flowinfo, scopeId, path }.
import net from 'node:net';
import { ADDR, ADDR_PATH_SIZE, ADDR_SIZE, AF_INET, AF_INET6, AF_UNIX } from './abi.js';

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function ipv4Text(bytes) {
  return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
}

function ipv6Text(bytes) {
  const groups = [];
  for (let i = 0; i < 16; i += 2) groups.push(((bytes[i] << 8) | bytes[i + 1]).toString(16));
  // net.SocketAddress would do, but this is hot enough to stay allocation-light.
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== '0') { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen && j - i > 1) { best = i; bestLen = j - i; }
    i = j;
  }
  if (best < 0) return groups.join(':');
  return groups.slice(0, best).join(':') + '::' + groups.slice(best + bestLen).join(':');
}

function ipv4Bytes(text, out) {
  const parts = text.split('.');
  for (let i = 0; i < 4; i++) out[i] = Number(parts[i]);
}

function ipv6Bytes(text, out) {
  let head = text, tail = '';
  const split = text.indexOf('::');
  if (split >= 0) { head = text.slice(0, split); tail = text.slice(split + 2); }
  const words = (s) => (s === '' ? [] : s.split(':'));
  let headWords = words(head), tailWords = words(tail);
  const expand = (list) => {
    const last = list[list.length - 1];
    if (last !== undefined && last.includes('.')) {
      const v4 = new Uint8Array(4);
      ipv4Bytes(last, v4);
      list.splice(list.length - 1, 1, ((v4[0] << 8) | v4[1]).toString(16), ((v4[2] << 8) | v4[3]).toString(16));
    }
    return list;
  };
  tailWords = expand(tailWords);
  if (split < 0) headWords = expand(headWords);
  const all = [...headWords, ...new Array(8 - headWords.length - tailWords.length).fill('0'), ...tailWords];
  for (let i = 0; i < 8; i++) {
    const v = parseInt(all[i], 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  }
}

/** Decodes a record from `bytes` (a Uint8Array of at least 136 bytes). */
export function decodeAddress(bytes) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, ADDR_SIZE);
  const family = view.getUint16(ADDR.FAMILY, true);
  const port = view.getUint16(ADDR.PORT, true);
  if (family === AF_INET) {
    return { family, address: ipv4Text(bytes.subarray(ADDR.ADDRESS, ADDR.ADDRESS + 4)), port };
  }
  if (family === AF_INET6) {
    return {
      family, address: ipv6Text(bytes.subarray(ADDR.ADDRESS, ADDR.ADDRESS + 16)), port,
      flowinfo: view.getUint32(ADDR.FLOWINFO, true), scopeId: view.getUint32(ADDR.SCOPE_ID, true),
    };
  }
  if (family === AF_UNIX) {
    const raw = bytes.subarray(ADDR.PATH, ADDR.PATH + ADDR_PATH_SIZE);
    let end = raw.indexOf(0);
    if (end < 0) end = ADDR_PATH_SIZE;
    return { family, path: decoder.decode(raw.slice(0, end)), port: 0 };
  }
  return { family, port };
}

/** Encodes `addr` into `bytes` (136 bytes, zeroed first). */
export function encodeAddress(addr, bytes) {
  bytes.fill(0, 0, ADDR_SIZE);
  const view = new DataView(bytes.buffer, bytes.byteOffset, ADDR_SIZE);
  view.setUint16(ADDR.FAMILY, addr.family, true);
  view.setUint16(ADDR.PORT, addr.port || 0, true);
  if (addr.family === AF_INET) ipv4Bytes(addr.address, bytes.subarray(ADDR.ADDRESS, ADDR.ADDRESS + 4));
  else if (addr.family === AF_INET6) {
    ipv6Bytes(addr.address, bytes.subarray(ADDR.ADDRESS, ADDR.ADDRESS + 16));
    view.setUint32(ADDR.FLOWINFO, addr.flowinfo || 0, true);
    view.setUint32(ADDR.SCOPE_ID, addr.scopeId || 0, true);
  } else if (addr.family === AF_UNIX && addr.path) {
    const encoded = encoder.encode(addr.path).subarray(0, ADDR_PATH_SIZE - 1);
    bytes.set(encoded, ADDR.PATH);
  }
}

/** The JS form of an address Node reports (family 'IPv4'/'IPv6'/4/6). */
export function fromNode(address, port, family) {
  if (family === 'IPv6' || family === 6 || (family === undefined && net.isIPv6(address))) {
    const zone = address.indexOf('%');
    return { family: AF_INET6, address: zone >= 0 ? address.slice(0, zone) : address, port: port || 0 };
  }
  return { family: AF_INET, address: address || '0.0.0.0', port: port || 0 };
}

export function anyAddress(family) {
  return family === AF_INET6
    ? { family, address: '::', port: 0 }
    : { family: AF_INET, address: '0.0.0.0', port: 0 };
}

/** Whether `addr` is a usable IP address of its family. */
export function isValidIp(addr) {
  if (addr.family === AF_INET) return net.isIPv4(addr.address);
  if (addr.family === AF_INET6) return net.isIPv6(addr.address);
  return false;
}

/** Text form with the zone, as Node's APIs want it. */
export function nodeHost(addr) {
  if (addr.family === AF_INET6 && addr.scopeId) return `${addr.address}%${addr.scopeId}`;
  return addr.address;
}
