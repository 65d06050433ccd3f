// The JS API on real loopback sockets: TCP (v4, v6), UDP, unix, blocking and
// non-blocking use, select, options, addresses and the shape of errors
// (lookups.test.js: the resolver, databases, conversions, the module).
import { describe, expect, it } from 'vitest';
import { catchError } from './catch-error.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ns from '../../js/index.js';
import { trackedSockets } from './tracked-sockets.js';

const {
  AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, IPPROTO_UDP, IPPROTO_TCP,
  IPPROTO_ICMP, SOL_SOCKET, SO_ERROR, SO_TYPE, SHUT_WR, NativeSocketsError,
} = ns;

const hasV6 = Object.values(os.networkInterfaces()).flat().some((i) => i.address === '::1');

const { track } = trackedSockets(ns);

function listener(family = AF_INET, address = family === AF_INET6 ? '::1' : '127.0.0.1') {
  const sock = track(ns.createNativeSocket(family, SOCK_STREAM));
  ns.bindAddr(sock, { address, port: 0 });
  ns.listen(sock);
  return { sock, port: ns.getSockName(sock), address };
}

function connectedPair(family = AF_INET) {
  const server = listener(family);
  const client = track(ns.createNativeSocket(family, SOCK_STREAM));
  ns.connect(client, { address: server.address, port: server.port });
  const accepted = ns.accept(server.sock);
  track(accepted.socket);
  return { server, client, peer: accepted.socket, peerAddress: accepted.address };
}

function recvExactly(sock, n) {
  const parts = [];
  let got = 0;
  while (got < n) {
    const chunk = ns.recv(sock, n - got);
    if (chunk.length === 0) break;
    parts.push(chunk);
    got += chunk.length;
  }
  return Buffer.concat(parts);
}

// A port nobody listens on: listen on port 0, note it, close it.
function closedPort() {
  const { sock, port } = listener();
  ns.close(sock);
  return port;
}

describe('TCP', () => {
  it('round trip over IPv4 with addresses on both ends', () => {
    const { server, client, peer, peerAddress } = connectedPair(AF_INET);
    expect(peerAddress).toBe('127.0.0.1');
    expect(ns.send(client, 'hello')).toBe(5);
    expect(recvExactly(peer, 5).toString()).toBe('hello');
    const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(ns.send(peer, binary)).toBe(256);
    const back = recvExactly(client, 256);
    expect(Buffer.isBuffer(back)).toBe(true);
    expect([...back]).toEqual([...binary]);

    const local = ns.getLocalAddr(client);
    expect(local.address).toBe('127.0.0.1');
    expect(local.port).toBeGreaterThan(0);
    expect(ns.getPeerAddr(client)).toEqual({ address: '127.0.0.1', port: server.port });
    expect(ns.getPeerAddr(peer)).toEqual(local);
    expect(ns.getLocalAddr(peer, AF_INET).port).toBe(server.port);
    expect(ns.getSockDomain(client)).toBe(AF_INET);
  });

  it.skipIf(!hasV6)('round trip over IPv6', () => {
    const { server, client, peer, peerAddress } = connectedPair(AF_INET6);
    expect(peerAddress).toBe('::1');
    ns.send(client, Buffer.from('over six'));
    expect(recvExactly(peer, 8).toString()).toBe('over six');
    ns.send(peer, new TextEncoder().encode('and back'));
    expect(recvExactly(client, 8).toString()).toBe('and back');
    expect(ns.getPeerAddr(client)).toEqual({ address: '::1', port: server.port });
    expect(ns.getSockDomain(peer)).toBe(AF_INET6);
    expect(ns.getSockName(server.sock)).toBe(server.port);
  });

  it('1 MiB through a non-blocking pair, interleaving send and select/recv', () => {
    const { client, peer } = connectedPair();
    ns.setBlocking(client, false);
    ns.setBlocking(peer, false);
    const total = 1 << 20;
    const data = Buffer.alloc(total);
    for (let i = 0; i < total; i++) data[i] = (i * 7 + (i >> 11)) & 0xff;
    const received = [];
    let sent = 0;
    let got = 0;
    let wouldBlock = 0;
    const deadline = Date.now() + 20_000;
    while (got < total && Date.now() < deadline) {
      if (sent < total) {
        try {
          sent += ns.send(client, data.subarray(sent, Math.min(total, sent + 100_000)));
        } catch (e) {
          if (e.code !== 'EAGAIN') throw e;
          wouldBlock++;
        }
      }
      if (ns.selectRead([peer], 50) === 1) {
        const chunk = ns.recv(peer, 65536);
        received.push(chunk);
        got += chunk.length;
      }
    }
    expect(got).toBe(total);
    expect(Buffer.concat(received).equals(data)).toBe(true);
    expect(wouldBlock).toBeGreaterThanOrEqual(0);
  });

  it('shutdown(SHUT_WR): the peer reads EOF and can still answer', () => {
    const { client, peer } = connectedPair();
    ns.send(client, 'last words');
    ns.shutdown(client, SHUT_WR);
    expect(recvExactly(peer, 10).toString()).toBe('last words');
    expect(ns.recv(peer, 100).length).toBe(0);
    ns.send(peer, 'reply');
    expect(recvExactly(client, 5).toString()).toBe('reply');
  });

  it('peer close: recv returns an empty Buffer, later sends fail with EPIPE or ECONNRESET', () => {
    const { client, peer } = connectedPair();
    ns.close(peer);
    const eof = ns.recv(client, 100);
    expect(Buffer.isBuffer(eof)).toBe(true);
    expect(eof.length).toBe(0);
    const e = catchError(() => {
      for (let i = 0; i < 200; i++) {
        ns.send(client, Buffer.alloc(1024));
        ns.selectRead([client], 10);
      }
    });
    expect(['EPIPE', 'ECONNRESET']).toContain(e.code);
  });

  it('connection refused is a NativeSocketsError with code, errno, syscall and a Node-like message', () => {
    const port = closedPort();
    const sock = track(ns.createNativeSocket(AF_INET, SOCK_STREAM));
    const e = catchError(() => ns.connect(sock, '127.0.0.1', port));
    expect(e).toBeInstanceOf(NativeSocketsError);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('NativeSocketsError');
    expect(e.code).toBe('ECONNREFUSED');
    expect(e.errno).toBe(ns.ErrorCode.ECONNREFUSED);
    expect(e.errno).toBe(-9);
    expect(e.syscall).toBe('connect');
    expect(e.address).toBe('127.0.0.1');
    expect(e.port).toBe(port);
    expect(e.message).toBe(`connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(e.description).toBe(ns.strerror(-9));
  });

  it('1000 connections in a row, each to a fresh listener, all succeed', () => {
    for (let i = 0; i < 1000; i++) {
      const server = ns.createNativeSocket();
      const client = ns.createNativeSocket();
      try {
        ns.bindAddr(server, '127.0.0.1', 0);
        ns.listen(server);
        const port = ns.getSockName(server);
        try {
          ns.connect(client, '127.0.0.1', port);
        } catch (e) {
          throw new Error(`connection ${i} to a listening port: ${e.message}`);
        }
        const { socket } = ns.accept(server);
        ns.send(client, 'x');
        expect(ns.recv(socket, 1).toString()).toBe('x');
        ns.close(socket);
      } finally {
        ns.close(client);
        ns.close(server);
      }
    }
  });

  it('bind to a port in use is EADDRINUSE', () => {
    const { port } = listener();
    const other = track(ns.createNativeSocket(AF_INET, SOCK_STREAM));
    const e = catchError(() => ns.bindAddr(other, '127.0.0.1', port));
    expect(e.code).toBe('EADDRINUSE');
    expect(e.syscall).toBe('bind');
  });

  it('getPeerAddr of an unconnected socket is ENOTCONN', () => {
    const sock = track(ns.createNativeSocket());
    expect(catchError(() => ns.getPeerAddr(sock)).code).toBe('ENOTCONN');
  });
});

describe('non-blocking sockets and select', () => {
  it('recv and accept with nothing there throw EAGAIN', () => {
    const { server, client } = connectedPair();
    ns.setBlocking(client, false);
    const e = catchError(() => ns.recv(client, 10));
    expect(e.code).toBe('EAGAIN');
    expect(e.errno).toBe(ns.ErrorCode.EAGAIN);
    expect(e.syscall).toBe('recv');
    ns.setBlocking(server.sock, false);
    const a = catchError(() => ns.accept(server.sock));
    expect(a.code).toBe('EAGAIN');
    expect(a.syscall).toBe('accept');
    ns.setBlocking(client, true);
  });

  it('connect throws EINPROGRESS, selectWrite reports it done, SO_ERROR is 0', () => {
    const server = listener();
    const client = track(ns.createNativeSocket());
    ns.setBlocking(client, false);
    const e = catchError(() => ns.connect(client, '127.0.0.1', server.port));
    expect(e.code).toBe('EINPROGRESS');
    const socks = [client];
    expect(ns.selectWrite(socks, 5000)).toBe(1);
    expect(socks).toEqual([client]);
    expect(ns.getSockOptInt(client, SOL_SOCKET, SO_ERROR)).toBe(0);
    const { socket, address } = ns.accept(server.sock);
    track(socket);
    expect(address).toBe('127.0.0.1');
    expect(ns.getPeerAddr(socket)).toEqual(ns.getLocalAddr(client));
  });

  it('a refused non-blocking connect: writable, then SO_ERROR holds ECONNREFUSED', () => {
    const port = closedPort();
    const client = track(ns.createNativeSocket());
    ns.setBlocking(client, false);
    try {
      ns.connect(client, '127.0.0.1', port);
    } catch (e) {
      if (e.code !== 'EINPROGRESS') expect(e.code).toBe('ECONNREFUSED');
    }
    expect(ns.selectWrite([client], 5000)).toBe(1);
    const soError = ns.getSockOptInt(client, SOL_SOCKET, SO_ERROR);
    expect(soError).not.toBe(0);
    expect(ns.errName(ns.errorFromNative(soError))).toBe('ECONNREFUSED');
  });

  it('selectRead: 0 polls, a timeout returns 0, data and connections make sockets ready', () => {
    const { server, client, peer } = connectedPair();
    let socks = [peer, client];
    let t = Date.now();
    expect(ns.selectRead(socks, 0)).toBe(0);
    expect(socks).toEqual([]);
    expect(Date.now() - t).toBeLessThan(2000);

    socks = [peer, client];
    t = Date.now();
    expect(ns.selectRead(socks, 150)).toBe(0);
    expect(Date.now() - t).toBeGreaterThanOrEqual(100);

    ns.send(client, 'x');
    socks = [client, peer];
    expect(ns.selectRead(socks, 5000)).toBe(1);
    expect(socks).toEqual([peer]);
    expect(ns.recv(peer, 1).toString()).toBe('x');

    expect(ns.selectRead([server.sock], 0)).toBe(0);
    const late = track(ns.createNativeSocket());
    ns.connect(late, '127.0.0.1', server.port);
    socks = [server.sock];
    expect(ns.selectRead(socks, 5000)).toBe(1);
    track(ns.accept(server.sock).socket);
  });

  it('selectWrite: a connected socket can write at once; empty array with timeout 0 is 0', () => {
    const { client } = connectedPair();
    const socks = [client];
    expect(ns.selectWrite(socks, 0)).toBe(1);
    expect(ns.selectWrite([], 0)).toBe(0);
  });
});

describe('UDP', () => {
  function udp(family = AF_INET, address = family === AF_INET6 ? '::1' : '127.0.0.1') {
    const sock = track(ns.createNativeSocket(family, SOCK_DGRAM));
    ns.bindAddr(sock, { address, port: 0 });
    return { sock, port: ns.getSockName(sock), address };
  }

  it('sendTo / recvFrom report the sender', () => {
    const a = udp();
    const b = udp();
    expect(ns.sendTo(a.sock, 'ping', { address: '127.0.0.1', port: b.port })).toBe(4);
    const got = ns.recvFrom(b.sock, 100);
    expect(got.data.toString()).toBe('ping');
    expect(got).toMatchObject({ family: AF_INET, address: '127.0.0.1', port: a.port });
    expect(ns.sendto(b.sock, Buffer.from('pong'), got.address, got.port)).toBe(4);
    const back = ns.recvfrom(a.sock);
    expect(back.data.toString()).toBe('pong');
    expect(back.port).toBe(b.port);
  });

  it('a datagram longer than the buffer is cut; the rest is gone', () => {
    const a = udp();
    const b = udp();
    ns.sendTo(a.sock, Buffer.alloc(100, 0x61), '127.0.0.1', b.port);
    ns.sendTo(a.sock, 'second', '127.0.0.1', b.port);
    expect(ns.recvFrom(b.sock, 10).data.length).toBe(10);
    expect(ns.recvFrom(b.sock, 100).data.toString()).toBe('second');
  });

  it.skipIf(!hasV6)('over IPv6', () => {
    const a = udp(AF_INET6);
    const b = udp(AF_INET6);
    ns.sendTo(a.sock, 'six', '::1', b.port);
    expect(ns.recvFrom(b.sock)).toMatchObject({ family: AF_INET6, address: '::1', port: a.port });
  });

  it('repeated sends to numeric addresses reach each port; the socket\'s family still decides', () => {
    const a = udp();
    const b = udp();
    const c = udp();
    for (let i = 0; i < 3; i++) {
      ns.sendTo(a.sock, `b${i}`, '127.0.0.1', b.port);
      ns.sendTo(a.sock, `c${i}`, { address: '127.0.0.1', port: c.port });
    }
    for (let i = 0; i < 3; i++) {
      expect(ns.recvFrom(b.sock).data.toString()).toBe(`b${i}`);
      expect(ns.recvFrom(c.sock).data.toString()).toBe(`c${i}`);
    }
    // The same text and port from an IPv6 socket is that family's answer,
    // not the IPv4 sockaddr the sends above used.
    const six = track(ns.createNativeSocket(AF_INET6, SOCK_DGRAM));
    for (let i = 0; i < 2; i++) {
      expect(ns.sendTo(six, `six${i}`, '127.0.0.1', b.port)).toBe(4);
      expect(ns.recvFrom(b.sock)).toMatchObject({ family: AF_INET, address: '127.0.0.1', data: Buffer.from(`six${i}`) });
    }
  });

  it('recvInto fills the caller\'s buffer and returns the count', () => {
    const a = udp();
    const b = udp();
    ns.sendTo(a.sock, 'datagram', '127.0.0.1', b.port);
    const into = new Uint8Array(32);
    expect(ns.recvInto(b.sock, into)).toBe(8);
    expect(Buffer.from(into.subarray(0, 8)).toString()).toBe('datagram');
    expect(() => ns.recvInto(b.sock, 42)).toThrow(TypeError);
  });

  it('a non-blocking UDP socket with nothing queued: recvFrom throws EAGAIN', () => {
    const a = udp();
    ns.setBlocking(a.sock, false);
    expect(catchError(() => ns.recvFrom(a.sock)).code).toBe('EAGAIN');
  });
});

describe('unix stream sockets', () => {
  it('bind, listen, connect, accept and a round trip through a socket file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-unix-'));
    try {
      const file = path.join(dir, 's.sock');
      const server = track(ns.createNativeSocket(AF_UNIX, SOCK_STREAM));
      ns.bindAddr(server, { path: file });
      ns.listen(server);
      expect(fs.statSync(file).isSocket()).toBe(true);
      expect(ns.getSockDomain(server)).toBe(AF_UNIX);
      const client = track(ns.createNativeSocket(AF_UNIX, SOCK_STREAM));
      ns.connect(client, { path: file });
      const { socket, address } = ns.accept(server);
      track(socket);
      expect(address).toBe('unix');
      ns.send(client, 'over a file');
      expect(recvExactly(socket, 11).toString()).toBe('over a file');
      ns.send(socket, 'ok');
      expect(recvExactly(client, 2).toString()).toBe('ok');
      expect(catchError(() => ns.getLocalAddr(client)).code).toBe('EAFNOSUPPORT');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // Skipped under Bun (scripts/runtimes.sh): Bun's node:net reports a
  // connection to a path nobody listens on as made.
  it.skipIf(process.versions.bun)('connect to a path nobody listens on is ENOENT or ECONNREFUSED', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-unix-'));
    try {
      const missing = track(ns.createNativeSocket(AF_UNIX, SOCK_STREAM));
      const e = catchError(() => ns.connect(missing, { path: path.join(dir, 'nobody.sock') }));
      expect(['ENOENT', 'ECONNREFUSED']).toContain(e.code);
      expect(e.path).toBe(path.join(dir, 'nobody.sock'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a path longer than sun_path is ENAMETOOLONG', () => {
    const sock = track(ns.createNativeSocket(AF_UNIX, SOCK_STREAM));
    expect(catchError(() => ns.bindAddr(sock, { path: `/tmp/${'x'.repeat(200)}` })).code).toBe('ENAMETOOLONG');
  });
});

describe('socket options, flags and ioctl (the native constants at work)', () => {
  it('integer options read back what was set', () => {
    const s = track(ns.createNativeSocket());
    ns.setSockOptInt(s, SOL_SOCKET, ns.SO_REUSEADDR, 1);
    expect(ns.getSockOptInt(s, SOL_SOCKET, ns.SO_REUSEADDR)).not.toBe(0);
    ns.setSockOptInt(s, SOL_SOCKET, ns.SO_KEEPALIVE, 1);
    expect(ns.getSockOptInt(s, SOL_SOCKET, ns.SO_KEEPALIVE)).not.toBe(0);
    ns.setSockOptInt(s, SOL_SOCKET, ns.SO_KEEPALIVE, 0);
    expect(ns.getSockOptInt(s, SOL_SOCKET, ns.SO_KEEPALIVE)).toBe(0);
    ns.setSockOptInt(s, ns.IPPROTO_TCP_LEVEL, ns.TCP_NODELAY, true);
    expect(ns.getSockOptInt(s, ns.IPPROTO_TCP_LEVEL, ns.TCP_NODELAY)).not.toBe(0);
    ns.setSockOptInt(s, ns.IPPROTO_TCP_LEVEL, ns.TCP_NODELAY, 0);
    expect(ns.getSockOptInt(s, ns.IPPROTO_TCP_LEVEL, ns.TCP_NODELAY)).toBe(0);
    ns.setSockOptInt(s, SOL_SOCKET, ns.SO_RCVBUF, 65536);
    expect(ns.getSockOptInt(s, SOL_SOCKET, ns.SO_RCVBUF)).toBeGreaterThanOrEqual(65536);
    expect(ns.getSockOptInt(s, SOL_SOCKET, SO_TYPE)).toBe(ns.toInt(SOCK_STREAM, ns.SockType));
    const d = track(ns.createNativeSocket(AF_INET, SOCK_DGRAM));
    expect(ns.getSockOptInt(d, SOL_SOCKET, SO_TYPE)).toBe(ns.sockTypeToInt(SOCK_DGRAM));
    ns.setSockOptInt(d, SOL_SOCKET, ns.SO_BROADCAST, 1);
    expect(ns.getSockOptInt(d, SOL_SOCKET, ns.SO_BROADCAST)).not.toBe(0);
  });

  it('SO_ACCEPTCONN tells a listener; IPV6_V6ONLY on an IPv6 socket', () => {
    const { sock } = listener();
    expect(ns.getSockOptInt(sock, SOL_SOCKET, ns.SO_ACCEPTCONN)).not.toBe(0);
    expect(ns.getSockOptInt(track(ns.createNativeSocket()), SOL_SOCKET, ns.SO_ACCEPTCONN)).toBe(0);
    const six = track(ns.createNativeSocket(AF_INET6, SOCK_STREAM));
    ns.setSockOptInt(six, ns.IPPROTO_IPV6_LEVEL, ns.IPV6_V6ONLY, 1);
    expect(ns.getSockOptInt(six, ns.IPPROTO_IPV6_LEVEL, ns.IPV6_V6ONLY)).not.toBe(0);
  });

  it('an unknown option is ENOPROTOOPT', () => {
    const s = track(ns.createNativeSocket());
    const e = catchError(() => ns.getSockOptInt(s, SOL_SOCKET, 9999));
    expect(e.code).toBe('ENOPROTOOPT');
    expect(e.syscall).toBe('getsockopt');
    expect(catchError(() => ns.setSockOptInt(s, 12345, 1, 1)).code).toBe('ENOPROTOOPT');
  });

  it('MSG_PEEK leaves the data; FIONREAD counts it; FIONBIO makes recv EAGAIN', () => {
    const { client, peer } = connectedPair();
    ns.send(client, 'peekaboo');
    expect(ns.selectRead([peer], 5000)).toBe(1);
    const deadline = Date.now() + 5000;
    while (ns.ioctlsocket(peer, ns.FIONREAD) < 8 && Date.now() < deadline) ns.selectRead([peer], 20);
    expect(ns.ioctlsocket(peer, ns.FIONREAD)).toBe(8);
    expect(ns.recv(peer, 4, ns.MSG_PEEK).toString()).toBe('peek');
    expect(ns.recv(peer, 8).toString()).toBe('peekaboo');
    expect(ns.ioctlsocket(peer, ns.FIONREAD)).toBe(0);
    ns.ioctlsocket(peer, ns.FIONBIO, 1);
    expect(catchError(() => ns.recv(peer, 8)).code).toBe('EAGAIN');
    ns.ioctlsocket(peer, ns.FIONBIO, 0);
    ns.send(client, '!');
    expect(ns.recv(peer, 8).toString()).toBe('!');
    expect(catchError(() => ns.ioctlsocket(peer, 0x1234)).code).toBe('EINVAL');
  });

  it('SHUT_RD, SHUT_RDWR and a bad `how`', () => {
    const { client, peer } = connectedPair();
    ns.shutdown(peer, ns.SHUT_RD);
    ns.shutdown(client, ns.SHUT_RDWR);
    expect(ns.recv(peer, 10).length).toBe(0);
    expect(catchError(() => ns.shutdown(client, 77)).code).toBe('EINVAL');
  });

  it('setInheritable and inheritable sockets', () => {
    const s = track(ns.createNativeSocket(AF_INET, SOCK_STREAM, IPPROTO_TCP, true));
    ns.setInheritable(s, false);
    ns.setInheritable(s, true);
    const { sock } = listener();
    const c = track(ns.createNativeSocket());
    ns.connect(c, '127.0.0.1', ns.getSockName(sock));
    track(ns.accept(sock, true).socket);
  });
});
