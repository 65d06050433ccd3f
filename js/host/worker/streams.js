// Stream sockets (TCP and unix) on the worker, with Node's net module.
//
// Node cannot bind a TCP socket without listening, so bind() listens at
// once (the guest sees the port it asked for, or EADDRINUSE, right away);
// connections that arrive before the guest's listen() wait in the accept
// queue. A bound socket that then connects gives its port to the
// connection instead.
import net from 'node:net';
import fs from 'node:fs';
import { Endpoint } from './endpoint.js';
import { E, errnoFromNode } from '../errno.js';
import { AF_INET6, AF_UNIX, anyAddress, fromNode, nodeHost } from '../addresses.js';
import {
  ACC_BASE_WORD, ACC_CAP, F_ACC_OVERFLOW, F_CLAIMED, F_CONNECTED, F_CONNECTING,
  F_LISTENING, F_RX_EOF, F_RX_PAUSED, F_TX_DEAD, H_ACC_HEAD, H_ACC_TAIL,
  H_FD, H_FD_LEASE, H_RX_HEAD, H_RX_TAIL, H_TX_HEAD, H_TX_TAIL, HEADER_BYTES, STREAM_RING,
} from '../layout.js';
import { streamWrite } from '../rings.js';
import { applyKeepAlive } from './options.js';

const SOCKET_OPTS = { allowHalfOpen: true };


// Whether sockets' handles are Node's own (see _publishDescriptor).
const NODE_HANDLES = globalThis.Deno === undefined && process.versions.bun === undefined;
export class StreamEndpoint extends Endpoint {
  constructor(id, headerSab, family, hub) {
    super(id, headerSab, null, 0);
    this.family = family;
    this.hub = hub; // { event(), notice(msg), register(ep), unregister(ep), nextId() }
    this.server = null;
    this.sock = null;
    this.listener = null; // the listener an accepted socket came from
    this.pendingRx = [];
    this.eofPending = false;
    this.txBlocked = false;
    this.txTaken = 0; // how far the ring has been handed to Node (H_TX_TAIL follows on completion)
    this.endAfterFlush = false;
    this.overflow = [];
    this.options = { noDelay: false, keepAlive: false, v6Only: false };
  }

  // ---- bind / listen ----------------------------------------------------

  bind(addr, reply) {
    this.bindTarget = addr;
    this._listenOn(addr, reply);
  }

  listen(reply) {
    if (this.server) {
      this.setFlags(F_LISTENING);
      this._refillAcceptQueue();
      reply({ errno: 0 });
      return;
    }
    // listen() on an unbound socket binds it to an ephemeral port first.
    this._listenOn(anyAddress(this.family), (res) => {
      if (res.errno === 0) this.setFlags(F_LISTENING);
      reply(res);
    });
  }

  _listenOn(addr, reply) {
    const server = net.createServer({ ...SOCKET_OPTS, pauseOnConnect: false });
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
    server.listen(options, () => {
      server.off('error', onError);
      server.on('error', () => {});
      this.server = server;
      if (addr.family === AF_UNIX) this.setLocal(addr);
      else {
        const a = server.address();
        this.setLocal(fromNode(a.address, a.port, a.family));
      }
      reply({ errno: 0 });
    });
  }

  _onConnection(sock) {
    const hub = this.hub;
    const id = hub.nextId();
    const headerSab = new SharedArrayBuffer(HEADER_BYTES);
    const ep = new StreamEndpoint(id, headerSab, this.family, hub);
    ep.listener = this;
    ep._adopt(sock);
    if (this.family === AF_UNIX) ep.setLocal(this.localAddr ?? { family: AF_UNIX, path: '' });
    hub.register(ep);
    hub.notice({ t: 'accepted', listener: this.id, id, header: headerSab, data: ep.dataSab });
    if (!this._pushAccepted(id)) {
      this.overflow.push(id);
      this.setFlags(F_ACC_OVERFLOW);
    }
    hub.event();
  }

  _pushAccepted(id) {
    const hdr = this.hdr;
    const head = Atomics.load(hdr, H_ACC_HEAD);
    if (((head - Atomics.load(hdr, H_ACC_TAIL)) >>> 0) >= ACC_CAP) return false;
    Atomics.store(hdr, ACC_BASE_WORD + ((head >>> 0) % ACC_CAP), id);
    Atomics.store(hdr, H_ACC_HEAD, (head + 1) | 0);
    return true;
  }

  _refillAcceptQueue() {
    while (this.overflow.length && this._pushAccepted(this.overflow[0])) this.overflow.shift();
    if (!this.overflow.length) this.clearFlags(F_ACC_OVERFLOW);
  }

  // ---- connect ----------------------------------------------------------

  connect(addr, reply) {
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
    const start = () => {
      this.setFlags(F_CONNECTING);
      const sock = net.connect({ ...SOCKET_OPTS, ...options });
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
      reply({ errno: 0, data: this.dataSab });
    };
    if (this.server) {
      // Free the bound port so the connection can take it.
      const server = this.server;
      this.server = null;
      server.close(start);
    } else start();
  }

  // Wires a Node socket (connecting or accepted) to this endpoint.
  _adopt(sock) {
    this.sock = sock;
    if (!this.dataSab) this.attachData(new SharedArrayBuffer(STREAM_RING * 2), STREAM_RING);
    sock.setNoDelay(this.options.noDelay);
    if (this.options.keepAlive) applyKeepAlive(sock, this.options);
    if (!sock.connecting) {
      this._recordAddresses(sock, null);
      this._publishDescriptor(sock);
      this.setFlags(F_CONNECTED);
    }
    sock.on('data', (buf) => this._deliver(buf));
    sock.on('end', () => this._peerFinished());
    sock.on('drain', () => {
      this.txBlocked = false;
      this.flush();
    });
    sock.on('error', (err) => this._fail(errnoFromNode(err)));
    sock.on('close', () => {
      this._peerFinished();
      this.setFlags(F_TX_DEAD);
      this.clearFlags(F_CONNECTING);
      this.hub.event();
    });
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
    const hdr = this.hdr;
    for (const name of ['close', 'reset']) {
      const original = handle[name];
      if (typeof original !== 'function') continue;
      handle[name] = function closeAfterRevoking(...args) {
        revokeDescriptor(hdr);
        return original.apply(this, args);
      };
    }
    Atomics.store(hdr, H_FD, fd + 1);
  }

  _recordAddresses(sock, target) {
    if (sock.remoteAddress !== undefined) {
      this.setLocal(fromNode(sock.localAddress, sock.localPort, sock.remoteFamily));
      this.setPeer(fromNode(sock.remoteAddress, sock.remotePort, sock.remoteFamily));
    } else if (target) {
      this.setPeer(target);
    } else if (this.family === AF_UNIX) {
      this.setPeer({ family: AF_UNIX, path: '' });
    }
  }

  // A failed connect or a broken connection: the error is reported once,
  // then reads see the end and writes EPIPE.
  _fail(errno) {
    this.setError(errno);
    this.setFlags(F_TX_DEAD | F_RX_EOF);
    this.clearFlags(F_CONNECTING);
    this.hub.event();
  }

  // ---- receiving --------------------------------------------------------

  _deliver(buf) {
    if (this.pendingRx.length === 0) {
      const n = streamWrite(this.rx, this.hdr, H_RX_HEAD, H_RX_TAIL, buf);
      if (n < buf.length) this._hold(buf.subarray(n));
    } else this._hold(buf);
    this.hub.event();
  }

  _hold(rest) {
    this.pendingRx.push(rest);
    this.sock.pause();
    this.setFlags(F_RX_PAUSED);
  }

  _peerFinished() {
    if (this.pendingRx.length) this.eofPending = true;
    else this.setFlags(F_RX_EOF);
    this.hub.event();
  }

  /** The guest consumed data or queued some: move what can move. */
  kick() {
    if (this.pendingRx.length) this._refillRx();
    if (this.overflow.length) this._refillAcceptQueue();
    this.flush();
  }

  _refillRx() {
    while (this.pendingRx.length) {
      const buf = this.pendingRx[0];
      const n = streamWrite(this.rx, this.hdr, H_RX_HEAD, H_RX_TAIL, buf);
      if (n < buf.length) {
        this.pendingRx[0] = buf.subarray(n);
        break;
      }
      this.pendingRx.shift();
    }
    if (!this.pendingRx.length) {
      this.clearFlags(F_RX_PAUSED);
      if (this.eofPending) this.setFlags(F_RX_EOF);
      else if (this.sock && !this.sock.destroyed) this.sock.resume();
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
      const written = () => {
        Atomics.store(hdr, H_TX_TAIL, done);
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
    if ((how & 2) && this.sock) {
      this.endAfterFlush = true;
      if (this.sock.connecting) this.sock.once('connect', () => this.flush());
      else this.flush();
    }
  }

  close(reset) {
    if (this.server) {
      this.server.close();
      this.server.removeAllListeners('connection');
      this.server.on('connection', (s) => s.resetAndDestroy());
      this.server = null;
      this._resetUnclaimed();
    }
    const sock = this.sock;
    if (sock) {
      sock.removeAllListeners('data');
      if (reset || this.pendingRx.length) sock.resetAndDestroy();
      else if (sock.connecting || (this._txEmpty() && sock.writableLength === 0)) {
        // Nothing left to send: close the descriptor now, and the kernel
        // does what close(2) does (FIN, or a reset for unread data or for
        // data that arrives later).
        sock.destroy();
      } else {
        this.endAfterFlush = true;
        // As a kernel does for a closed socket: data that still arrives
        // draws a reset (so the peer's writes fail), the peer's FIN ends it.
        sock.on('data', () => sock.resetAndDestroy());
        sock.on('end', () => sock.destroy());
        sock.resume();
        this.flush();
        // A peer that never closes must not keep the socket forever.
        sock.setTimeout(30_000, () => sock.destroy());
      }
    }
    this.hub.unregister(this);
  }

  // Connections accepted by Node that the guest never took are reset, as the
  // kernel resets the queue of a listener that closes.
  _resetUnclaimed() {
    for (const ep of this.hub.endpointsOf(this)) {
      if (!ep.hasFlags(F_CLAIMED)) {
        ep.sock.resetAndDestroy();
        this.hub.unregister(ep);
        this.hub.notice({ t: 'forget', id: ep.id });
      }
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
    else this.options[name] = value; // recorded (linger: read by close)
  }

  get localAddr() {
    return this.bindTarget;
  }
}

// The guest holds the lease only for one non-blocking write, so this wait is
// a few microseconds at most.
function revokeDescriptor(hdr) {
  while (Atomics.compareExchange(hdr, H_FD_LEASE, 0, 2) === 1) {
    // the guest is inside its write
  }
  Atomics.store(hdr, H_FD, 0);
}
