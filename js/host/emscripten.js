// The host for C programs built with Emscripten and linked with
// emscripten/library_nativesockets.js. It is the wasm32-wasi host, not a copy:
// one SocketHost (worker, socket layer, resolver, databases) and its
// wasi_snapshot_preview1 and nativesockets_v1 imports, the same functions the
// WASI add-on calls. One thing differs: descriptors belong to Emscripten's
// FS. Each socket is a stream in FS.streams, so files and sockets share one
// numbering, lowest free first, and never one number.
import { EXTENSION_MODULE, SocketHost } from './index.js';
import { E, FDFLAGS_NONBLOCK, LEVEL, SO } from './abi.js';

// Emscripten's libc is musl: Linux's numbers.
const O_RDWR = 2;
const O_NONBLOCK = 0o4000;
const F_DUPFD = 0, F_GETFD = 1, F_SETFD = 2, F_GETFL = 3, F_SETFL = 4;
const F_DUPFD_CLOEXEC = 1030;
const FIONREAD = 0x541b;
const FIONBIO = 0x5421;
const S_IFSOCK = 0o140000;

// Emscripten's errno values are WASI's but for one the host answers:
// ENOTSUP (= EOPNOTSUPP) is 138 there, not 58.
const EMSCRIPTEN_ENOTSUP = 138;

function errnoForEmscripten(errno) {
  return errno === E.NOTSUP ? EMSCRIPTEN_ENOTSUP : errno;
}

// The same calls, answering in Emscripten's errno numbers: a socket call's
// result is an errno; a resolver call's a positive EAI code or a negative errno.
function inEmscriptenNumbers(imports, memory) {
  const out = {};
  for (const [name, fn] of Object.entries(imports)) {
    if (name === 'resolve' || name === 'name_info') {
      out[name] = (...args) => {
        const rc = fn(...args);
        return rc < 0 ? -errnoForEmscripten(-rc) : rc;
      };
    } else {
      out[name] = (...args) => errnoForEmscripten(fn(...args));
    }
  }
  // SO_ERROR hands over a pending errno as a value.
  const getOption = out.socket_get_option;
  if (getOption) {
    out.socket_get_option = (fd, level, name, valueOut) => {
      const rc = getOption(fd, level, name, valueOut);
      if (rc === 0 && level === LEVEL.SOCKET && name === SO.ERROR) {
        memory.setI32(valueOut, errnoForEmscripten(memory.view(valueOut, 4).getInt32(0, true)));
      }
      return rc;
    };
  }
  return out;
}

// A socket's stream operations, for Emscripten's FS code that reaches a
// socket on its own (read/write/close calls are taken over before it does):
// reads and writes go to the socket; seeks and positioned reads and writes
// FS refuses itself with ESPIPE, the stream being unseekable.
function socketStreamOps(FS, sockets) {
  const bytes = (buffer, offset, length) => new Uint8Array(buffer.buffer, buffer.byteOffset + offset, length);
  const answer = (res) => {
    if (res.errno) throw new FS.ErrnoError(errnoForEmscripten(res.errno));
    return res.n;
  };
  return {
    read: (stream, buffer, offset, length) =>
      answer(sockets.recv(stream.nativesocket.sock, [bytes(buffer, offset, length)], false, false)),
    write: (stream, buffer, offset, length) =>
      answer(sockets.send(stream.nativesocket.sock, [bytes(buffer, offset, length)], null)),
  };
}

/**
 * The host's descriptor table (fd-table.js's interface) over Emscripten's
 * FS.streams. An entry is { kind: 'socket', sock } for a socket and
 * { kind: 'emscripten' } for anything Emscripten opened itself.
 */
export class EmscriptenDescriptors {
  constructor(FS, sockets) {
    this.FS = FS;
    this.streamOps = socketStreamOps(FS, sockets);
    this.node = { mode: S_IFSOCK | 0o777, id: 0, name: 'socket' };
  }

  get(fd) {
    const stream = this.FS.getStream(fd);
    if (!stream) return undefined;
    return stream.nativesocket ?? { kind: 'emscripten', real: fd };
  }

  /** A stream for `entry` at the lowest free number ≥ `min`, or -1 (EMFILE). */
  add(entry, min = 0) {
    try {
      return this.FS.createStream({
        nativesocket: entry, node: this.node, path: '', flags: O_RDWR,
        seekable: false, position: 0, stream_ops: this.streamOps,
      }, min).fd;
    } catch (err) {
      if (err && err.errno === E.MFILE) return -1;
      throw err;
    }
  }

  set(fd, entry) {
    if (this.FS.getStream(fd)) this.FS.closeStream(fd);
    if (this.add(entry, fd) !== fd) throw new Error(`descriptor ${fd} is out of range`);
  }

  remove(fd) {
    const stream = this.FS.getStream(fd);
    if (!stream) return;
    this.FS.closeStream(fd);
    stream.fd = null;
  }

  /** Whether one more descriptor can be handed out. */
  hasRoom() {
    try {
      this.FS.nextfd();
      return true;
    } catch {
      return false;
    }
  }

  /** Whether any stream still refers to `entry` (dup'ed descriptors share one). */
  isReferenced(entry) {
    return this.FS.streams.some((stream) => stream && stream.nativesocket === entry);
  }

  countSockets() {
    return new Set(this.FS.streams.filter((s) => s && s.nativesocket).map((s) => s.nativesocket)).size;
  }
}

/**
 * What emscripten/library_nativesockets.js calls. Socket calls answer
 * Emscripten's errno values.
 */
export class EmscriptenHost {
  /**
   * @param FS Emscripten's FS object
   * @param options as SocketHost's; unix-socket paths are host paths
   */
  constructor(FS, options = {}) {
    this.host = new SocketHost({ unixPaths: 'host', ...options });
    // SocketHost made a table of its own for node:wasi's descriptors; an
    // Emscripten program's descriptors are its FS's.
    this.fds = new EmscriptenDescriptors(FS, this.host.sockets);
    this.host.fds = this.fds;
    this.sockets = this.host.sockets;
    const imports = this.host.getImportObject();
    this.preview1 = inEmscriptenNumbers(imports.wasi_snapshot_preview1, this.host.memory);
    this.extension = inEmscriptenNumbers(imports[EXTENSION_MODULE], this.host.memory);
    this.attached = false;
  }

  /** Gives the host the program's memory (once it is instantiated). */
  attach(memory) {
    this.host.memory.attach(memory);
    this.attached = true;
  }

  isSocket(fd) {
    const entry = this.fds.get(fd);
    return entry !== undefined && entry.kind === 'socket';
  }

  /** close() of a socket descriptor: the socket goes with its last descriptor. */
  close(fd) {
    const entry = this.fds.get(fd);
    this.fds.remove(fd);
    if (this.fds.isReferenced(entry)) return 0;
    return this.sockets.close(entry.sock);
  }

  /** accept: a connection is taken from the queue only when a descriptor is
   * free for it, so EMFILE leaves it there (as a kernel does). */
  sockAccept(fd, flags, fdOut) {
    if (this.isSocket(fd) && !this.fds.hasRoom()) return E.MFILE;
    return this.preview1.sock_accept(fd, flags, fdOut);
  }

  /** fcntl on a socket descriptor: a result ≥ 0 or a negative errno. */
  fcntl(fd, cmd, arg) {
    const entry = this.fds.get(fd);
    switch (cmd) {
      case F_DUPFD:
      case F_DUPFD_CLOEXEC: {
        if (arg < 0) return -E.INVAL;
        const copy = this.fds.add(entry, arg);
        return copy < 0 ? -E.MFILE : copy;
      }
      case F_GETFD:
      case F_SETFD:
        return 0; // one process and no exec: close-on-exec means nothing
      case F_GETFL:
        return O_RDWR | (entry.sock.nonblock ? O_NONBLOCK : 0);
      case F_SETFL:
        return -this.setNonblocking(fd, (arg & O_NONBLOCK) !== 0);
      default:
        return -E.INVAL;
    }
  }

  /** dup2/dup3 of a socket descriptor onto `to`, closing what was there. */
  dupTo(fd, to, closeOther) {
    if (to === fd) return -E.INVAL;
    if (to < 0 || to > this.fds.FS.MAX_OPEN_FDS) return -E.BADF;
    const entry = this.fds.get(fd);
    const there = this.fds.get(to);
    if (there !== undefined) {
      const rc = there.kind === 'socket' ? this.close(to) : closeOther(to);
      if (rc !== 0) return -rc;
    }
    return this.fds.add(entry, to) === to ? to : -E.MFILE;
  }

  /** ioctl on a socket descriptor; `word` reads and writes the int at argp. */
  ioctl(fd, op, word) {
    const entry = this.fds.get(fd);
    if (op === FIONBIO) return -this.setNonblocking(fd, word.get() !== 0);
    if (op === FIONREAD) {
      word.set(this.sockets.readiness(entry.sock).nbytes);
      return 0;
    }
    return -E.NOTTY;
  }

  setNonblocking(fd, on) {
    return this.preview1.fd_fdstat_set_flags(fd, on ? FDFLAGS_NONBLOCK : 0);
  }
}

/** The host of one Emscripten program, over its FS. */
export function createEmscriptenHost(FS, options = {}) {
  return new EmscriptenHost(FS, options);
}
