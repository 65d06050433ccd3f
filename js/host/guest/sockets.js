// The guest's side of sockets: every operation of wasm/ABI.md on one socket,
// answered from shared memory where it can be (received data, room to send,
// queued connections, addresses, readiness) and with one request to the
// worker where Node must act (bind, listen, connect). Results are WASI errno
// values; blocking calls wait on the control block's event counter.
import fs from 'node:fs';
import {
  ADDR_PATH_SIZE, ADDR_SIZE, AF_INET, AF_INET6, AF_UNIX, AF_UNSPEC, E, ENDPOINT, IPPROTO_TCP,
  IPPROTO_UDP, MAX_DATAGRAM, OP, SDFLAGS_RD, SDFLAGS_WR, SOCK_DGRAM as DGRAM, SOCK_STREAM as STREAM,
} from '../abi.js';
import { errnoFromNode } from '../errno.js';
import { HostDown, spinFor } from '../channel.js';
import { NetworkPolicy } from '../policy.js';
import { concat, skipBytes } from './buffers.js';
import * as options from './options.js';
import { defaultOptions } from './options.js';
import { interfaceName } from './posix.js';
import { anyAddress, decodeAddress, encodeAddress, isValidIp } from '../addresses.js';
import {
  ACC_BASE_WORD, ACC_CAP, CHUNK_SLOTS, F_ACC_STARVED, F_CLAIMED, F_CONNECTED,
  F_CONNECTING, F_KICKED, F_LISTENING, F_LOCAL, F_PEER, F_RX_DIRECT, F_RX_EOF, F_RX_PAUSED,
  F_TX_DEAD, F_TX_WANT, H_ACC_HEAD, H_ACC_TAIL, H_ERROR, H_FD, H_FD_LEASE, H_FLAGS,
  H_OWNERS, H_RX_HEAD, H_RX_TAIL, H_SPARE_HEAD, H_SPARE_TAIL, H_TX_HEAD, H_TX_TAIL,
  LOCAL_ADDR_OFFSET, OWNER_GUEST, OWNER_WORKER, PEER_ADDR_OFFSET,
  SPARE_BASE_WORD, SPARE_CAP,
} from '../layout.js';
import { GuestPool } from '../pool.js';
import {
  dgramDrop, dgramFits, dgramPeek, dgramPush, ringUsed, streamRead, streamWrite,
} from '../rings.js';

// How long a blocking send keeps retrying a full kernel buffer itself, and
// the pause between tries.
const DIRECT_RETRY_MS = 0.2;
const DIRECT_RETRY_GAP_MS = 0.01;

// sun_path holds the path and its NUL.
const UNIX_PATH_MAX = ADDR_PATH_SIZE - 1;

// Sockets a guest may hold at once (RLIMIT_NOFILE's usual soft limit); more
// is EMFILE.
export const DEFAULT_MAX_SOCKETS = 1024;
// listen()'s backlog as Linux caps it (net.core.somaxconn).
const SOMAXCONN = 4096;


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

  // ---- bind / listen / connect / accept -----------------------------------

  bind(sock, guestAddr) {
    if (sock.bound || (sock.flags() & (F_CONNECTED | F_CONNECTING))) return E.INVAL;
    const { errno, addr } = this._target(sock, guestAddr, 'bind');
    if (errno) return errno;
    this._open(sock);
    const reply = this.channel.request({ op: OP.BIND, id: sock.id, addr });
    if (reply.errno === 0) {
      sock.bound = true;
      if (sock.family === AF_UNIX) sock.guestPath = guestAddr.path;
    }
    return reply.errno;
  }

  listen(sock, backlog) {
    if (sock.type !== STREAM) return E.NOTSUP;
    const flags = sock.flags();
    if (flags & F_LISTENING) return 0;
    if (flags & (F_CONNECTED | F_CONNECTING)) return E.INVAL;
    if (sock.family === AF_UNIX && !sock.bound) return E.INVAL;
    if (!sock.bound) {
      const denied = this.policy.check('bind', { ...anyAddress(sock.family), v6Only: sock.options.v6Only !== 0 });
      if (denied) return denied;
    }
    // As Linux: a negative backlog is the most, and the queue holds one more.
    const wanted = backlog < 0 || backlog > SOMAXCONN ? SOMAXCONN : backlog;
    this._open(sock);
    const reply = this.channel.request({ op: OP.LISTEN, id: sock.id, backlog: wanted });
    if (reply.errno === 0) {
      sock.bound = true;
      sock.backlog = wanted + 1;
      this._lendSlots(sock);
    }
    return reply.errno;
  }

  // Keeps a listener's lent slots plus its queued connections at its
  // backlog (at most SPARE_CAP), so the worker takes each connection into
  // a slot without asking; kicks it if it was waiting for one.
  _lendSlots(listener) {
    const hdr = listener.hdr;
    const want = Math.min(listener.backlog, SPARE_CAP);
    let head = Atomics.load(hdr, H_SPARE_HEAD);
    const lent = () => ((head - Atomics.load(hdr, H_SPARE_TAIL)) >>> 0) +
      ((Atomics.load(hdr, H_ACC_HEAD) - Atomics.load(hdr, H_ACC_TAIL)) >>> 0);
    while (lent() < want) {
      const id = this.pool.alloc(OWNER_WORKER);
      if (id === 0) break;
      Atomics.store(hdr, SPARE_BASE_WORD + ((head >>> 0) % SPARE_CAP), id);
      head = (head + 1) | 0;
      Atomics.store(hdr, H_SPARE_HEAD, head);
    }
    if (listener.flags() & F_ACC_STARVED) this._kick(listener);
  }

  connect(sock, guestAddr) {
    if (sock.type === DGRAM) return this._connectDatagram(sock, guestAddr);
    const flags = sock.flags();
    if (flags & F_LISTENING) return E.INVAL;
    if (flags & F_CONNECTING) return E.ALREADY;
    if (flags & F_CONNECTED) {
      if (!sock.connectAcked) {
        sock.connectAcked = true;
        return 0;
      }
      return E.ISCONN;
    }
    if (sock.active) {
      // A failed connect: its error is reported once, then the socket is spent.
      const err = sock.takeError();
      return err || E.INVAL;
    }
    if (this.channel.dead) return E.NETDOWN;
    const { errno, addr } = this._target(sock, guestAddr, 'connect');
    if (errno) return errno;
    // The worker answers through the flags alone: one wait, or none for a
    // non-blocking socket.
    sock.active = true;
    Atomics.or(sock.hdr, H_FLAGS, F_CONNECTING);
    this._open(sock);
    this.channel.post({ op: OP.DIAL, id: sock.id, addr });
    if (sock.family === AF_UNIX) sock.guestPeerPath = guestAddr.path;
    if (sock.nonblock) {
      sock.connectAcked = false;
      return E.INPROGRESS;
    }
    return this._block(sock, () => {
      const now = sock.flags();
      if (now & F_CONNECTING) return undefined;
      if (now & F_CONNECTED) return 0;
      return sock.takeError() || E.CONNREFUSED;
    }, true);
  }

  _connectDatagram(sock, guestAddr) {
    // AF_UNSPEC dissolves the association (a socket with none: nothing to do).
    if (guestAddr.family === AF_UNSPEC) {
      return this.channel.request({ op: OP.CONNECT, id: sock.id, addr: guestAddr }).errno;
    }
    const { errno, addr } = this._target(sock, guestAddr, 'send');
    if (errno) return errno;
    this._open(sock);
    return this.channel.request({ op: OP.CONNECT, id: sock.id, addr }).errno;
  }

  // Connections from peers the policy denies are closed unseen.
  accept(listener, nonblock) {
    for (;;) {
      if (this.open >= this.maxSockets) return { errno: E.MFILE };
      const res = this._acceptQueued(listener, nonblock);
      if (res.errno || this._peerAllowed(listener, res.sock)) return res;
      this.close(res.sock);
    }
  }

  // A unix peer has no name of its own: the listener's path is judged.
  _peerAllowed(listener, sock) {
    const local = this.localAddr(listener);
    const peer = listener.family === AF_UNIX ? local : this.peerAddr(sock);
    return peer !== null && this.policy.check('accept', peer, local) === 0;
  }

  _acceptQueued(listener, nonblock) {
    if (listener.type !== STREAM || !(listener.flags() & F_LISTENING)) return { errno: E.INVAL };
    if (this.open >= this.maxSockets) return { errno: E.MFILE };
    const hdr = listener.hdr;
    const result = this._block(listener, () => {
      const tail = Atomics.load(hdr, H_ACC_TAIL);
      if (tail === Atomics.load(hdr, H_ACC_HEAD)) {
        // The worker may be holding connections for want of a slot.
        if (listener.flags() & F_ACC_STARVED) this._lendSlots(listener);
        return undefined;
      }
      const id = Atomics.load(hdr, ACC_BASE_WORD + ((tail >>> 0) % ACC_CAP));
      Atomics.store(hdr, H_ACC_TAIL, (tail + 1) | 0);
      return { errno: 0, id };
    }, false, listener.options.rcvTimeo);
    if (typeof result === 'number') return { errno: -result };
    const sock = this._claim(listener, result.id, nonblock);
    this._lendSlots(listener);
    return { errno: 0, sock };
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

  // ---- data -------------------------------------------------------------

  /**
   * Receives into `dsts` (Uint8Arrays over guest memory).
   * Returns { errno, n, truncated, from }.
   */
  recv(sock, dsts, peek, waitAll) {
    if (sock.type === DGRAM) return this._recvDatagram(sock, dsts, peek);
    const flags = sock.flags();
    if (flags & F_LISTENING) return { errno: E.NOTCONN };
    if (!sock.active) return { errno: E.NOTCONN };
    const total = dsts.reduce((sum, d) => sum + d.length, 0);
    let got = 0;
    for (;;) {
      const n = this._block(sock, () => {
        const available = ringUsed(sock.hdr, H_RX_HEAD, H_RX_TAIL);
        if (available > 0) return this._readStream(sock, dsts, got, peek);
        if (sock.flags() & F_RX_DIRECT) {
          const n = peek ? null : this._recvDirect(sock, dsts, got);
          if (n !== null) return n;
          // The kernel has nothing now (or this is a peek): the worker reads
          // again and says when there is more.
          this._handReadingBack(sock);
          return undefined;
        }
        // The worker may have paused just after this side emptied the ring
        // (and so saw no pause to report): ask for the held data again.
        if (sock.flags() & F_RX_PAUSED) this._kick(sock);
        if (sock.shutRd) return 0;
        const err = sock.takeError();
        if (err) return -err;
        if (sock.flags() & F_RX_EOF) return 0;
        return undefined;
      }, false, sock.options.rcvTimeo);
      if (n < 0) return got > 0 ? { errno: 0, n: got } : { errno: -n };
      got += n;
      if (n === 0 || !waitAll || peek || got >= total || sock.nonblock) return { errno: 0, n: got };
    }
  }

  _readStream(sock, dsts, skip, peek) {
    let n = 0;
    for (const part of skipBytes(dsts, skip)) {
      // A peek reads from the same place each time: copy once, then spread.
      const got = peek
        ? this._peekAt(sock, n, part)
        : streamRead(sock.rx, sock.hdr, H_RX_HEAD, H_RX_TAIL, part, true);
      n += got;
      if (got < part.length) break;
    }
    if (!peek && (sock.flags() & F_RX_PAUSED)) this._kick(sock);
    return n;
  }

  _peekAt(sock, from, dst) {
    const cap = sock.rx.length;
    const tail = (Atomics.load(sock.hdr, H_RX_TAIL) + from) >>> 0;
    const used = ((Atomics.load(sock.hdr, H_RX_HEAD) >>> 0) - tail) >>> 0;
    const n = Math.min(used, dst.length);
    for (let i = 0; i < n; i++) dst[i] = sock.rx[(tail + i) & (cap - 1)];
    return n;
  }

  _recvDatagram(sock, dsts, peek) {
    let from = null;
    let truncated = false;
    const n = this._block(sock, () => {
      const record = dgramPeek(sock.rx, sock.hdr, H_RX_HEAD, H_RX_TAIL);
      if (record === null) {
        const err = sock.takeError();
        return err ? -err : undefined;
      }
      let copied = 0;
      for (const dst of dsts) {
        const part = record.payload.subarray(copied, copied + dst.length);
        dst.set(part);
        copied += part.length;
        if (copied === record.payload.length) break;
      }
      truncated = copied < record.payload.length;
      from = decodeAddress(record.addr);
      if (!peek) dgramDrop(sock.hdr, H_RX_TAIL, record);
      return copied;
    }, false, sock.options.rcvTimeo);
    if (n < 0) return { errno: -n };
    return { errno: 0, n, truncated, from };
  }

  /** Sends `srcs` (Uint8Arrays); `to` null = the connected peer. */
  send(sock, srcs, to) {
    if (this.channel.dead) return { errno: E.NETDOWN };
    if (sock.type === DGRAM) return this._sendDatagram(sock, srcs, to);
    const flags = sock.flags();
    if (flags & F_LISTENING) return { errno: E.NOTCONN };
    if (!sock.active) return { errno: E.NOTCONN };
    if (to !== null && (flags & F_CONNECTED)) return { errno: E.ISCONN };
    const total = srcs.reduce((sum, s) => sum + s.length, 0);
    let sent = 0;
    if (total > 0 && to === null && Atomics.load(sock.hdr, H_FD) !== 0) {
      sent = this._sendDirectly(sock, srcs, total);
      if (sent < 0) return { errno: -sent };
      if (sent === total || (sent > 0 && sock.nonblock)) return { errno: 0, n: sent };
    }
    while (sent < total || total === 0) {
      const n = this._block(sock, () => {
        const now = sock.flags();
        if (now & F_CONNECTING) return undefined;
        const err = sock.takeError();
        if (err) {
          Atomics.or(sock.hdr, H_FLAGS, F_TX_DEAD);
          return -err;
        }
        if (sock.shutWr || (now & F_TX_DEAD) || !(now & F_CONNECTED)) return -E.PIPE;
        if (total === 0) return 0;
        const n = this._writeStream(sock, srcs, sent);
        return n > 0 ? n : undefined;
      }, false, sock.options.sndTimeo);
      if (n < 0) return sent > 0 ? { errno: 0, n: sent } : { errno: -n };
      if (n === 0) break;
      sent += n;
      this._kick(sock);
      if (sock.nonblock) break; // never waits, whatever the peer does
      // Once the peer has finished it may be gone: wait until the kernel has
      // the bytes, so a reset it answers with fails the next send, as on a
      // kernel where loopback delivers the reset within the write.
      if (sock.flags() & F_RX_EOF) this._awaitSent(sock);
    }
    return { errno: 0, n: sent };
  }

  // As much of `srcs` as the kernel socket takes directly; the ring gets the
  // rest. Returns the bytes written or, when nothing was, -errno.
  _sendDirectly(sock, srcs, total) {
    // A blocking send lets the worker finish what the ring holds, then
    // writes directly: one copy fewer than queueing behind it.
    if (!sock.nonblock) this._awaitSent(sock);
    let sent = this._sendDirect(sock, srcs, 0);
    if (sock.nonblock) return sent;
    // A full kernel buffer usually has room again within microseconds (the
    // peer is reading): retry for a moment before handing the rest to the
    // worker, whose wake-up and completion cost more than the wait.
    const until = performance.now() + DIRECT_RETRY_MS;
    while (sent >= 0 && sent < total && performance.now() < until) {
      spinFor(DIRECT_RETRY_GAP_MS);
      const more = this._sendDirect(sock, srcs, sent);
      if (more < 0) return sent > 0 ? sent : more;
      sent += more;
    }
    return sent;
  }

  // Writes straight to the kernel socket when nothing is queued ahead (the
  // ring is empty and Node has written all it took): no copy, no wake-up of
  // the worker. Returns the bytes written, 0 when this path is closed or the
  // kernel would block (the ring then takes the rest), or -errno.
  _sendDirect(sock, srcs, skip) {
    const hdr = sock.hdr;
    const flags = Atomics.load(hdr, H_FLAGS);
    if ((flags & (F_CONNECTED | F_TX_DEAD | F_CONNECTING)) !== F_CONNECTED || sock.shutWr) return 0;
    if (Atomics.load(hdr, H_ERROR) !== 0) return 0;
    const head = Atomics.load(hdr, H_TX_HEAD);
    if (Atomics.load(hdr, H_TX_TAIL) !== head) return 0;
    if (Atomics.compareExchange(hdr, H_FD_LEASE, 0, 1) !== 0) return null;
    try {
      // Under the lease: a worker that dies now revokes after this write.
      if (this.channel.dead) return -E.NETDOWN;
      const fd = Atomics.load(hdr, H_FD) - 1;
      if (fd < 0) return 0;
      const rest = skipBytes(srcs, skip);
      return rest.length === 1 ? fs.writeSync(fd, rest[0]) : fs.writevSync(fd, rest);
    } catch (err) {
      if (err.code === 'EAGAIN' || err.code === 'EWOULDBLOCK') return 0;
      Atomics.or(hdr, H_FLAGS, F_TX_DEAD);
      return -errnoFromNode(err);
    } finally {
      Atomics.store(hdr, H_FD_LEASE, 0);
    }
  }

  // Reads the kernel socket straight into `dsts` while the worker has left
  // reading to this side (F_RX_DIRECT, set only with the ring full and
  // nothing held, so nothing received comes before what the kernel has).
  // Returns the bytes read (0 at the end of the stream, as read(2) says on
  // every call after the peer's FIN), -errno on a failure, or null when the
  // kernel has nothing now (EAGAIN) or this path is closed.
  _recvDirect(sock, dsts, skip) {
    const hdr = sock.hdr;
    if (Atomics.compareExchange(hdr, H_FD_LEASE, 0, 1) !== 0) return null;
    try {
      // Under the lease: a worker that dies now revokes after this read.
      if (this.channel.dead) return -E.NETDOWN;
      const fd = Atomics.load(hdr, H_FD) - 1;
      if (fd < 0) return null;
      const rest = skipBytes(dsts, skip);
      return rest.length === 1 ? fs.readSync(fd, rest[0]) : fs.readvSync(fd, rest);
    } catch (err) {
      if (err.code === 'EAGAIN' || err.code === 'EWOULDBLOCK') return null;
      return -errnoFromNode(err);
    } finally {
      Atomics.store(hdr, H_FD_LEASE, 0);
    }
  }

  // Gives reading back to the worker (see _recvDirect).
  _handReadingBack(sock) {
    if (Atomics.and(sock.hdr, H_FLAGS, ~F_RX_DIRECT) & F_RX_DIRECT) this._kick(sock);
  }

  // Waits until the kernel has taken everything queued in the ring, or the
  // socket fails.
  _awaitSent(sock) {
    const hdr = sock.hdr;
    this._block(sock, () => {
      const head = Atomics.load(hdr, H_TX_HEAD);
      if (Atomics.load(hdr, H_TX_TAIL) === head) return 0;
      if (Atomics.load(hdr, H_ERROR) !== 0 || (sock.flags() & F_TX_DEAD)) return 0;
      return undefined;
    }, true);
  }

  _writeStream(sock, srcs, skip) {
    let n = 0;
    for (const part of skipBytes(srcs, skip)) {
      const put = streamWrite(sock.tx, sock.hdr, H_TX_HEAD, H_TX_TAIL, part);
      n += put;
      if (put < part.length) break;
    }
    return n;
  }

  _sendDatagram(sock, srcs, to) {
    const total = srcs.reduce((sum, s) => sum + s.length, 0);
    if (total > MAX_DATAGRAM) return { errno: E.MSGSIZE };
    let target = null;
    if (to !== null) {
      const { errno, addr } = this._target(sock, to, 'send');
      if (errno) return { errno };
      // Linux refuses port 0 as a destination at once.
      if (addr.port === 0) return { errno: E.INVAL };
      target = addr;
    } else if (!(sock.flags() & F_PEER)) return { errno: E.DESTADDRREQ };
    const payload = srcs.length === 1 ? srcs[0] : concat(srcs, total);
    const n = this._block(sock, () => {
      const err = sock.takeError();
      if (err) return -err;
      if (!this._datagramFits(sock, total)) return undefined;
      dgramPush(sock.tx, sock.hdr, H_TX_HEAD, H_TX_TAIL, payload, (bytes) => {
        if (target) encodeAddress(target, bytes);
        else bytes.fill(0);
      });
      return total;
    }, false, sock.options.sndTimeo);
    if (n < 0) return { errno: -n };
    this._kick(sock);
    return { errno: 0, n };
  }

  // Whether `length` bytes fit the send ring; when not, asks the worker to
  // say when it has made room (F_TX_WANT), then looks again, so room made
  // in between is not missed.
  _datagramFits(sock, length) {
    if (dgramFits(sock.tx, sock.hdr, H_TX_HEAD, H_TX_TAIL, length)) return true;
    Atomics.or(sock.hdr, H_FLAGS, F_TX_WANT);
    return dgramFits(sock.tx, sock.hdr, H_TX_HEAD, H_TX_TAIL, length);
  }

  shutdown(sock, how) {
    if (how < 1 || how > 3) return E.INVAL;
    const flags = sock.flags();
    if (sock.type === STREAM && !(flags & (F_CONNECTED | F_CONNECTING))) return E.NOTCONN;
    if (sock.type === DGRAM && !(flags & F_PEER)) return E.NOTCONN;
    if (how & SDFLAGS_RD) sock.shutRd = true;
    if (how & SDFLAGS_WR) sock.shutWr = true;
    this._open(sock);
    this.channel.post({ op: OP.SHUTDOWN, id: sock.id, how });
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

  /** IP_ADD/DROP_MEMBERSHIP, IPV6_JOIN/LEAVE_GROUP: 0 or an errno. */
  membership(sock, join, group, iface) {
    if (sock.type !== DGRAM) return E.NOPROTOOPT;
    if (!options.membershipFits(sock, group)) return E.INVAL;
    this._open(sock);
    return this.channel.request({ op: OP.MEMBERSHIP, id: sock.id, join, group, iface }).errno;
  }

  // ---- readiness --------------------------------------------------------

  /** { read, write, nbytes, hangup } as poll would report them now. */
  readiness(sock) {
    const flags = sock.flags();
    const pendingError = Atomics.load(sock.hdr, H_ERROR) !== 0;
    if (sock.type === DGRAM) {
      const record = dgramPeek(sock.rx, sock.hdr, H_RX_HEAD, H_RX_TAIL);
      return {
        read: record !== null || pendingError,
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
    const eof = (flags & F_RX_EOF) !== 0 && !(flags & F_RX_PAUSED);
    const connecting = (flags & F_CONNECTING) !== 0;
    const room = sock.tx.length - ringUsed(sock.hdr, H_TX_HEAD, H_TX_TAIL);
    return {
      read: available > 0 || eof || pendingError || sock.shutRd,
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

  // Tells the worker about the socket, with the options set so far.
  _open(sock) {
    if (sock.opened) return;
    sock.opened = true;
    const options = {};
    for (const [key, value] of sock.changedOptions) options[key] = value;
    this.channel.post({
      op: OP.OPEN, id: sock.id, type: sock.type === STREAM ? ENDPOINT.STREAM : ENDPOINT.DGRAM,
      family: sock.family, options,
    });
  }

  /**
   * Runs `attempt` until it returns something other than undefined, waiting
   * for socket events between tries; a non-blocking socket gets EAGAIN, and
   * so does one whose `timeoutMs` (its receive or send timeout) runs out.
   * Returns the attempt's result or -E.AGAIN.
   */
  _block(sock, attempt, ignoreNonblock = false, timeoutMs = 0) {
    // SO_RCVTIMEO / SO_SNDTIMEO: EAGAIN once the time is up, as on Linux.
    const deadline = timeoutMs > 0 ? performance.now() + timeoutMs : Infinity;
    for (;;) {
      const seen = this.channel.eventSeq();
      const result = attempt();
      if (result !== undefined) return result;
      if (sock.nonblock && !ignoreNonblock) return -E.AGAIN;
      if (performance.now() >= deadline) return -E.AGAIN;
      this.channel.waitEvent(seen, deadline);
    }
  }
}
