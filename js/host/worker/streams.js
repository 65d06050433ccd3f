// Stream sockets (TCP and unix) on the worker, with Node's net module.
//
// Node cannot bind a TCP socket without listening, so bind() listens at
// once (the guest sees the port it asked for, or EADDRINUSE, right away);
// connections that arrive before the guest's listen() wait in the accept
// queue. A bound socket that then connects gives its port to the
// connection instead.
import net from 'node:net';
import fs from 'node:fs';
import { Endpoint, answering } from './endpoint.js';
import { AF_INET6, AF_UNIX, E, SDFLAGS_WR } from '../abi.js';
import { errnoFromNode } from '../errno.js';
import { anyAddress, fromNode, nodeHost } from '../addresses.js';
import {
  ACC_BASE_WORD, ACC_CAP, F_ACC_STARVED, F_CLAIMED, F_CONNECTED, F_CONNECTING,
  F_LISTENING, F_RX_DIRECT, F_RX_EOF, F_RX_FIN, F_RX_PAUSED, F_TX_DEAD, H_ACC_HEAD, H_ACC_TAIL,
  H_FD, H_FD_LEASE, H_OWNERS, H_RX_HEAD, H_RX_TAIL, H_SPARE_HEAD, H_SPARE_TAIL,
  H_TX_HEAD, H_TX_TAIL, OWNER_WORKER, SPARE_BASE_WORD, SPARE_CAP,
} from '../layout.js';
import { streamWrite } from '../rings.js';
import { applyKeepAlive } from './options.js';

const SOCKET_OPTS = { allowHalfOpen: true };
// Connections a bound socket holds before the guest's listen() says how
// many it wants (listen(2)'s backlog, plus one as Linux counts it).
const DEFAULT_BACKLOG = 128;
const MAX_BACKLOG = 4096;
// How long a closed socket may take to hand what send() took to the kernel
// (SO_LINGER's time where set): the guest's exit waits this long at most.
export const DEFAULT_LINGER_MS = 5000;
// A closed socket that has sent everything waits this long for the peer's FIN.
const CLOSED_IDLE_MS = 30_000;
// Received bytes the worker holds for a guest whose ring is full before it
// stops reading (the kernel's buffer then fills and the sender waits).
const HOLD_MAX = 1 << 20;
// The most a socket's last reads take from its kernel (see _readRest).
const READ_REST_MAX = 16 << 20;


// Whether sockets' handles are Node's own (see _publishDescriptor).
const NODE_HANDLES = globalThis.Deno === undefined && process.versions.bun === undefined;

// Where Node reads for a connection whose ring cannot take the bytes in
// place (see _ringReads). One for all: each read is handed on (copied into
// the ring or held) before the event loop makes the next.
const SPARE_READ_BYTES = 64 * 1024;
let spareRead = null;
function spareReadBuffer() {
  spareRead ??= Buffer.allocUnsafe(SPARE_READ_BYTES);
  return spareRead;
}
export class StreamEndpoint extends Endpoint {
  /** @param hub { event(), register(ep), unregister(ep), pool } */
  constructor(id, views, family, hub) {
    super(id, views);
    this.family = family;
    this.hub = hub;
    this.server = null;
    this.sock = null;
    this.sockClosed = false;
    this.closedByGuest = false;
    this.listener = null; // the listener an accepted socket came from
    this.accepted = new Set(); // a listener's connections the guest may not have taken yet
    this.waiting = []; // a listener's Node connections without a slot yet
    this.backlog = DEFAULT_BACKLOG + 1;
    this.pendingRx = [];
    this.pendingBytes = 0;
    this.eofPending = false;
    this.finReceived = false; // the peer's FIN was read (see _endFlags)
    this.dataEvents = 0; // Node's 'data' events (see _takeBuffered)
    this.rxDirect = false; // reading left to the guest (F_RX_DIRECT)
    this.txBlocked = false;
    this.txTaken = 0; // how far the ring has been handed to Node (H_TX_TAIL follows on completion)
    this.endAfterFlush = false;
    this.options = { noDelay: false, keepAlive: false, v6Only: false, linger: null };
  }

  // ---- bind / listen / accept ---------------------------------------------

  bind(addr, reply) {
    this.bindTarget = addr;
    this._listenOn(addr, reply);
  }

  listen(backlog, reply) {
    const wanted = Number.isInteger(backlog) ? Math.min(Math.max(backlog, 0), MAX_BACKLOG) : DEFAULT_BACKLOG;
    this.backlog = wanted + 1;
    if (this.server) {
      this.setFlags(F_LISTENING);
      this._fillAcceptQueue();
      reply({ errno: 0 });
      return;
    }
    // listen() on an unbound socket binds it to an ephemeral port first.
    this._listenOn(anyAddress(this.family), answering(reply, (res) => {
      if (res.errno === 0) this.setFlags(F_LISTENING);
      reply(res);
    }));
  }

  _listenOn(addr, reply) {
    // Paused: a connection reads nothing until it has a slot to read into.
    const server = net.createServer({ ...SOCKET_OPTS, pauseOnConnect: true });
    const onError = (err) => reply({ errno: errnoFromNode(err) });
    server.once('error', onError);
    server.on('connection', (sock) => this._onConnection(sock));
    const options = addr.family === AF_UNIX
      ? { path: addr.path }
      : { host: nodeHost(addr), port: addr.port, exclusive: true, ipv6Only: this.options.v6Only };
    if (addr.family === AF_UNIX && fs.existsSync(addr.path)) {
      reply({ errno: E.ADDRINUSE });
      return;
    }
    server.listen(options, answering(reply, () => {
      server.off('error', onError);
      server.on('error', () => {});
      this.server = server;
      if (addr.family === AF_UNIX) this.setLocal(addr);
      else {
        const a = server.address();
        this.setLocal(fromNode(a.address, a.port, a.family));
      }
      reply({ errno: 0 });
    }));
  }

  // Node cannot stop accepting, so a connection beyond the backlog is reset
  // at once instead of waiting in the kernel's queue: the host never holds
  // more than the guest asked for.
  _onConnection(sock) {
    sock.on('error', () => {});
    if (this.closedByGuest || this.waiting.length + this._queued() >= this.backlog) {
      sock.resetAndDestroy();
      return;
    }
    this.waiting.push(sock);
    this._fillAcceptQueue();
  }

  _queued() {
    return (Atomics.load(this.hdr, H_ACC_HEAD) - Atomics.load(this.hdr, H_ACC_TAIL)) >>> 0;
  }

  // Gives each waiting connection a slot the guest lent (H_SPARE_*) and
  // queues it for accept().
  _fillAcceptQueue() {
    while (this.waiting.length) {
      const id = this._takeSpare();
      if (id === 0) {
        this.setFlags(F_ACC_STARVED);
        this.hub.event();
        return;
      }
      const views = this.hub.pool.views(id);
      if (views === null) continue;
      const ep = new StreamEndpoint(id, views, this.family, this.hub);
      ep.listener = this;
      ep._adopt(this.waiting.shift());
      if (this.family === AF_UNIX) ep.setLocal(this.localAddr ?? { family: AF_UNIX, path: '' });
      this.hub.register(ep);
      this.accepted.add(ep);
      this._pushAccepted(id);
    }
    this.clearFlags(F_ACC_STARVED);
    this.hub.event();
  }

  _takeSpare() {
    const hdr = this.hdr;
    const tail = Atomics.load(hdr, H_SPARE_TAIL);
    if (tail === Atomics.load(hdr, H_SPARE_HEAD)) return 0;
    const id = Atomics.load(hdr, SPARE_BASE_WORD + ((tail >>> 0) % SPARE_CAP));
    Atomics.store(hdr, H_SPARE_TAIL, (tail + 1) | 0);
    return id;
  }

  // The guest lends at most SPARE_CAP slots minus what is queued, and the
  // queue holds ACC_CAP >= SPARE_CAP: there is always room.
  _pushAccepted(id) {
    const hdr = this.hdr;
    const head = Atomics.load(hdr, H_ACC_HEAD);
    Atomics.store(hdr, ACC_BASE_WORD + ((head >>> 0) % ACC_CAP), id);
    Atomics.store(hdr, H_ACC_HEAD, (head + 1) | 0);
  }

  // ---- connect ----------------------------------------------------------

  // Started by a notice: the guest waits on the flags (F_CONNECTING, then
  // F_CONNECTED or an error), never on a reply.
  connect(addr) {
    let options;
    if (addr.family === AF_UNIX) options = { path: addr.path };
    else {
      options = { host: nodeHost(addr), port: addr.port, family: addr.family === AF_INET6 ? 6 : 4 };
      const bound = this.server ? this.server.address() : null;
      if (bound) {
        options.localAddress = bound.address;
        options.localPort = bound.port;
      }
    }
    // Free the bound port so the connection can take it: the listening
    // descriptor closes at once, and connections it accepted keep going.
    if (this.server) this._stopListening();
    this.setFlags(F_CONNECTING);
    if (addr.family !== AF_UNIX && addr.port === 0) {
      // What Linux answers; Node would throw.
      this._fail(E.CONNREFUSED);
      return;
    }
    const reads = NODE_HANDLES ? { onread: this._ringReads() } : {};
    const sock = net.connect({ ...SOCKET_OPTS, ...options, ...reads });
    this._adopt(sock);
    sock.once('connect', () => {
      this._recordAddresses(sock, addr);
      // Connected before not-connecting: a guest looking in between
      // must never see neither.
      this._publishDescriptor(sock);
      this.setFlags(F_CONNECTED);
      this.clearFlags(F_CONNECTING);
      this.hub.event();
    });
  }

  // Wires a Node socket (connecting or accepted) to this endpoint.
  _adopt(sock) {
    this.sock = sock;
    // Nagle is the kernel's default: only a change costs a system call.
    if (this.options.noDelay) sock.setNoDelay(true);
    if (this.options.keepAlive) applyKeepAlive(sock, this.options);
    if (!sock.connecting) {
      this._recordAddresses(sock, null);
      this._publishDescriptor(sock);
      this.setFlags(F_CONNECTED);
    }
    sock.on('data', (buf) => {
      this.dataEvents++;
      this._deliver(buf);
    });
    sock.on('end', () => {
      const errno = this._errorBehindEnd(sock);
      if (errno) this._fail(errno);
      else {
        this.finReceived = true;
        this._peerFinished();
      }
    });
    sock.on('drain', () => {
      this.txBlocked = false;
      this.flush();
    });
    sock.on('error', (err) => {
      this._takeBuffered(sock);
      this._fail(errnoFromNode(err));
    });
    sock.on('close', () => {
      this.sockClosed = true;
      // A socket the guest has closed is watched by no one: waking the guest
      // (asleep on its next call) would cost it a futex round for nothing.
      if (this.closedByGuest) {
        this.release();
        return;
      }
      this.setFlags(F_TX_DEAD);
      this.clearFlags(F_CONNECTING);
      this._peerFinished();
    });
    // An accepted socket starts paused (pauseOnConnect).
    sock.resume();
  }

  // Lets the guest write to the kernel socket itself while nothing is queued
  // (see H_FD in layout.js): one system call instead of waking this worker.
  // Node closes the descriptor inside its handle's close or reset, so both
  // first revoke the lease, waiting out a write the guest has under way.
  // Where the handle has no descriptor (Windows), the rings carry it all;
  // so too under Deno, whose handles' `fd` is a resource id, not a kernel
  // descriptor, and Bun, which closes a descriptor without its handle's
  // close/reset (a write after the peer's close met EBADF, or could meet a
  // reused number): only Node's handles keep the contract above.
  _publishDescriptor(sock) {
    const handle = sock._handle;
    const fd = handle && NODE_HANDLES ? handle.fd : -1;
    if (typeof fd !== 'number' || fd < 0) return;
    const ep = this;
    for (const name of ['close', 'reset']) {
      const original = handle[name];
      if (typeof original !== 'function') continue;
      handle[name] = function closeAfterRevoking(...args) {
        ep.revokeDescriptor();
        ep._keepUnread(sock, fd);
        return original.apply(this, args);
      };
    }
    this.hub.published.add(this);
    Atomics.store(this.hdr, H_FD, fd + 1);
  }

  // The guest holds the lease only for one non-blocking write, so this wait
  // is a few microseconds at most.
  revokeDescriptor() {
    if (!this.hub.published.delete(this)) return;
    const hdr = this.hdr;
    while (Atomics.compareExchange(hdr, H_FD_LEASE, 0, 2) === 1) {
      // the guest is inside its write
    }
    Atomics.store(hdr, H_FD, 0);
  }

  _recordAddresses(sock, target) {
    if (sock.remoteAddress !== undefined) {
      this.setLocal(fromNode(sock.localAddress, sock.localPort, sock.remoteFamily));
      this.setPeer(fromNode(sock.remoteAddress, sock.remotePort, sock.remoteFamily));
      return;
    }
    // A peer that reset before this was asked has no name left; this side's
    // still has one (getsockname works, getpeername is ENOTCONN).
    if (sock.localAddress !== undefined && this.family !== AF_UNIX) {
      this.setLocal(fromNode(sock.localAddress, sock.localPort));
    }
    if (target) this.setPeer(target);
    else if (this.family === AF_UNIX) this.setPeer({ family: AF_UNIX, path: '' });
  }

  fail(errno) {
    this._fail(errno);
  }

  // A failed connect or a broken connection: the error is reported once,
  // then reads see the end and writes EPIPE.
  _fail(errno) {
    // The first failure is the one to report (a reset found at the end
    // stays, though a write then fails on the same socket).
    this.keepFirstError(errno);
    this.setFlags(F_TX_DEAD | this._endFlags());
    this.clearFlags(F_CONNECTING);
    this.hub.event();
  }

  // ---- receiving --------------------------------------------------------

  // A connection this side opens has Node read straight into the receive
  // ring's free space (net.Socket's `onread`): no buffer per read and no
  // copy here. The ring wraps, so each read gets its contiguous free part;
  // a full ring, held bytes or a closed guest get the shared spare buffer
  // instead, whose bytes go the usual way (_deliver). Only the worker adds
  // to the ring and the guest only empties it, so the space handed to Node
  // stays free until Node has read into it; the slot is released only
  // after Node's socket has closed, when no read can come.
  _ringReads() {
    return {
      buffer: () => this._readTarget(),
      callback: (n, buf) => this._readDone(n, buf),
    };
  }

  _readTarget() {
    if (this.closedByGuest || this.released || this.pendingRx.length) return spareReadBuffer();
    const rx = this.rx, hdr = this.hdr, cap = rx.length;
    const head = Atomics.load(hdr, H_RX_HEAD) >>> 0;
    const free = cap - (((head - (Atomics.load(hdr, H_RX_TAIL) >>> 0)) >>> 0));
    if (free === 0) return spareReadBuffer();
    const at = head & (cap - 1);
    return rx.subarray(at, at + Math.min(free, cap - at));
  }

  _readDone(n, buf) {
    // As a kernel does for a closed socket: data that still arrives draws
    // a reset (the 'data' handler of _linger, for reads without events).
    if (this.closedByGuest) {
      this.sock.resetAndDestroy();
      return false;
    }
    if (buf.buffer !== this.rx.buffer) {
      this._deliverCopy(buf.subarray(0, n));
      return true;
    }
    const head = (Atomics.load(this.hdr, H_RX_HEAD) + n) | 0;
    Atomics.store(this.hdr, H_RX_HEAD, head);
    // A full ring: rather than hold bytes for the guest to ask for, stop
    // reading and let the guest read the kernel socket itself once it has
    // emptied the ring (one system call into its memory, no wake-up here).
    // It hands reading back (clears F_RX_DIRECT and kicks) when the kernel
    // has nothing; only then does this side read again, so the two never
    // read at once and the bytes stay in order.
    const full = ((head - Atomics.load(this.hdr, H_RX_TAIL)) >>> 0) === this.rx.length;
    if (full && this.pendingRx.length === 0 && this.hub.published.has(this)) {
      this.rxDirect = true;
      this.setFlags(F_RX_DIRECT);
      this.sock.pause();
    }
    // The event after the flag: a guest that emptied the ring in between
    // and found no F_RX_DIRECT waits for an event, and with this side no
    // longer reading, an event before the flag was its last (a recv hung,
    // about once in 40 runs of the 1 GiB receive).
    this.hub.event();
    return true;
  }

  // The guest handed reading back (see _readDone).
  _resumeReading() {
    this.rxDirect = false;
    if (this.sock && !this.sock.destroyed && !this.closedByGuest) this.sock.resume();
  }

  // As _deliver, for bytes in a buffer that the next read reuses.
  _deliverCopy(bytes) {
    const n = this.pendingRx.length ? 0 : streamWrite(this.rx, this.hdr, H_RX_HEAD, H_RX_TAIL, bytes);
    if (n < bytes.length) this._hold(Buffer.from(bytes.subarray(n)));
    this.hub.event();
  }

  _deliver(buf) {
    if (this.pendingRx.length === 0) {
      const n = streamWrite(this.rx, this.hdr, H_RX_HEAD, H_RX_TAIL, buf);
      if (n < buf.length) this._hold(buf.subarray(n));
    } else this._hold(buf);
    this.hub.event();
  }

  // What the ring has no room for waits here; Node goes on reading until
  // HOLD_MAX is held, so the kernel keeps delivering while the guest
  // catches up instead of both sides taking turns to wake each other.
  _hold(rest) {
    this.pendingRx.push(rest);
    this.pendingBytes += rest.length;
    this.setFlags(F_RX_PAUSED);
    if (this.pendingBytes >= HOLD_MAX) this.sock.pause();
  }

  // libuv reports the end without reading again when the hang-up comes
  // with the last bytes (a short read, then POLLHUP), so a reset right
  // behind data looked like FIN, about one run in ten. One more read tells
  // them apart as read(2) does: 0 after FIN, the reset's error (which this
  // read takes, as Node's own would have), or EAGAIN.
  _errorBehindEnd(sock) {
    const fd = NODE_HANDLES && sock._handle && !this.closedByGuest ? sock._handle.fd : -1;
    return fd >= 0 ? this._readRest(fd) : 0;
  }

  // A failing socket's stream is destroyed, and its descriptor closed, with
  // bytes that arrived before the failure and were never read: those Node
  // buffered for a paused stream (it goes on reading up to its high-water
  // mark, see _hold), and those the kernel holds. A kernel would still hand
  // both to recv, so they are taken first, as the descriptor closes (where
  // there is none to wrap, the 'error' handler takes Node's bytes alone).
  _keepUnread(sock, fd) {
    if (this.closedByGuest) return;
    this._takeBuffered(sock);
    this._readRest(fd);
  }

  _takeBuffered(sock) {
    if (this.closedByGuest) return;
    // Only a stream with bytes: read() on an empty one may start reading.
    // read() also emits 'data' until the error has been: each chunk once.
    while (sock.readableLength > 0) {
      const events = this.dataEvents;
      const chunk = sock.read();
      if (chunk === null) break;
      if (this.dataEvents === events) this._deliver(chunk);
    }
  }

  // Reads what the kernel still holds for this socket into the ring (or
  // the hold). Returns 0 at the end or when it has nothing now, else the
  // errno the read met.
  _readRest(fd) {
    try {
      const buf = spareReadBuffer();
      // A kernel's receive buffer at most: a unix peer that only shut its
      // reading side could otherwise keep this loop fed.
      for (let left = READ_REST_MAX; left > 0;) {
        const n = fs.readSync(fd, buf);
        if (n === 0) break;
        this._deliverCopy(buf.subarray(0, n));
        left -= n;
      }
      return 0;
    } catch (err) {
      return err.code === 'EAGAIN' ? 0 : errnoFromNode(err);
    }
  }

  // After the peer's FIN a read says 0 whatever fails later, as Linux's
  // does (a reset that answers data sent after it is send's error and
  // SO_ERROR's, never recv's).
  // TCP only: a unix stream's read reports a pending error before the end.
  _endFlags() {
    return this.finReceived && this.family !== AF_UNIX ? F_RX_EOF | F_RX_FIN : F_RX_EOF;
  }

  _peerFinished() {
    if (this.pendingRx.length) this.eofPending = true;
    else this.setFlags(this._endFlags());
    if (!this.closedByGuest) this.hub.event();
  }

  /** The guest consumed data or queued some: move what can move. */
  kick() {
    if (this.rxDirect && !this.hasFlags(F_RX_DIRECT)) this._resumeReading();
    if (this.pendingRx.length) this._refillRx();
    if (this.waiting.length) this._fillAcceptQueue();
    this.flush();
  }

  _refillRx() {
    while (this.pendingRx.length) {
      const buf = this.pendingRx[0];
      const n = streamWrite(this.rx, this.hdr, H_RX_HEAD, H_RX_TAIL, buf);
      this.pendingBytes -= n;
      if (n < buf.length) {
        this.pendingRx[0] = buf.subarray(n);
        break;
      }
      this.pendingRx.shift();
    }
    const reading = this.sock && !this.sock.destroyed && !this.eofPending && !this.closedByGuest;
    if (reading && this.pendingBytes < HOLD_MAX) this.sock.resume();
    if (!this.pendingRx.length) {
      this.clearFlags(F_RX_PAUSED);
      if (this.eofPending) this.setFlags(this._endFlags());
    }
    this.hub.event();
  }

  // ---- sending ----------------------------------------------------------

  flush() {
    const sock = this.sock;
    if (!sock || !this.tx) return;
    const hdr = this.hdr, tx = this.tx, cap = tx.length;
    // Node writes straight from the ring; the guest gets the room back
    // (H_TX_TAIL) only when the write is done, so no copy is needed.
    while (!this.txBlocked && !sock.destroyed && !sock.connecting) {
      const taken = this.txTaken;
      const used = ((Atomics.load(hdr, H_TX_HEAD) >>> 0) - taken) >>> 0;
      if (used === 0) break;
      const at = taken & (cap - 1);
      const n = Math.min(used, cap - at);
      const done = (taken + n) | 0;
      this.txTaken = done >>> 0;
      // this.hdr, not hdr: the socket may be released by the time it runs.
      const written = () => {
        Atomics.store(this.hdr, H_TX_TAIL, done);
        this.hub.event();
      };
      const chunk = Buffer.from(tx.buffer, tx.byteOffset + at, n);
      if (!sock.write(chunk, written)) this.txBlocked = true;
    }
    if (this.endAfterFlush && !this.txBlocked && this._txEmpty()) {
      this.endAfterFlush = false;
      sock.end();
    }
  }

  _txEmpty() {
    return (Atomics.load(this.hdr, H_TX_HEAD) >>> 0) === this.txTaken;
  }

  // ---- shutdown / close / options ----------------------------------------

  shutdown(how) {
    if ((how & SDFLAGS_WR) && this.sock) {
      this.endAfterFlush = true;
      if (this.sock.connecting) this.sock.once('connect', () => this.flush());
      else this.flush();
    }
  }

  close(reset) {
    if (this.closedByGuest) return;
    this.closedByGuest = true;
    this.hub.unregister(this);
    if (this.listener) this.listener.accepted.delete(this);
    if (this.server) this._stopListening();
    const linger = this.options.linger;
    // SO_LINGER with a zero time: close(2) resets.
    if (linger && linger.on && linger.seconds === 0) reset = true;
    const sock = this.sock;
    if (sock && !this.sockClosed) {
      sock.removeAllListeners('data');
      if (reset || this.pendingRx.length) sock.resetAndDestroy();
      else if (sock.connecting || (this._txEmpty() && sock.writableLength === 0)) {
        // Nothing left to send: close the descriptor now, and the kernel
        // does what close(2) does (FIN, or a reset for unread data or for
        // data that arrives later).
        sock.destroy();
      } else this._linger(sock, linger && linger.on ? linger.seconds * 1000 : DEFAULT_LINGER_MS);
      // The slot goes back when Node's socket has closed ('close').
    } else this.release();
  }

  /** A closed socket still holding unread bytes (close(2) resets it). */
  hasUnread() {
    return this.pendingRx.length > 0 ||
      Atomics.load(this.hdr, H_RX_HEAD) !== Atomics.load(this.hdr, H_RX_TAIL);
  }

  // Bytes send() took are delivered after close, as a kernel delivers them:
  // the ring drains into the kernel, then FIN. The host's exit waits for
  // every lingering socket to be handed over (hub.lingering), for `ms` at
  // most; then the socket is closed with whatever the kernel has.
  _linger(sock, ms) {
    this.endAfterFlush = true;
    const lingering = this.hub.lingering;
    lingering.add(this);
    const handedOver = () => {
      clearTimeout(timer);
      if (lingering.delete(this)) this.hub.lingerDone();
    };
    const timer = setTimeout(() => {
      handedOver();
      sock.destroy();
    }, ms);
    sock.once('finish', handedOver);
    sock.once('close', handedOver);
    // As a kernel does for a closed socket: data that still arrives draws
    // a reset (so the peer's writes fail), the peer's FIN ends it.
    sock.on('data', () => sock.resetAndDestroy());
    sock.on('end', () => sock.destroy());
    sock.resume();
    this.flush();
    // A peer that never closes must not keep the socket forever.
    sock.setTimeout(CLOSED_IDLE_MS, () => sock.destroy());
  }

  // Stops accepting: the listening descriptor closes, connections Node
  // accepted that the guest never took are reset (as the kernel resets the
  // queue of a listener that closes), and lent slots go back.
  _stopListening() {
    const server = this.server;
    this.server = null;
    server.close();
    server.removeAllListeners('connection');
    server.on('connection', (s) => s.resetAndDestroy());
    this.clearFlags(F_LISTENING);
    for (const sock of this.waiting.splice(0)) sock.resetAndDestroy();
    for (const ep of this.accepted) {
      if (!ep.hasFlags(F_CLAIMED)) ep.close(true);
    }
    this.accepted.clear();
    for (let id = this._takeSpare(); id !== 0; id = this._takeSpare()) {
      const views = this.hub.pool.views(id);
      if (views !== null) Atomics.and(views.hdr, H_OWNERS, ~OWNER_WORKER);
    }
  }

  setOption(name, value) {
    if (name === 'noDelay') {
      this.options.noDelay = !!value;
      if (this.sock) this.sock.setNoDelay(!!value);
    } else if (name === 'keepAlive' || name === 'keepIdle') {
      this.options[name] = name === 'keepAlive' ? !!value : value;
      if (this.sock) applyKeepAlive(this.sock, this.options);
    } else if (name === 'v6Only') this.options.v6Only = !!value;
    else if (name === 'linger') this.options.linger = lingerValue(value);
    else this.options[name] = value; // recorded
  }

  get localAddr() {
    return this.bindTarget;
  }
}

// SO_LINGER as { on, seconds } (the hook the option's plumbing sets), or null.
function lingerValue(value) {
  if (!value || typeof value !== 'object') return null;
  // The guest's option record says `secs`.
  const given = value.seconds ?? value.secs;
  const seconds = Number.isInteger(given) && given >= 0 ? given : 0;
  return { on: !!value.on, seconds: Math.min(seconds, 3600) };
}
