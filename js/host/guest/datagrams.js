// The guest's side of datagram sockets (UDP), mirroring the worker's
// datagrams.js: connect (the default peer), datagrams through the rings as
// records with their address, and multicast membership. These are
// SocketLayer methods (sockets.js joins them to its prototype); recv, send
// and connect in streams.js hand datagram sockets here.
import { AF_UNSPEC, E, MAX_DATAGRAM, OP, SOCK_DGRAM as DGRAM } from '../abi.js';
import { decodeAddress, encodeAddress } from '../addresses.js';
import { concat } from './buffers.js';
import * as options from './options.js';
import { F_PEER, F_TX_WANT, H_FLAGS, H_RX_HEAD, H_RX_TAIL, H_TX_HEAD, H_TX_TAIL } from '../layout.js';
import { dgramDrop, dgramFits, dgramPeek, dgramPush } from '../rings.js';

export class DatagramPaths {
  _connectDatagram(sock, guestAddr) {
    // AF_UNSPEC dissolves the association (a socket with none: nothing to do).
    if (guestAddr.family === AF_UNSPEC) {
      // The worker has never heard of a socket with no association.
      if (!sock.opened) return 0;
      return this.channel.request({ op: OP.CONNECT, id: sock.id, addr: guestAddr }).errno;
    }
    const { errno, addr } = this._target(sock, guestAddr, 'send');
    if (errno) return errno;
    return this.channel.request(this._open(sock, { op: OP.CONNECT, id: sock.id, addr })).errno;
  }

  _recvDatagram(sock, dsts, peek) {
    let from = null;
    let truncated = false;
    const n = this._block(sock, () => {
      const record = dgramPeek(sock.rx, sock.hdr, H_RX_HEAD, H_RX_TAIL);
      if (record === null) {
        const err = sock.takeError();
        if (err) return -err;
        // After shutdown(SHUT_RD) an empty queue reads as 0, as on Linux
        // (the usual way to wake a thread blocked in recv).
        return sock.shutRd ? 0 : undefined;
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

  /** IP_ADD/DROP_MEMBERSHIP, IPV6_JOIN/LEAVE_GROUP: 0 or an errno. */
  membership(sock, join, group, iface) {
    if (sock.type !== DGRAM) return E.NOPROTOOPT;
    if (!options.membershipFits(sock, group)) return E.INVAL;
    return this.channel.request(this._open(sock, { op: OP.MEMBERSHIP, id: sock.id, join, group, iface })).errno;
  }
}
