// Datagram sockets (UDP) on the worker, with Node's dgram module. Received
// datagrams go straight into the shared ring (dropped when it is full, as
// UDP drops them); the guest's sends arrive as records in the send ring.
//
// A connected socket's association is kept here rather than with Node's
// connect(): Node refuses a send with an address on a connected socket,
// which Linux sends, and Node cannot dissolve it with AF_UNSPEC the way a
// program expects of the kernel. Here, as in the kernel, the association
// is the default destination and a filter on what is received; the local
// address is the one the route to the peer uses.
import dgram from 'node:dgram';
import { Endpoint, answering } from './endpoint.js';
import { AF_INET6, AF_UNSPEC, E } from '../abi.js';
import { errnoFromNode } from '../errno.js';
import { decodeAddress, encodeAddress, fromNode, nodeHost } from '../addresses.js';
import {
  F_PEER, F_TX_WANT, H_FLAGS, H_RX_HEAD, H_RX_TAIL, H_TX_HEAD, H_TX_TAIL,
} from '../layout.js';
import { dgramDrop, dgramPeek, dgramPush } from '../rings.js';
import { applyDatagramOptions, changeMembership } from './options.js';

// Node's dgram sends in the order of the calls; Deno's may not.
const IN_ORDER_SENDS = globalThis.Deno === undefined;

// How long the probe for the route's local address may take.
const ROUTE_PROBE_MS = 1000;

export class DatagramEndpoint extends Endpoint {
  constructor(id, views, family, hub) {
    super(id, views);
    this.family = family;
    this.hub = hub;
    this.options = { broadcast: false, reuseAddr: false, v6Only: false, rcvBuf: 0, sndBuf: 0 };
    this.sock = null;
    this.bound = false;
    this.boundAddress = null; // what the socket was bound to (wildcard or not)
    this.peer = null;
    this.sending = 0;
    this.sendQueue = [];
    this.memberships = []; // joined before the socket was bound
  }

  _socket() {
    if (this.sock) return this.sock;
    const sock = dgram.createSocket({
      type: this.family === AF_INET6 ? 'udp6' : 'udp4',
      reuseAddr: this.options.reuseAddr,
      ipv6Only: this.options.v6Only,
    });
    sock.on('message', (msg, rinfo) => this._deliver(msg, rinfo));
    sock.on('error', (err) => {
      this.setError(errnoFromNode(err));
      this.hub.event();
    });
    sock.on('listening', () => {
      this.bound = true;
      const a = sock.address();
      this.boundAddress = fromNode(a.address, a.port, a.family);
      this.setLocal(this.boundAddress);
      applyDatagramOptions(sock, this.options);
      for (const m of this.memberships.splice(0)) changeMembership(sock, this.family, true, m.group, m.iface);
      this.hub.event();
    });
    this.sock = sock;
    return sock;
  }

  bind(addr, reply) {
    const sock = this._socket();
    const onError = answering(reply, (err) => {
      // A dgram socket whose bind failed is unusable; start afresh.
      this.sock = null;
      sock.close();
      reply({ errno: errnoFromNode(err) });
    });
    sock.once('error', onError);
    sock.bind({ address: nodeHost(addr), port: addr.port, exclusive: !this.options.reuseAddr }, answering(reply, () => {
      sock.off('error', onError);
      reply({ errno: 0 });
    }));
  }

  _bindAny(then) {
    if (this.bound) return then(null);
    const sock = this._socket();
    const onListening = () => {
      sock.off('error', onError);
      then(null);
    };
    const onError = (err) => {
      sock.off('listening', onListening);
      then(err);
    };
    sock.once('error', onError);
    sock.once('listening', onListening);
    try {
      sock.bind({ port: 0, address: this.family === AF_INET6 ? '::' : '0.0.0.0' });
    } catch (err) {
      // A bind is already under way (the guest's, or an earlier implicit
      // one): its 'listening' or 'error' answers this caller too.
      if (err.code !== 'ERR_SOCKET_ALREADY_BOUND') onError(err);
    }
  }

  connect(addr, reply) {
    if (addr.family === AF_UNSPEC) {
      this._dissolve();
      return reply({ errno: 0 });
    }
    this._bindAny(answering(reply, (err) => {
      if (err) return reply({ errno: errnoFromNode(err) });
      // Port 0 names no peer: Linux accepts it and the socket stays
      // unconnected (Node would throw).
      if (addr.port === 0) {
        this._dissolve();
        return reply({ errno: 0 });
      }
      routeSource(this.family, addr, answering(reply, (source) => {
        this.peer = addr;
        this.setPeer(addr);
        // Bound to the wildcard: the kernel names the route's address.
        if (source && isWildcard(this.boundAddress)) {
          this.setLocal({ ...source, port: this.boundAddress.port });
        }
        reply({ errno: 0 });
      }));
    }));
  }

  // connect(AF_UNSPEC): no peer, and the local address as bound.
  _dissolve() {
    this.peer = null;
    this.clearFlags(F_PEER);
    if (this.boundAddress) this.setLocal(this.boundAddress);
  }

  _deliver(msg, rinfo) {
    const from = fromNode(rinfo.address, rinfo.port, rinfo.family);
    // A connected socket hears only its peer, as in the kernel.
    if (this.peer && !samePeer(this.peer, from)) return;
    dgramPush(this.rx, this.hdr, H_RX_HEAD, H_RX_TAIL, msg, (bytes) => encodeAddress(from, bytes));
    this.hub.event();
  }

  /** Sends every record the guest queued. */
  kick() {
    if (!this.bound) {
      this._bindAny((err) => {
        if (err) {
          this.setError(errnoFromNode(err));
          this.hub.event();
        } else this.kick();
      });
      return;
    }
    let moved = false;
    for (;;) {
      const record = dgramPeek(this.tx, this.hdr, H_TX_HEAD, H_TX_TAIL);
      if (!record) break;
      const to = decodeAddress(record.addr);
      const payload = Buffer.from(record.payload);
      dgramDrop(this.hdr, H_TX_TAIL, record);
      moved = true;
      this._send(payload, to.family === AF_UNSPEC ? this.peer : to);
    }
    // Room in the ring is news only to a guest waiting for it (F_TX_WANT):
    // a wake-up per datagram sent would cost more than the send.
    if (moved && (Atomics.and(this.hdr, H_FLAGS, ~F_TX_WANT) & F_TX_WANT)) this.hub.event();
  }

  _send(payload, to) {
    const done = (err) => {
      if (err) {
        this.setError(errnoFromNode(err));
        this.hub.event();
      }
    };
    if (!to) return done({ code: 'EDESTADDRREQ' });
    // Linux refuses port 0 as a destination.
    if (to.port === 0) return done({ code: 'EINVAL' });
    if (IN_ORDER_SENDS) return this._sendNow(payload, to, done);
    // Deno's dgram resolves each destination asynchronously, so sends issued
    // together may leave out of order: one at a time there.
    this.sendQueue.push({ payload, to, done });
    if (this.sendQueue.length === 1) this._sendNext();
  }

  _sendNext() {
    const next = this.sendQueue[0];
    if (!next) return;
    this._sendNow(next.payload, next.to, (err) => {
      this.sendQueue.shift();
      next.done(err);
      this._sendNext();
    });
  }

  _sendNow(payload, to, done) {
    try {
      this.sock.send(payload, to.port, nodeHost(to), done);
    } catch (err) {
      done(err);
    }
  }

  /** IP_ADD/DROP_MEMBERSHIP and IPV6_JOIN/LEAVE_GROUP. */
  membership(msg, reply) {
    if (!this.bound) {
      // Node joins on a bound socket only: joined when it is bound.
      if (msg.join) this.memberships.push({ group: msg.group, iface: msg.iface });
      else {
        const at = this.memberships.findIndex((m) => m.group.address === msg.group.address);
        if (at < 0) return reply({ errno: E.ADDRNOTAVAIL });
        this.memberships.splice(at, 1);
      }
      return reply({ errno: 0 });
    }
    reply({ errno: changeMembership(this.sock, this.family, msg.join, msg.group, msg.iface) });
  }

  shutdown() {}

  // The handle stops receiving when it closes, and sends in flight hold
  // copies: the slot can go back at once.
  close() {
    if (this.sock) {
      try {
        this.sock.close();
      } catch {
        // already closed
      }
    }
    this.hub.unregister(this);
    this.release();
  }

  setOption(name, value) {
    this.options[name] = typeof this.options[name] === 'boolean' ? !!value : value;
    if (this.bound) applyDatagramOptions(this.sock, { [name]: this.options[name] });
  }
}

function isWildcard(addr) {
  return !addr || addr.address === '0.0.0.0' || addr.address === '::';
}

function samePeer(peer, from) {
  if (peer.port !== from.port) return false;
  if (peer.address === from.address) return true;
  // An IPv6 socket hears an IPv4 peer as its mapped address.
  return from.address === `::ffff:${peer.address}` || peer.address === `::ffff:${from.address}`;
}

// The local address the kernel's route to `peer` uses, learnt by
// connecting a throwaway socket (no packet is sent); null if it fails.
function routeSource(family, peer, then) {
  let settled = false;
  const probe = dgram.createSocket(family === AF_INET6 ? 'udp6' : 'udp4');
  const finish = (source) => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    try {
      probe.close();
    } catch {
      // already closed
    }
    then(source);
  };
  const timer = setTimeout(() => finish(null), ROUTE_PROBE_MS);
  probe.on('error', () => finish(null));
  try {
    probe.connect(peer.port || 9, nodeHost(peer), () => {
      try {
        const a = probe.address();
        finish(fromNode(a.address, 0, a.family));
      } catch {
        finish(null);
      }
    });
  } catch {
    finish(null);
  }
}
