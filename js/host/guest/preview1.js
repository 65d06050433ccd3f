// The wasi_snapshot_preview1 imports: node:wasi for files, stdio, clocks and
// the rest; this module for socket descriptors, for the descriptor table
// both share, and for poll_oneoff over both.
import {
  E, FDFLAGS_NONBLOCK, FILETYPE_SOCKET_DGRAM, FILETYPE_SOCKET_STREAM, RIFLAGS_PEEK, RIFLAGS_WAITALL,
  ROFLAGS_DATA_TRUNCATED, SOCK_STREAM,
} from '../abi.js';
import { guarded } from './guard.js';
import { pollOneoff } from './poll.js';
import { handOverSocket } from './fd-table.js';
import { IOV_MAX } from '../memory.js';

const ALL_RIGHTS = 0x1fffffffn;

// node:wasi calls whose descriptors sit at these argument positions.
const FD_ARGUMENTS = {
  fd_advise: [0], fd_allocate: [0], fd_datasync: [0], fd_fdstat_set_rights: [0],
  fd_filestat_get: [0], fd_filestat_set_size: [0], fd_filestat_set_times: [0],
  fd_pread: [0], fd_prestat_get: [0], fd_prestat_dir_name: [0], fd_pwrite: [0],
  fd_readdir: [0], fd_seek: [0], fd_sync: [0], fd_tell: [0],
  path_create_directory: [0], path_filestat_get: [0], path_filestat_set_times: [0],
  path_open: [0], path_readlink: [0], path_remove_directory: [0], path_unlink_file: [0],
  path_link: [0, 4], path_rename: [0, 3], path_symlink: [2],
};

// node:wasi calls that take a scatter/gather list, and its count's position.
// node:wasi would allocate for any count (2^29 iovecs is gigabytes), so
// counts over IOV_MAX are EINVAL here, as readv() answers on Linux.
const IOVEC_COUNT_ARGUMENT = { fd_read: 2, fd_write: 2, fd_pread: 2, fd_pwrite: 2 };

function tooManyIovecs(name, args) {
  const at = IOVEC_COUNT_ARGUMENT[name];
  return at !== undefined && (args[at] >>> 0) > IOV_MAX;
}

// What a file-only call answers when given a socket.
function socketAnswer(name) {
  if (name === 'fd_seek' || name === 'fd_tell' || name === 'fd_pread' || name === 'fd_pwrite') return E.SPIPE;
  if (name.startsWith('path_')) return E.NOTDIR;
  if (name === 'fd_prestat_get' || name === 'fd_prestat_dir_name') return E.BADF;
  return E.INVAL;
}

export function preview1Imports({ wasi, memory, fds, sockets }) {
  const forwarded = {};
  for (const [name, fn] of Object.entries(wasi)) {
    const positions = FD_ARGUMENTS[name];
    if (!positions) {
      forwarded[name] = fn;
      continue;
    }
    forwarded[name] = (...args) => {
      if (tooManyIovecs(name, args)) return E.INVAL;
      for (const at of positions) {
        const entry = fds.get(args[at]);
        if (entry === undefined) return E.BADF;
        if (entry.kind === 'socket') {
          if (name === 'fd_filestat_get') return socketFilestat(memory, entry.sock, args[1]);
          return socketAnswer(name);
        }
        args[at] = entry.real;
      }
      if (name === 'path_open') return pathOpen(fn, args, memory, fds, wasi);
      return fn(...args);
    };
  }

  const socketOf = (fd) => {
    const entry = fds.get(fd);
    return entry && entry.kind === 'socket' ? entry.sock : null;
  };

  const own = {
    fd_read(fd, iovs, count, nreadOut) {
      const entry = fds.get(fd);
      if (entry === undefined) return E.BADF;
      if (entry.kind !== 'socket') {
        if ((count >>> 0) > IOV_MAX) return E.INVAL;
        return wasi.fd_read(entry.real, iovs, count, nreadOut);
      }
      const dsts = memory.iovecs(iovs, count).map((v) => memory.bytes(v.ptr, v.len));
      memory.view(nreadOut, 4);
      const res = sockets.recv(entry.sock, dsts, false, false);
      if (res.errno) return res.errno;
      memory.setU32(nreadOut, res.n);
      return 0;
    },

    fd_write(fd, iovs, count, nwrittenOut) {
      const entry = fds.get(fd);
      if (entry === undefined) return E.BADF;
      if (entry.kind !== 'socket') {
        if ((count >>> 0) > IOV_MAX) return E.INVAL;
        return wasi.fd_write(entry.real, iovs, count, nwrittenOut);
      }
      const srcs = memory.iovecs(iovs, count).map((v) => memory.bytes(v.ptr, v.len));
      memory.view(nwrittenOut, 4);
      const res = sockets.send(entry.sock, srcs, null);
      if (res.errno) return res.errno;
      memory.setU32(nwrittenOut, res.n);
      return 0;
    },

    fd_close(fd) {
      const entry = fds.get(fd);
      if (entry === undefined) return E.BADF;
      fds.remove(fd);
      if (entry.kind === 'socket') return sockets.close(entry.sock);
      // node:wasi's 0-2 are the embedder's stdio (by default its own
      // process's), often one descriptor for all three. Closing it would
      // free the number for the next socket or file the process opens, and
      // the guest's other stdio, or the host's console, would then write
      // into that. The guest loses its descriptor; the host keeps its own.
      if (entry.kind === 'wasi' && entry.real <= 2) return 0;
      return wasi.fd_close(entry.real);
    },

    fd_fdstat_get(fd, out) {
      const entry = fds.get(fd);
      if (entry === undefined) return E.BADF;
      if (entry.kind !== 'socket') return wasi.fd_fdstat_get(entry.real, out);
      const view = memory.view(out, 24);
      view.setUint8(0, entry.sock.type === SOCK_STREAM ? FILETYPE_SOCKET_STREAM : FILETYPE_SOCKET_DGRAM);
      view.setUint16(2, entry.sock.nonblock ? FDFLAGS_NONBLOCK : 0, true);
      view.setBigUint64(8, ALL_RIGHTS, true);
      view.setBigUint64(16, ALL_RIGHTS, true);
      return 0;
    },

    fd_fdstat_set_flags(fd, flags) {
      const entry = fds.get(fd);
      if (entry === undefined) return E.BADF;
      if (entry.kind !== 'socket') return wasi.fd_fdstat_set_flags(entry.real, flags);
      entry.sock.nonblock = (flags & FDFLAGS_NONBLOCK) !== 0;
      return 0;
    },

    fd_renumber(from, to) {
      const entry = fds.get(from);
      if (entry === undefined || to < 0 || to >= 65536) return E.BADF;
      if (from === to) return 0;
      const displaced = fds.get(to);
      if (displaced !== undefined) own.fd_close(to);
      fds.remove(from);
      fds.set(to, entry);
      return 0;
    },

    sock_accept(fd, flags, fdOut) {
      const sock = socketOf(fd);
      if (sock === null) return fds.get(fd) ? E.NOTSOCK : E.BADF;
      if (flags & ~FDFLAGS_NONBLOCK) return E.INVAL;
      memory.view(fdOut, 4);
      const res = sockets.accept(sock, (flags & FDFLAGS_NONBLOCK) !== 0);
      if (res.errno) return res.errno;
      return handOverSocket({ fds, sockets, memory }, res.sock, fdOut);
    },

    sock_recv(fd, iovs, count, riFlags, lenOut, roFlagsOut) {
      const sock = socketOf(fd);
      if (sock === null) return fds.get(fd) ? E.NOTSOCK : E.BADF;
      if (riFlags & ~(RIFLAGS_PEEK | RIFLAGS_WAITALL)) return E.INVAL;
      const dsts = memory.iovecs(iovs, count).map((v) => memory.bytes(v.ptr, v.len));
      memory.view(lenOut, 4);
      memory.view(roFlagsOut, 2);
      const res = sockets.recv(sock, dsts, (riFlags & RIFLAGS_PEEK) !== 0, (riFlags & RIFLAGS_WAITALL) !== 0);
      if (res.errno) return res.errno;
      memory.setU32(lenOut, res.n);
      memory.setU16(roFlagsOut, res.truncated ? ROFLAGS_DATA_TRUNCATED : 0);
      return 0;
    },

    sock_send(fd, iovs, count, _siFlags, lenOut) {
      const sock = socketOf(fd);
      if (sock === null) return fds.get(fd) ? E.NOTSOCK : E.BADF;
      const srcs = memory.iovecs(iovs, count).map((v) => memory.bytes(v.ptr, v.len));
      memory.view(lenOut, 4);
      const res = sockets.send(sock, srcs, null);
      if (res.errno) return res.errno;
      memory.setU32(lenOut, res.n);
      return 0;
    },

    sock_shutdown(fd, how) {
      const sock = socketOf(fd);
      if (sock === null) return fds.get(fd) ? E.NOTSOCK : E.BADF;
      return sockets.shutdown(sock, how);
    },

    poll_oneoff(inPtr, outPtr, count, neventsOut) {
      return pollOneoff({ memory, fds, sockets }, inPtr, outPtr, count, neventsOut);
    },
  };

  const imports = guarded({ ...forwarded, ...own });
  // proc_exit unwinds the guest on purpose (node:wasi's way out of start()).
  imports.proc_exit = wasi.proc_exit;
  return imports;
}

function socketFilestat(memory, sock, out) {
  const view = memory.view(out, 64);
  for (let i = 0; i < 64; i += 8) view.setBigUint64(i, 0n, true);
  view.setUint8(16, sock.type === 1 ? FILETYPE_SOCKET_STREAM : FILETYPE_SOCKET_DGRAM);
  view.setBigUint64(24, 1n, true);
  return 0;
}

// path_open hands back node:wasi's number; the guest gets one of ours.
function pathOpen(fn, args, memory, fds, wasi) {
  const resultPtr = args[8];
  memory.view(resultPtr, 4);
  const errno = fn(...args);
  if (errno !== 0) return errno;
  const real = memory.u32(resultPtr);
  const fd = fds.add({ kind: 'wasi', real });
  if (fd < 0) {
    wasi.fd_close(real);
    return E.MFILE;
  }
  memory.setU32(resultPtr, fd);
  return 0;
}
