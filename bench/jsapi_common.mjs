// What both JS API clients (client_jsapi.mjs, client_jsapi_more.mjs) do the
// same way: a TCP connection with Nagle off, a send of every byte, and one
// connect to the accept-and-close peer.
import * as ns from '../js/index.js';

export function connectTcp(host, port) {
  const sock = ns.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM, ns.IPPROTO_TCP);
  ns.connect(sock, { address: host, port });
  ns.setSockOptInt(sock, ns.IPPROTO_TCP_LEVEL, ns.TCP_NODELAY, 1);
  return sock;
}

export function sendAll(sock, data) {
  for (let off = 0; off < data.length;) {
    off += ns.send(sock, off === 0 ? data : data.subarray(off));
  }
}

// One connection to the peer that accepts and closes: connect, then its end.
export function connectOnce(host, port) {
  const sock = ns.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM, ns.IPPROTO_TCP);
  ns.connect(sock, { address: host, port });
  const got = ns.recv(sock, 1);
  ns.close(sock);
  if (got.length !== 0) throw new Error('connect: the peer did not close');
}
