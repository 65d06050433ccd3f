// The nativesockets_v1 imports (wasm/ABI.md): what preview1 has no call for.
import os from 'node:os';
import {
  ADDR_SIZE, AF_UNSPEC, E, EAI, MAX_STRING, OPEN_NONBLOCK, RESOLVE_FLAG, RESOLVE_RECORD_SIZE,
} from '../abi.js';
import { decodeAddress, encodeAddress } from '../addresses.js';
import { errnoOf, guarded } from './guard.js';
import { handOverSocket } from './fd-table.js';
import { GuestInvalid } from '../memory.js';
import { posixImports } from './posix.js';
import { writeEntry } from './buffers.js';


export function extensionImports({ memory, fds, sockets, resolver, databases }) {
  const socketOf = (fd) => {
    const entry = fds.get(fd);
    if (entry === undefined) return { errno: E.BADF };
    if (entry.kind !== 'socket') return { errno: E.NOTSOCK };
    return { sock: entry.sock };
  };

  const readAddress = (ptr, len) => {
    if (len !== ADDR_SIZE) return null;
    return decodeAddress(memory.bytes(ptr, ADDR_SIZE).slice());
  };

  const writeAddress = (ptr, addr) => {
    encodeAddress(addr, memory.bytes(ptr, ADDR_SIZE));
  };

  const text = (ptr, len) => {
    if ((len >>> 0) > MAX_STRING) throw new GuestInvalid();
    return memory.string(ptr, len);
  };

  // A database key: a NUL inside would name something no C string can.
  const key = (ptr, len) => {
    const s = text(ptr, len);
    if (s.includes('\0')) throw new GuestInvalid();
    return s;
  };

  const socketCalls = {
    socket_open(family, type, protocol, flags, fdOut) {
      if (flags & ~OPEN_NONBLOCK) return E.INVAL;
      memory.view(fdOut, 4);
      const res = sockets.create(family, type, protocol, (flags & OPEN_NONBLOCK) !== 0);
      if (res.errno) return res.errno;
      return handOverSocket({ fds, sockets, memory }, res.sock, fdOut);
    },

    socket_bind(fd, addrPtr, addrLen) {
      const { errno, sock } = socketOf(fd);
      if (errno) return errno;
      const addr = readAddress(addrPtr, addrLen);
      return addr ? sockets.bind(sock, addr) : E.INVAL;
    },

    socket_connect(fd, addrPtr, addrLen) {
      const { errno, sock } = socketOf(fd);
      if (errno) return errno;
      const addr = readAddress(addrPtr, addrLen);
      return addr ? sockets.connect(sock, addr) : E.INVAL;
    },

    socket_listen(fd, backlog) {
      const { errno, sock } = socketOf(fd);
      if (errno) return errno;
      return sockets.listen(sock, backlog | 0);
    },

    socket_local_addr(fd, out) {
      const { errno, sock } = socketOf(fd);
      if (errno) return errno;
      writeAddress(out, sockets.localAddr(sock));
      return 0;
    },

    socket_peer_addr(fd, out) {
      const { errno, sock } = socketOf(fd);
      if (errno) return errno;
      memory.bytes(out, ADDR_SIZE);
      const peer = sockets.peerAddr(sock);
      if (peer === null) return E.NOTCONN;
      writeAddress(out, peer);
      return 0;
    },

    socket_get_option(fd, level, name, out) {
      const { errno, sock } = socketOf(fd);
      if (errno) return errno;
      memory.view(out, 4);
      const res = sockets.getOption(sock, level, name);
      if (res.errno) return res.errno;
      memory.setI32(out, res.value);
      return 0;
    },

    socket_set_option(fd, level, name, value) {
      const { errno, sock } = socketOf(fd);
      if (errno) return errno;
      return sockets.setOption(sock, level, name, value);
    },

    socket_send_to(fd, buf, len, _flags, addrPtr, sentOut) {
      const { errno, sock } = socketOf(fd);
      if (errno) return errno;
      const data = memory.bytes(buf, len);
      memory.view(sentOut, 4);
      const to = addrPtr === 0 ? null : decodeAddress(memory.bytes(addrPtr, ADDR_SIZE).slice());
      const res = sockets.send(sock, [data], to);
      if (res.errno) return res.errno;
      memory.setU32(sentOut, res.n);
      return 0;
    },

    socket_recv_from(fd, buf, len, flags, addrOut, receivedOut) {
      const { errno, sock } = socketOf(fd);
      if (errno) return errno;
      if (flags & ~3) return E.INVAL;
      const data = memory.bytes(buf, len);
      if (addrOut !== 0) memory.bytes(addrOut, ADDR_SIZE);
      memory.view(receivedOut, 4);
      const res = sockets.recv(sock, [data], (flags & 1) !== 0, (flags & 2) !== 0);
      if (res.errno) return res.errno;
      if (addrOut !== 0) {
        const from = res.from ?? sockets.peerAddr(sock) ?? { family: AF_UNSPEC, port: 0 };
        writeAddress(addrOut, from);
      }
      memory.setU32(receivedOut, res.n);
      return 0;
    },

    host_name(buf, len) {
      memory.check(buf, len);
      return memory.putCString(buf, len, os.hostname()) ? 0 : E.NAMETOOLONG;
    },

    service_by_name(name, nameLen, proto, protoLen, out, outLen) {
      const wanted = key(name, nameLen);
      const protocol = protoLen ? key(proto, protoLen) : null;
      memory.check(out, outLen);
      const entry = databases.serviceByName(wanted, protocol);
      if (!entry) return E.NOENT;
      return writeEntry(memory, out, outLen, entry.port, [entry.name, entry.proto, ...entry.aliases]);
    },

    service_by_port(port, proto, protoLen, out, outLen) {
      if (port < 0 || port > 65535) return E.INVAL;
      const protocol = protoLen ? key(proto, protoLen) : null;
      memory.check(out, outLen);
      const entry = databases.serviceByPort(port, protocol);
      if (!entry) return E.NOENT;
      return writeEntry(memory, out, outLen, entry.port, [entry.name, entry.proto, ...entry.aliases]);
    },

    protocol_by_name(name, nameLen, out, outLen) {
      const wanted = key(name, nameLen);
      memory.check(out, outLen);
      const entry = databases.protocolByName(wanted);
      if (!entry) return E.NOENT;
      return writeEntry(memory, out, outLen, entry.number, [entry.name, ...entry.aliases]);
    },
  };

  // Resolver calls answer a positive EAI code or a negative errno.
  const resolverCalls = {
    // Every region (the whole record table, the whole canonical-name
    // buffer) is checked before the lookup, so a bad one writes nothing.
    resolve(node, nodeLen, service, serviceLen, hintsPtr, out, outCount, countOut, canon, canonLen) {
      outCount >>>= 0;
      const hints = memory.view(hintsPtr, 16);
      memory.view(countOut, 4);
      memory.check(out, outCount * RESOLVE_RECORD_SIZE);
      const flags = hints.getInt32(0, true);
      if (flags & RESOLVE_FLAG.CANONNAME) memory.check(canon, canonLen);
      const res = resolver.resolve(nodeLen ? text(node, nodeLen) : null, serviceLen ? text(service, serviceLen) : null, {
        flags, family: hints.getInt32(4, true),
        type: hints.getInt32(8, true), protocol: hints.getInt32(12, true),
      });
      if (res.eai) return res.eai;
      const count = Math.min(outCount, res.results.length);
      const area = memory.bytes(out, count * RESOLVE_RECORD_SIZE);
      if (res.canon !== null && !memory.putCString(canon, canonLen >>> 0, res.canon)) return EAI.OVERFLOW;
      const view = new DataView(area.buffer, area.byteOffset, area.byteLength);
      const addrBytes = new Uint8Array(ADDR_SIZE);
      for (let i = 0; i < count; i++) {
        const r = res.results[i];
        view.setInt32(i * RESOLVE_RECORD_SIZE, r.type, true);
        view.setInt32(i * RESOLVE_RECORD_SIZE + 4, r.protocol, true);
        encodeAddress(r.addr, addrBytes);
        area.set(addrBytes, i * RESOLVE_RECORD_SIZE + 8);
      }
      memory.setU32(countOut, count);
      return 0;
    },

    name_info(addrPtr, flags, host, hostLen, serv, servLen) {
      const addr = decodeAddress(memory.bytes(addrPtr, ADDR_SIZE).slice());
      if (hostLen) memory.bytes(host, hostLen);
      if (servLen) memory.bytes(serv, servLen);
      const res = resolver.nameInfo(addr, flags);
      if (res.eai) return res.eai;
      if (hostLen && !memory.putCString(host, hostLen, res.host)) return EAI.OVERFLOW;
      if (servLen && !memory.putCString(serv, servLen, res.serv)) return EAI.OVERFLOW;
      return 0;
    },
  };

  return {
    ...guarded(socketCalls), ...guarded(resolverCalls, (err, name) => -errnoOf(err, name)),
    ...guarded(posixImports({ memory, fds, sockets, databases })),
  };
}
