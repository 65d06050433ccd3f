// The guest's side of sockets: every operation of wasm/ABI.md on one socket,
// answered from shared memory where it can be (received data, room to send,
// queued connections, addresses, readiness) and with one request to the
// worker where Node must act (bind, listen, connect). Results are WASI errno
// values; blocking calls wait on the control block's event counter.
//
// This module is the core: creation, addresses, bind, options, readiness
// and the machinery. The stream paths (listen, accept, connect, recv, send)
// live in streams.js and the datagram paths in datagrams.js, mirroring the
// worker's modules; their methods join SocketLayer's prototype below.
import {
  ADDR_PATH_SIZE, ADDR_SIZE, AF_INET, AF_INET6, AF_UNIX, E, ENDPOINT, IPPROTO_TCP, IPPROTO_UDP, OP,
  SDFLAGS_RD, SDFLAGS_WR, SOCK_DGRAM as DGRAM, SOCK_STREAM as STREAM,
} from '../abi.js';
import { HostDown, WAIT } from '../channel.js';
import { NetworkPolicy } from '../policy.js';
import * as options from './options.js';
import { defaultOptions } from './options.js';
import { interfaceName } from './posix.js';
import { StreamPaths } from './streams.js';
import { DatagramPaths } from './datagrams.js';
import { anyAddress, decodeAddress, isValidIp } from '../addresses.js';
import {
  CHUNK_SLOTS, F_ACC_STARVED, F_CLAIMED, F_CONNECTED, F_CONNECTING, F_KICKED, F_LISTENING,
  F_LOCAL, F_PEER, F_RX_DIRECT, F_RX_EOF, F_RX_PAUSED, F_TX_DEAD, H_ACC_HEAD, H_ACC_TAIL, H_ERROR,
  H_FLAGS, H_OWNERS, H_RX_HEAD, H_RX_TAIL, H_TX_HEAD, H_TX_TAIL, LOCAL_ADDR_OFFSET, OWNER_GUEST,
  OWNER_WORKER, PEER_ADDR_OFFSET, SPARE_CAP,
} from '../layout.js';
import { GuestPool } from '../pool.js';
import { dgramPeek, ringUsed } from '../rings.js';

// sun_path holds the path and its NUL.
const UNIX_PATH_MAX = ADDR_PATH_SIZE - 1;

// Sockets a guest may hold at once (RLIMIT_NOFILE's usual soft limit); more
// is EMFILE.
export const DEFAULT_MAX_SOCKETS = 1024;

export class GuestSocket {
  /** @param views the socket's slot (pool.js) */
  constructor(id, type, family, views) {
    this.id = id;
    this.type = type;
    this.family = family;
    this.hdr = views.hdr;
    this.hdrBytes = views.hdrBytes;
    this.rx = views.rx;
    this.tx = views.tx;
    // A stream socket that has connected, tried to, or was accepted.
    this.active = type === DGRAM;
    // The worker hears of a socket when it first has to act on it: a socket
    // that is opened and closed without use costs no message at all.
    this.opened = false;
    this.changedOptions = new Map(); // key → the worker's value, sent with 'open'
    this.backlog = 0;
    this.nonblock = false;
    this.bound = false;
    this.shutRd = false;
    this.shutWr = false;
    this.connectAcked = true;
    this.options = defaultOptions(type);
  }

  flags() {
    return Atomics.load(this.hdr, H_FLAGS);
  }

  takeError() {
    return Atomics.exchange(this.hdr, H_ERROR, 0);
  }
}

export class SocketLayer {
  /**
   * @param channel GuestChannel to the worker
   * @param unixPath maps a guest unix-socket path to a host path (or null)
   * @param maxSockets sockets the guest may hold at once (EMFILE beyond)
   */
  constructor(channel, unixPath, maxSockets = DEFAULT_MAX_SOCKETS) {
    this.channel = channel;
    this.unixPath = unixPath;
    this.maxSockets = maxSockets;
    this.open = 0;
    this.policy = new NetworkPolicy(true);
    // Room for the open sockets, slots lent to listeners and sockets still
    // sending after close.
    const slots = Math.ceil((2 * maxSockets + SPARE_CAP) / CHUNK_SLOTS) * CHUNK_SLOTS;
    this.pool = new GuestPool(slots, (number, sab) => this.channel.post({ op: OP.CHUNK, number, sab }));
    // The worker's descriptors die with it, and their numbers may soon name
    // other files: no direct write may follow.
    channel.onDead = () => this.pool.revokeDescriptors();
  }

  // ---- creation ---------------------------------------------------------

  create(family, type, protocol, nonblock) {
    if (this.channel.dead) return { errno: E.NETDOWN };
    if (family !== AF_INET && family !== AF_INET6 && family !== AF_UNIX) return { errno: E.AFNOSUPPORT };
    if (type !== STREAM && type !== DGRAM) return { errno: E.PROTONOSUPPORT };
    if (protocol !== 0 && protocol !== (type === STREAM ? IPPROTO_TCP : IPPROTO_UDP)) return { errno: E.PROTONOSUPPORT };
    if (family === AF_UNIX && protocol !== 0) return { errno: E.PROTONOSUPPORT };
    // Node has no unix datagram sockets.
    if (family === AF_UNIX && type === DGRAM) return { errno: E.PROTONOSUPPORT };
    if (this.open >= this.maxSockets) return { errno: E.MFILE };
    const id = this.pool.alloc(OWNER_GUEST | OWNER_WORKER);
    if (id === 0) return { errno: E.MFILE };
    const sock = new GuestSocket(id, type, family, this.pool.views(id));
    sock.nonblock = nonblock;
    this.open++;
    return { errno: 0, sock };
  }

  close(sock) {
    const reset = sock.type === STREAM && sock.active &&
      (ringUsed(sock.hdr, H_RX_HEAD, H_RX_TAIL) > 0 || (sock.flags() & F_RX_PAUSED) !== 0);
    this.open--;
    if (!sock.opened) {
      this.pool.release(sock.id, OWNER_GUEST | OWNER_WORKER);
      return 0;
    }
    this.pool.release(sock.id, OWNER_GUEST);
    const msg = { op: OP.CLOSE, id: sock.id, reset };
    try {
      // A socket holding an address waits until it is free again; others
      // need no answer.
      if (sock.bound) this.channel.request(msg);
      else this.channel.post(msg);
    } catch (err) {
      if (!(err instanceof HostDown)) throw err;
    }
    return 0;
  }

  // ---- addresses --------------------------------------------------------

  // Checks a guest address for this socket and maps unix paths to the host.
  _target(sock, addr, op) {
    if (addr.family !== sock.family) {
      return { errno: E.AFNOSUPPORT };
    }
    if (addr.family !== AF_UNIX && !isValidIp(addr)) return { errno: E.INVAL };
    if (addr.family === AF_UNIX && !addr.path) return { errno: E.INVAL };
    const denied = this.policy.check(op, { ...addr, v6Only: sock.options.v6Only !== 0 });
    if (denied) return { errno: denied };
    if (addr.family === AF_UNIX) {
      const path = this.unixPath(addr.path);
      if (path === null) return { errno: E.ACCES };
      // libuv cuts what does not fit sun_path (108 bytes with the NUL):
      // the cut path would be another file, perhaps outside the preopens.
      if (Buffer.byteLength(path) > UNIX_PATH_MAX) return { errno: E.NAMETOOLONG };
      return { addr: { ...addr, path } };
    }
    return { addr };
  }

  localAddr(sock) {
    if (sock.flags() & F_LOCAL) {
      const addr = decodeAddress(sock.hdrBytes.subarray(LOCAL_ADDR_OFFSET, LOCAL_ADDR_OFFSET + ADDR_SIZE));
      return sock.family === AF_UNIX ? { family: AF_UNIX, path: sock.guestPath ?? '', port: 0 } : addr;
    }
    return sock.family === AF_UNIX ? { family: AF_UNIX, path: '', port: 0 } : anyAddress(sock.family);
  }

  peerAddr(sock) {
    if (!(sock.flags() & F_PEER)) return null;
    if (sock.family === AF_UNIX) return { family: AF_UNIX, path: sock.guestPeerPath ?? '', port: 0 };
    return decodeAddress(sock.hdrBytes.subarray(PEER_ADDR_OFFSET, PEER_ADDR_OFFSET + ADDR_SIZE));
  }

  // ---- bind, and taking accepted sockets ---------------------------------

  bind(sock, guestAddr) {
    if (sock.bound || (sock.flags() & (F_CONNECTED | F_CONNECTING))) return E.INVAL;
    const { errno, addr } = this._target(sock, guestAddr, 'bind');
    if (errno) return errno;
    const reply = this.channel.request(this._open(sock, { op: OP.BIND, id: sock.id, addr }));
    if (reply.errno === 0) {
      sock.bound = true;
      if (sock.family === AF_UNIX) sock.guestPath = guestAddr.path;
    }
    return reply.errno;
  }

  // The worker put the connection in a slot this side lent: take it back.
  _claim(listener, id, nonblock) {
    const sock = new GuestSocket(id, STREAM, listener.family, this.pool.views(id));
    Atomics.or(sock.hdr, H_OWNERS, OWNER_GUEST);
    sock.active = true;
    sock.opened = true; // the worker made it
    sock.nonblock = nonblock;
    sock.bound = false; // its address is the listener's, held by the listener
    sock.guestPath = listener.guestPath;
    Atomics.or(sock.hdr, H_FLAGS, F_CLAIMED);
    this.open++;
    for (const [key, value] of options.inheritOptions(listener, sock)) {
      this.channel.post({ op: OP.OPTION, id, name: key, value });
    }
    return sock;
  }

  // ---- shutdown ---------------------------------------------------------

  shutdown(sock, how) {
    if (how < 1 || how > 3) return E.INVAL;
    const flags = sock.flags();
    if (sock.type === STREAM && !(flags & (F_CONNECTED | F_CONNECTING))) return E.NOTCONN;
    if (sock.type === DGRAM && !(flags & F_PEER)) return E.NOTCONN;
    if (how & SDFLAGS_RD) sock.shutRd = true;
    if (how & SDFLAGS_WR) sock.shutWr = true;
    this.channel.post(this._open(sock, { op: OP.SHUTDOWN, id: sock.id, how }));
    return 0;
  }

  // ---- options ----------------------------------------------------------

  getOption(sock, level, name) {
    return options.getOption(sock, level, name);
  }

  setOption(sock, level, name, value) {
    // Before the worker has the socket, options travel with its 'open'. A
    // datagram socket's sends are kicks, which can overtake a message: its
    // options are applied before setsockopt returns.
    const post = (key, v) => {
      if (!sock.opened) sock.changedOptions.set(key, v);
      else if (sock.type === DGRAM) this.channel.request({ op: OP.SET_OPTION, id: sock.id, name: key, value: v });
      else this.channel.post({ op: OP.OPTION, id: sock.id, name: key, value: v });
    };
    return options.setOption(sock, level, name, value, post, interfaceName);
  }

  // ---- readiness --------------------------------------------------------

  /** { read, write, nbytes, hangup } as poll would report them now. */
  readiness(sock) {
    const flags = sock.flags();
    const pendingError = Atomics.load(sock.hdr, H_ERROR) !== 0;
    if (sock.type === DGRAM) {
      const record = dgramPeek(sock.rx, sock.hdr, H_RX_HEAD, H_RX_TAIL);
      return {
        read: record !== null || pendingError || sock.shutRd,
        write: this._datagramFits(sock, 1024) || pendingError,
        nbytes: record ? record.payload.length : 0,
        hangup: false,
      };
    }
    if (flags & F_LISTENING) {
      const queued = Atomics.load(sock.hdr, H_ACC_HEAD) !== Atomics.load(sock.hdr, H_ACC_TAIL);
      if (!queued && (flags & F_ACC_STARVED)) this._lendSlots(sock); // see accept()
      return { read: queued || pendingError, write: false, nbytes: 0, hangup: false };
    }
    if (!sock.active) {
      // Never connected: POSIX reports a hang-up, readable and writable.
      return { read: true, write: true, nbytes: 0, hangup: true };
    }
    const available = ringUsed(sock.hdr, H_RX_HEAD, H_RX_TAIL);
    if (available === 0 && (flags & F_RX_PAUSED)) this._kick(sock); // see recv()
    // What the kernel holds is known only to a read: the worker reads again.
    if (available === 0 && (flags & F_RX_DIRECT)) this._handReadingBack(sock);
    // Held bytes come before the end or an error (see recv()).
    const eof = (flags & F_RX_EOF) !== 0 && !(flags & F_RX_PAUSED);
    const failed = pendingError && !(flags & F_RX_PAUSED);
    const connecting = (flags & F_CONNECTING) !== 0;
    const room = sock.tx.length - ringUsed(sock.hdr, H_TX_HEAD, H_TX_TAIL);
    return {
      read: available > 0 || eof || failed || sock.shutRd,
      write: !connecting && (room > 0 || pendingError || (flags & F_TX_DEAD) !== 0),
      nbytes: available,
      hangup: eof && (flags & F_TX_DEAD) !== 0,
    };
  }

  // ---- machinery --------------------------------------------------------

  _kick(sock) {
    this._open(sock);
    if ((Atomics.or(sock.hdr, H_FLAGS, F_KICKED) & F_KICKED) === 0) this.channel.kick(sock.id);
  }

  // Tells the worker about the socket, with the options set so far, in its
  // first message: `msg`, which then carries the 'open' (one message, not
  // two, for a socket's first bind or connect), or a message of its own.
  // Returns `msg`.
  _open(sock, msg = null) {
    if (sock.opened) return msg;
    sock.opened = true;
    const options = {};
    for (const [key, value] of sock.changedOptions) options[key] = value;
    const open = {
      op: OP.OPEN, id: sock.id, type: sock.type === STREAM ? ENDPOINT.STREAM : ENDPOINT.DGRAM,
      family: sock.family, options,
    };
    if (msg === null) this.channel.post(open);
    else msg.open = open;
    return msg;
  }

  /**
   * Runs `attempt` until it returns something other than undefined, waiting
   * for socket events between tries; a non-blocking socket gets EAGAIN, and
   * so does one whose `timeoutMs` (its receive or send timeout) runs out.
   * Returns the attempt's result or -E.AGAIN. `kind` (channel.js WAIT)
   * keeps the spin's learning apart from other waits'.
   */
  _block(sock, attempt, ignoreNonblock = false, timeoutMs = 0, kind = WAIT.DATA) {
    // SO_RCVTIMEO / SO_SNDTIMEO: EAGAIN once the time is up, as on Linux.
    const deadline = timeoutMs > 0 ? performance.now() + timeoutMs : Infinity;
    for (;;) {
      const seen = this.channel.eventSeq();
      const result = attempt();
      if (result !== undefined) return result;
      if (sock.nonblock && !ignoreNonblock) return -E.AGAIN;
      if (performance.now() >= deadline) return -E.AGAIN;
      this.channel.waitEvent(seen, deadline, kind);
    }
  }
}

// The stream and datagram paths are SocketLayer methods, kept in their own
// modules (streams.js, datagrams.js); `this` in them is the SocketLayer.
for (const paths of [StreamPaths, DatagramPaths]) {
  for (const name of Object.getOwnPropertyNames(paths.prototype)) {
    if (name === 'constructor') continue;
    Object.defineProperty(SocketLayer.prototype, name, Object.getOwnPropertyDescriptor(paths.prototype, name));
  }
}
