// nativesockets_v1 imports for the POSIX surface of the WASI add-on
// (wasm/ABI.md): the host's network interfaces, protocols by number, and
// multicast group membership. Kept apart from extension.js, which spreads
// them into the module's imports.
import fs from 'node:fs';
import os from 'node:os';
import { ADDR_SIZE, AF_INET, AF_INET6, E, IFACE, IFACE_NAME_SIZE, IFACE_SIZE, IFF } from '../abi.js';
import { decodeAddress, encodeAddress } from '../addresses.js';
import { writeEntry } from './buffers.js';

// The flag bits the ABI passes on from the kernel.
const IFF_REPORTED = 0xffff;

function sysfs(name, file) {
  try {
    return fs.readFileSync(`/sys/class/net/${name}/${file}`, 'utf8').trim();
  } catch {
    return null;
  }
}

// The kernel's flags where the host has /sys (Linux), else what Node tells.
function flagsOf(name, internal) {
  const raw = sysfs(name, 'flags');
  if (raw !== null && /^0x[0-9a-f]+$/i.test(raw)) {
    const state = sysfs(name, 'operstate');
    const running = state === 'up' || state === 'unknown';
    return (parseInt(raw, 16) & IFF_REPORTED) | (running ? IFF.RUNNING : 0);
  }
  return internal ? IFF.UP | IFF.LOOPBACK | IFF.RUNNING : IFF.UP | IFF.BROADCAST | IFF.RUNNING | IFF.MULTICAST;
}

/**
 * The host's interface addresses: [{ name, index, flags, address, netmask }]
 * with addresses in the JS form of addresses.js. Indexes are the kernel's
 * where /sys has them, else the position in Node's list.
 */
export function hostInterfaces() {
  const list = [];
  let position = 0;
  for (const [name, addrs] of Object.entries(os.networkInterfaces())) {
    position++;
    const fromSys = Number(sysfs(name, 'ifindex'));
    const index = Number.isInteger(fromSys) && fromSys > 0 ? fromSys : position;
    for (const a of addrs ?? []) {
      const family = a.family === 'IPv6' || a.family === 6 ? AF_INET6 : AF_INET;
      list.push({
        name, index, flags: flagsOf(name, a.internal),
        address: { family, address: a.address, port: 0, scopeId: a.scopeid ?? 0 },
        netmask: { family, address: a.netmask, port: 0 },
      });
    }
  }
  return list;
}

/** The interface name of a kernel index, or null. */
export function interfaceName(index) {
  const found = hostInterfaces().find((it) => it.index === index);
  return found ? found.name : null;
}

export function posixImports({ memory, fds, sockets, databases }) {
  const socketOf = (fd) => {
    const entry = fds.get(fd);
    if (entry === undefined) return { errno: E.BADF };
    if (entry.kind !== 'socket') return { errno: E.NOTSOCK };
    return { sock: entry.sock };
  };

  const writeInterface = (bytes, at, it) => {
    const name = new TextEncoder().encode(it.name).subarray(0, IFACE_NAME_SIZE - 1);
    bytes.fill(0, at, at + IFACE_SIZE);
    bytes.set(name, at + IFACE.NAME);
    const view = new DataView(bytes.buffer, bytes.byteOffset + at, IFACE_SIZE);
    view.setUint32(IFACE.INDEX, it.index, true);
    view.setUint32(IFACE.FLAGS, it.flags, true);
    encodeAddress(it.address, bytes.subarray(at + IFACE.ADDRESS));
    encodeAddress(it.netmask, bytes.subarray(at + IFACE.NETMASK));
  };

  return {
    // Writes as many records as fit and the number there are: a guest
    // whose buffer was too small asks again with more room.
    interfaces(out, outLen, countOut) {
      memory.view(countOut, 4);
      const list = hostInterfaces();
      const fit = Math.min(list.length, Math.floor((outLen >>> 0) / IFACE_SIZE));
      const area = memory.bytes(out, fit * IFACE_SIZE);
      const staged = new Uint8Array(fit * IFACE_SIZE);
      list.slice(0, fit).forEach((it, i) => writeInterface(staged, i * IFACE_SIZE, it));
      area.set(staged);
      memory.setU32(countOut, list.length);
      return 0;
    },

    // The region is judged before the lookup, as protocol_by_name does: a
    // bad one is EFAULT whether or not the number is known.
    protocol_by_number(number, out, outLen) {
      memory.check(out, outLen);
      const entry = databases.protocols.find((p) => p.number === number);
      if (!entry) return E.NOENT;
      return writeEntry(memory, out, outLen, entry.number, [entry.name, ...entry.aliases]);
    },

    socket_membership(fd, join, groupPtr, groupLen, iface) {
      const { errno, sock } = socketOf(fd);
      if (errno) return errno;
      if (groupLen !== ADDR_SIZE) return E.INVAL;
      const group = decodeAddress(memory.bytes(groupPtr, ADDR_SIZE).slice());
      return sockets.membership(sock, join !== 0, group, iface >>> 0);
    },
  };
}
