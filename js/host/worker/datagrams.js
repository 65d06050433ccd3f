// Datagram sockets (UDP) on the worker, with Node's dgram module. Received
// datagrams go straight into the shared ring (dropped when it is full, as
// UDP drops them); the guest's sends arrive as records in the send ring.
import dgram from 'node:dgram';
import { Endpoint, answering } from './endpoint.js';
import { errnoFromNode } from '../errno.js';
import {
  AF_INET6, AF_UNSPEC, decodeAddress, encodeAddress, fromNode, nodeHost,
} from '../addresses.js';
import { F_PEER, H_RX_HEAD, H_RX_TAIL, H_TX_HEAD, H_TX_TAIL } from '../layout.js';
import { dgramDrop, dgramPeek, dgramPush } from '../rings.js';

export class DatagramEndpoint extends Endpoint {
  constructor(id, views, family, hub) {
    super(id, views);
    this.family = family;
    this.hub = hub;
    this.options = { broadcast: false, reuseAddr: false, v6Only: false, rcvBuf: 0, sndBuf: 0 };
    this.sock = null;
    this.bound = false;
    this.sending = 0;
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
      this.setLocal(fromNode(a.address, a.port, a.family));
      this._applyOptions();
      this.hub.event();
    });
    this.sock = sock;
    return sock;
  }

  _applyOptions() {
    const sock = this.sock;
    try {
      sock.setBroadcast(this.options.broadcast);
      if (this.options.rcvBuf) sock.setRecvBufferSize(this.options.rcvBuf);
      if (this.options.sndBuf) sock.setSendBufferSize(this.options.sndBuf);
    } catch {
      // Best effort: the values stay recorded for getsockopt.
    }
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
    const onError = (err) => then(err);
    sock.once('error', onError);
    sock.bind({ port: 0, address: this.family === AF_INET6 ? '::' : '0.0.0.0' }, () => {
      sock.off('error', onError);
      then(null);
    });
  }

  connect(addr, reply) {
    this._bindAny(answering(reply, (err) => {
      if (err) return reply({ errno: errnoFromNode(err) });
      const sock = this.sock;
      if (this.peer) {
        sock.disconnect();
        this.peer = null;
        this.clearFlags(F_PEER);
      }
      // Port 0 names no peer: Linux accepts it and the socket stays
      // unconnected (Node would throw).
      if (addr.port === 0) return reply({ errno: 0 });
      const onError = (e) => reply({ errno: errnoFromNode(e) });
      sock.once('error', onError);
      const finish = answering(reply, () => {
        sock.off('error', onError);
        this.setPeer(addr);
        reply({ errno: 0 });
      });
      this.peer = addr;
      sock.connect(addr.port, nodeHost(addr), finish);
    }));
  }

  _deliver(msg, rinfo) {
    const from = fromNode(rinfo.address, rinfo.port, rinfo.family);
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
      const done = (err) => {
        if (err) {
          this.setError(errnoFromNode(err));
          this.hub.event();
        }
      };
      try {
        if (to.family === AF_UNSPEC) this.sock.send(payload, done);
        else this.sock.send(payload, to.port, nodeHost(to), done);
      } catch (err) {
        done(err);
      }
    }
    if (moved) this.hub.event();
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
    if (name in this.options) this.options[name] = typeof this.options[name] === 'boolean' ? !!value : value;
    if (this.bound) this._applyOptions();
  }
}
