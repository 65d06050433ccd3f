// The host's fast paths, checked for what they must never change: a send
// written straight to the kernel socket and one queued in the ring arrive in
// order; a peer that resets mid-stream fails the sender and never lets bytes
// leak into another connection; the resolver's remembered /etc/hosts answers
// are the system's own and are dropped when the file changes.
import { describe, expect, it } from 'vitest';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ns from '../../js/index.js';
import { SocketHost } from '../../js/host/index.js';
import { startNodePeer } from './node-peer.js';
import { catchError } from './catch-error.js';
import { trackedSockets } from './tracked-sockets.js';

const { track, cleanups, opened } = trackedSockets(ns);

// A sink that reads slowly now and then (so the sender's kernel buffer
// fills and sends switch between the direct path and the ring), and reports
// the byte count and SHA-256 of everything it received.
const SLOW_SINK = `
  const server = net.createServer((c) => {
    const hash = crypto.createHash('sha256');
    let bytes = 0, chunks = 0;
    c.on('data', (d) => {
      hash.update(d);
      bytes += d.length;
      if (++chunks % 64 === 0) { c.pause(); setTimeout(() => c.resume(), 5); }
    });
    c.on('end', () => port.postMessage({ bytes, sha256: hash.digest('hex') }));
  });
  server.listen(0, '127.0.0.1', () => port.postMessage(server.address().port));`;

function pattern(length, seed) {
  const b = Buffer.alloc(length);
  for (let i = 0; i < length; i++) b[i] = (i * 31 + seed * 7 + (i >> 8)) & 0xff;
  return b;
}

describe('stream sends: the direct path and the ring keep the byte order', () => {
  it('48 MiB in mixed sizes, blocking and non-blocking, arrive whole and in order', async () => {
    const peer = startNodePeer(SLOW_SINK, {}, cleanups);
    const port = await peer.next();
    const c = track(ns.createNativeSocket());
    ns.connect(c, '127.0.0.1', port);
    const hash = crypto.createHash('sha256');
    let total = 0, seed = 0;
    const sizes = [1, 7, 1500, 65536, 200_000, 3, 131_072, 64, 1 << 20];
    while (total < 48 << 20) {
      const data = pattern(sizes[seed % sizes.length], seed);
      seed++;
      let sent = 0;
      if (seed % 5 === 0) {
        // Non-blocking: what the call accepts is sent, EAGAIN sends nothing.
        ns.setBlocking(c, false);
        try {
          sent = ns.send(c, data);
        } catch (err) {
          expect(err.code).toBe('EAGAIN');
        }
        ns.setBlocking(c, true);
      }
      while (sent < data.length) sent += ns.send(c, data.subarray(sent));
      hash.update(data);
      total += data.length;
    }
    ns.shutdown(c, ns.SHUT_WR);
    const report = await peer.next();
    expect(report.bytes).toBe(total);
    expect(report.sha256).toBe(hash.digest('hex'));
  }, 60_000);
});

describe('a peer that resets mid-stream', () => {
  it('fails the sender, and no byte reaches a connection opened after it', async () => {
    const resetter = startNodePeer(`
      const server = net.createServer((c) => {
        let bytes = 0;
        c.on('data', (d) => { bytes += d.length; if (bytes > 100_000) c.resetAndDestroy(); });
        c.on('error', () => {});
      });
      server.listen(0, '127.0.0.1', () => port.postMessage(server.address().port));`, {}, cleanups);
    const recorder = startNodePeer(`
      const server = net.createServer((c) => {
        const got = [];
        c.on('data', (d) => got.push(d));
        c.on('end', () => port.postMessage(Buffer.concat(got).toString('latin1')));
      });
      server.listen(0, '127.0.0.1', () => port.postMessage(server.address().port));`, {}, cleanups);
    const [resetPort, recordPort] = [await resetter.next(), await recorder.next()];
    const doomed = track(ns.createNativeSocket());
    ns.connect(doomed, '127.0.0.1', resetPort);
    const block = Buffer.alloc(65536, 0x58);
    let failure = null;
    for (let i = 0; i < 10_000 && failure === null; i++) {
      try {
        ns.send(doomed, block);
      } catch (err) {
        failure = err;
      }
    }
    expect(failure).not.toBeNull();
    expect(['EPIPE', 'ECONNRESET']).toContain(failure.code);
    // A new connection may get the reset one's kernel descriptor number in
    // the worker; sends on the dead socket must not find their way into it.
    const fresh = track(ns.createNativeSocket());
    ns.connect(fresh, '127.0.0.1', recordPort);
    for (let i = 0; i < 3; i++) {
      const err = catchError(() => ns.send(doomed, block));
      expect(['EPIPE', 'ECONNRESET']).toContain(err.code);
    }
    ns.send(fresh, 'only this');
    ns.shutdown(fresh, ns.SHUT_WR);
    expect(await recorder.next()).toBe('only this');
  }, 30_000);
});

describe('names of /etc/hosts: the system answer is remembered until the file changes', () => {
  const hints = { flags: 0, family: 0, type: 1, protocol: 6 };

  function countedHost(databases) {
    const host = new SocketHost({ databases });
    cleanups.push(() => host.close());
    const ops = [];
    const request = host.channel.request.bind(host.channel);
    host.channel.request = (msg) => (ops.push(msg.op), request(msg));
    return { host, lookups: () => ops.filter((op) => op === 'resolve').length };
  }

  it('a listed name asks the system once; an unlisted one every time', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-hosts-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const hostsFile = path.join(dir, 'hosts');
    fs.writeFileSync(hostsFile, '127.0.0.1 localhost\n');
    const { host, lookups } = countedHost({ hosts: hostsFile });
    const first = host.resolver.resolve('localhost', null, hints);
    expect(first.eai).toBe(0);
    expect(first.results.map((r) => r.addr.address)).toContain('127.0.0.1');
    expect(host.resolver.resolve('localhost', null, hints)).toEqual(first);
    expect(lookups()).toBe(1);

    // Another file: the remembered answers go.
    fs.writeFileSync(hostsFile, '127.0.0.1 localhost\n127.0.0.1 another-name\n');
    expect(host.resolver.resolve('localhost', null, hints)).toEqual(first);
    expect(lookups()).toBe(2);

    const unlisted = 'no-such-host.invalid';
    const a = host.resolver.resolve(unlisted, null, hints);
    const b = host.resolver.resolve(unlisted, null, hints);
    expect(a.eai).not.toBe(0);
    expect(b).toEqual(a);
    expect(lookups()).toBe(4);
  });
});

describe('a datagram sent right after socket(), unbound', () => {
  it('goes out (the kick may overtake the socket\'s creation) and its echo comes back', async () => {
    const peer = startNodePeer(`
      const dgram = require('node:dgram');
      const s = dgram.createSocket('udp4');
      s.on('message', (m, r) => s.send(m, r.port, r.address));
      s.bind(0, '127.0.0.1', () => port.postMessage(s.address().port));`, {}, cleanups);
    const port = await peer.next();
    for (let i = 0; i < 50; i++) {
      const c = track(ns.createNativeSocket(ns.AF_INET, ns.SOCK_DGRAM, ns.IPPROTO_UDP));
      ns.sendTo(c, `datagram ${i}`, '127.0.0.1', port);
      // Waits with a timeout: a datagram that never left must fail the
      // test, not block this thread for good.
      expect(ns.selectRead([c], 5000)).toBe(1);
      const echo = ns.recvFrom(c);
      expect(echo.data.toString()).toBe(`datagram ${i}`);
      expect(echo.port).toBe(port);
      ns.close(c);
      opened.pop();
    }
  }, 30_000);
});
