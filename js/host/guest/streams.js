// The guest's side of stream sockets (TCP and unix), mirroring the worker's
// streams.js: listen and accept, connect, and the data path (received bytes
// read from the receive ring; sends written straight to the kernel socket or
// queued in the send ring). recv, send and connect are the entry points for
// every socket: their first line hands a datagram socket to datagrams.js.
// These are SocketLayer methods (sockets.js joins them to its prototype).
import fs from 'node:fs';
import { AF_UNIX, E, OP, SOCK_DGRAM as DGRAM, SOCK_STREAM as STREAM } from '../abi.js';
import { errnoFromNode } from '../errno.js';
import { spinFor, WAIT } from '../channel.js';
import { anyAddress } from '../addresses.js';
import { skipBytes } from './buffers.js';
import {
  ACC_BASE_WORD, ACC_CAP, F_ACC_STARVED, F_CONNECTED, F_CONNECTING, F_LISTENING, F_RX_DIRECT,
  F_RX_EOF, F_RX_FIN, F_RX_PAUSED, F_TX_DEAD, H_ACC_HEAD, H_ACC_TAIL, H_ERROR, H_FD, H_FD_LEASE, H_FLAGS,
  H_RX_HEAD, H_RX_TAIL, H_SPARE_HEAD, H_SPARE_TAIL, H_TX_HEAD, H_TX_TAIL, OWNER_WORKER,
  SPARE_BASE_WORD, SPARE_CAP,
} from '../layout.js';
import { ringUsed, streamRead, streamWrite } from '../rings.js';

// How long a blocking send keeps retrying a full kernel buffer itself, and
// the pause between tries.
const DIRECT_RETRY_MS = 0.2;
const DIRECT_RETRY_GAP_MS = 0.01;

// listen()'s backlog as Linux caps it (net.core.somaxconn).
const SOMAXCONN = 4096;

export class StreamPaths {
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
    const reply = this.channel.request(this._open(sock, { op: OP.LISTEN, id: sock.id, backlog: wanted }));
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
    this.channel.post(this._open(sock, { op: OP.DIAL, id: sock.id, addr }));
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
    }, true, 0, WAIT.CONNECT);
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

  // A unix peer has no name of its own: the listener's path is judged. A
  // peer that reset before the worker saw its connection has no name left
  // (getpeername fails): it passes only where any peer would, and then, as
  // from the kernel, accept() returns it and a read the reset.
  _peerAllowed(listener, sock) {
    const local = this.localAddr(listener);
    const peer = listener.family === AF_UNIX ? local : this.peerAddr(sock);
    if (peer === null) return this.policy.acceptsAnyPeer(local);
    return this.policy.check('accept', peer, local) === 0;
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
    }, false, listener.options.rcvTimeo, WAIT.ACCEPT);
    if (typeof result === 'number') return { errno: -result };
    const sock = this._claim(listener, result.id, nonblock);
    this._lendSlots(listener);
    return { errno: 0, sock };
  }

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
      const n = this._block(sock, () => this._receiveStep(sock, dsts, got, peek), false, sock.options.rcvTimeo);
      if (n < 0) {
        // MSG_WAITALL with bytes already taken: they are the answer, and the
        // error waits for the next call, as Linux keeps sk_err pending.
        if (got > 0 && n !== -E.AGAIN) Atomics.compareExchange(sock.hdr, H_ERROR, 0, -n);
        return got > 0 ? { errno: 0, n: got } : { errno: -n };
      }
      got += n;
      if (n === 0 || !waitAll || peek || got >= total || sock.nonblock) return { errno: 0, n: got };
    }
  }

  // One try of recv: bytes, 0 at the end, -errno, or undefined to wait.
  // The worker adds bytes to the ring before it sets any flag that follows
  // them (F_RX_DIRECT, F_RX_EOF, an error), so each flag read here is
  // followed by another look at the ring: bytes that came in between go
  // first, and nothing is reported ahead of them.
  _receiveStep(sock, dsts, got, peek) {
    if (ringUsed(sock.hdr, H_RX_HEAD, H_RX_TAIL) > 0) return this._readStream(sock, dsts, got, peek);
    if (sock.flags() & F_RX_DIRECT) {
      // The worker may have filled the ring and handed reading over since
      // the look above: the ring's bytes come before the kernel's.
      if (ringUsed(sock.hdr, H_RX_HEAD, H_RX_TAIL) > 0) return this._readStream(sock, dsts, got, peek);
      const n = peek ? null : this._recvDirect(sock, dsts, got);
      if (n !== null) return n;
      // The kernel has nothing now (or this is a peek): the worker reads
      // again and says when there is more. A socket that failed or was
      // torn down while reading was left here says so below: its worker
      // cannot read again, and no event would follow.
      this._handReadingBack(sock);
    }
    if (sock.shutRd) return 0;
    const flags = sock.flags();
    // The worker holds bytes the ring had no room for: they come before the
    // end or an error, so ask for them (the worker may have paused just
    // after this side emptied the ring, and so saw no pause to report).
    if (flags & F_RX_PAUSED) {
      this._kick(sock);
      return undefined;
    }
    const failed = Atomics.load(sock.hdr, H_ERROR) !== 0;
    if (!failed && !(flags & F_RX_EOF)) return undefined;
    if (ringUsed(sock.hdr, H_RX_HEAD, H_RX_TAIL) > 0) return this._readStream(sock, dsts, got, peek);
    // The peer's FIN came first: the end, and a later error stays for send.
    // Flags read afresh: the FIN may have come since `flags`, the error
    // after it.
    if (sock.flags() & F_RX_FIN) return 0;
    const err = failed ? sock.takeError() : 0;
    if (err) return -err;
    return (flags & F_RX_EOF) ? 0 : undefined;
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
    }, true, 0, WAIT.FLUSH);
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
}
