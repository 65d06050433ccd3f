// The host's lifecycle with real sockets on loopback: once the worker is
// gone no byte goes anywhere and no call waits for it; every request the
// guest makes gets an answer; bytes send() took are delivered after close
// and exit.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as ns from '../../js/index.js';
import crypto from 'node:crypto';
import { H_FD, H_TX_HEAD, H_TX_TAIL } from '../../js/host/layout.js';
import { startNodePeer } from './node-peer.js';
import { catchError } from './catch-error.js';

const cleanups = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0)) await fn();
  await ns.closeHost();
});
afterAll(() => ns.closeHost());

const SINK = `
  const server = net.createServer((c) => {
    let bytes = 0;
    c.on('data', (d) => { bytes += d.length; });
    c.on('end', () => port.postMessage({ bytes }));
    c.on('error', () => port.postMessage({ bytes, error: true }));
  });
  server.listen(0, '127.0.0.1', () => port.postMessage(server.address().port));`;

function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-lifecycle-'));
  cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// Opens files until one gets descriptor number `wanted` (the lowest free
// number comes first); returns its path, or null. Keeps them open until the
// test ends.
function fileOnDescriptor(wanted) {
  const dir = tempDir();
  const fds = [];
  cleanups.push(() => fds.forEach((fd) => fs.closeSync(fd)));
  for (let i = 0; i < 256; i++) {
    const file = path.join(dir, `f${i}`);
    const fd = fs.openSync(file, 'w');
    fds.push(fd);
    if (fd === wanted) return file;
  }
  return null;
}

describe('after the worker is gone no direct write happens', () => {
  for (const [how, stop] of [
    ['worker.terminate()', (host) => host.worker.terminate()],
    ['host.close()', (host) => host.close()],
  ]) {
    it(`${how}: send is ENETDOWN and a file opened on the old descriptor gets no byte`, async () => {
      const peer = startNodePeer(SINK, {}, cleanups);
      const port = await peer.next();
      const c = ns.createNativeSocket();
      ns.connect(c, '127.0.0.1', port);
      ns.send(c, 'before');
      const host = ns.getHost();
      const sock = host.fds.get(c).sock;
      const kernelFd = Atomics.load(sock.hdr, H_FD) - 1;
      expect(kernelFd).toBeGreaterThanOrEqual(0); // the direct path was open
      await stop(host);
      const file = fileOnDescriptor(kernelFd);
      expect(file).not.toBeNull();
      const err = catchError(() => ns.send(c, 'after the worker died'));
      expect(err.code).toBe('ENETDOWN');
      expect(fs.statSync(file).size).toBe(0);
    });
  }
});

describe('a dead worker is seen within a second', () => {
  const SECOND = 1000;

  function timed(fn) {
    const start = performance.now();
    const err = catchError(fn);
    return { err, ms: performance.now() - start };
  }

  function setUp() {
    const l = ns.createNativeSocket();
    ns.bindAddr(l, { address: '127.0.0.1', port: 0 });
    ns.listen(l, 4);
    const port = ns.getLocalAddr(l, ns.AF_INET).port;
    const c = ns.createNativeSocket();
    ns.connect(c, '127.0.0.1', port);
    const { socket: a } = ns.accept(l);
    return { l, port, c, a };
  }

  const calls = {
    accept: ({ l }) => ns.accept(l),
    recv: ({ a }) => ns.recv(a, 10),
    connect: ({ port }) => ns.connect(ns.createNativeSocket(), '127.0.0.1', port),
  };

  for (const [name, call] of Object.entries(calls)) {
    it(`${name} after worker.terminate(): ENETDOWN at once`, () => {
      const s = setUp();
      ns.getHost().worker.terminate(); // not awaited: the guest goes on at once
      const { err, ms } = timed(() => call(s));
      expect(err?.code).toBe('ENETDOWN');
      expect(ms).toBeLessThan(SECOND);
    });

  }

  // A loopback connect does not stay blocked long enough to be caught.
  for (const name of ['accept', 'recv']) {
    it(`${name} blocked while the worker exits: ENETDOWN within a second`, () => {
      const s = setUp();
      ns.getHost().debug('exit', { afterMs: 200 });
      const { err, ms } = timed(() => calls[name](s));
      expect(err?.code).toBe('ENETDOWN');
      expect(ms).toBeLessThan(200 + SECOND);
    });
  }
});

describe('every request is answered', () => {
  it('connect() on a bound socket that has been connected to returns (the port goes to the connection)', async () => {
    const peer = startNodePeer(`
      const server = net.createServer((c) => c.on('error', () => {}));
      server.listen(0, '127.0.0.1', () => port.postMessage(server.address().port));
      port.on('message', (p) => {
        const c = net.connect(p, '127.0.0.1', () => port.postMessage('in'));
        c.on('error', () => {});
      });`, {}, cleanups);
    const serverPort = await peer.next();
    const s = ns.createNativeSocket();
    ns.bindAddr(s, { address: '127.0.0.1', port: 0 });
    const bound = ns.getLocalAddr(s, ns.AF_INET).port;
    peer.worker.postMessage(bound);
    expect(await peer.next()).toBe('in'); // a connection reached the bound socket
    ns.connect(s, '127.0.0.1', serverPort);
    expect(ns.getLocalAddr(s, ns.AF_INET).port).toBe(bound);
    expect(ns.getPeerAddr(s, ns.AF_INET).port).toBe(serverPort);
  });

  it('a UDP connect to port 0 is answered (and leaves the socket unconnected)', () => {
    const u = ns.createNativeSocket(ns.AF_INET, ns.SOCK_DGRAM, ns.IPPROTO_UDP);
    ns.connect(u, '127.0.0.1', 0);
    const err = catchError(() => ns.send(u, 'nowhere'));
    expect(err.code).toBe('EDESTADDRREQ');
  });

  it('a request the worker never answers fails at its deadline, and the worker counts as wedged', () => {
    const host = ns.getHost();
    host.channel.requestDeadlineMs = 300;
    const start = performance.now();
    expect(() => host.debug('ignore')).toThrow();
    expect(performance.now() - start).toBeLessThan(10_000);
    expect(host.channel.dead).toBe(true);
    expect(catchError(() => ns.createNativeSocket()).code).toBe('ENETDOWN');
  });
});

// Run in a child process: on a regression the recv waits for good, and
// the child's deadline turns that into a failure instead of a hung suite.
const TORN_DOWN_READER = `
  import fs from 'node:fs';
  import * as ns from ${JSON.stringify(new URL('../../js/index.js', import.meta.url).href)};
  const c = ns.createNativeSocket();
  ns.connect(c, '127.0.0.1', Number(process.env.PEER_PORT));
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200); // the ring fills
  ns.setBlocking(c, false);
  const chunk = Buffer.alloc(65536, 2);
  for (let i = 0; i < 400; i++) {
    try { ns.send(c, chunk); } catch (e) { if (e.code !== 'EAGAIN') throw e; break; }
  }
  ns.setBlocking(c, true);
  console.log('queued');
  fs.readSync(0, Buffer.alloc(3));
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300); // the worker fails the socket
  let total = 0;
  try {
    for (;;) { const b = ns.recv(c, 65536); if (b.length === 0) break; total += b.length; }
    console.log('end after', total);
  } catch (e) {
    console.log('error', e.code, 'after', total);
  }
  process.exit(0);`;

describe('a connection torn down while the guest reads its kernel socket', () => {
  // The worker fills the ring and leaves reading to the guest (F_RX_DIRECT);
  // a send queued in the ring then fails on the peer's reset and the worker
  // closes the socket, revoking the descriptor. The guest's recv must see
  // the bytes the ring holds and then the error; it used to hand reading
  // back to a worker that could no longer read, and wait for good.
  it('recv returns the ring\'s bytes, then ECONNRESET, and never waits for good', async () => {
    const net = await import('node:net');
    const { spawn } = await import('node:child_process');
    const server = net.createServer((c) => {
      c.on('error', () => {});
      c.write(Buffer.alloc(1 << 20, 1));
      c.pause(); // reads nothing: the guest's sends back up into its ring
      server.conn = c;
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => server.close(r)));
    const child = spawn(process.execPath, ['--input-type=module', '-e', TORN_DOWN_READER], {
      env: { ...process.env, PEER_PORT: String(server.address().port) },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (String(d).includes('queued')) {
        server.conn.resetAndDestroy();
        setTimeout(() => child.stdin.write('go\n'), 50);
      }
    });
    const code = await new Promise((r) => child.on('exit', (c) => r(c)));
    clearTimeout(timer);
    expect(code).toBe(0); // not killed at its deadline
    expect(out).toMatch(/^error ECONNRESET after \d+$/m);
    expect(Number(/after (\d+)/.exec(out)[1])).toBeGreaterThan(0); // the ring's bytes came first
  }, 30_000);
});

describe('a non-blocking call never waits', () => {
  it('send to a peer that finished sending and stopped reading: EAGAIN once full', async () => {
    const peer = startNodePeer(`
      const server = net.createServer((c) => { c.pause(); c.end(); c.on('error', () => {}); });
      server.listen(0, '127.0.0.1', () => port.postMessage(server.address().port));`, {}, cleanups);
    const port = await peer.next();
    const c = ns.createNativeSocket();
    ns.connect(c, '127.0.0.1', port);
    expect(ns.recv(c, 10).length).toBe(0); // the peer's FIN
    ns.setBlocking(c, false);
    const block = Buffer.alloc(65536, 0x41);
    let err = null;
    for (let i = 0; i < 10_000 && err === null; i++) {
      try {
        ns.send(c, block);
      } catch (e) {
        err = e;
      }
    }
    expect(err?.code).toBe('EAGAIN');
  });
});

describe('bytes send() took are delivered after close and after exit', () => {
  // Reads nothing for a while (so the sender's kernel buffer and ring
  // fill), then everything, and reports what it got once the sender's FIN
  // (or a reset) ends the stream.
  const LATE_READER = `
    const server = net.createServer((c) => {
      const hash = crypto.createHash('sha256');
      let bytes = 0;
      c.pause();
      setTimeout(() => c.resume(), 1000);
      c.on('data', (d) => { hash.update(d); bytes += d.length; });
      c.on('end', () => port.postMessage({ bytes, sha256: hash.digest('hex'), fin: true }));
      c.on('error', (e) => port.postMessage({ bytes, error: e.code }));
    });
    server.listen(0, '127.0.0.1', () => port.postMessage(server.address().port));`;

  // Non-blocking sends until the kernel and the ring are full; returns the
  // bytes taken and their hash.
  function fill(c) {
    const hash = crypto.createHash('sha256');
    let total = 0;
    ns.setBlocking(c, false);
    for (let i = 0; ; i++) {
      const block = Buffer.alloc(65536, i & 0xff);
      let n;
      try {
        n = ns.send(c, block);
      } catch (err) {
        expect(err.code).toBe('EAGAIN');
        break;
      }
      hash.update(block.subarray(0, n));
      total += n;
    }
    return { total, sha256: hash.digest('hex') };
  }

  for (const [how, end] of [
    ['the guest exits', () => {}],
    ['the guest closes, then exits', (c) => ns.close(c)],
  ]) {
    it(`${how} with its send ring full: the peer reads every byte, then FIN`, async () => {
      const peer = startNodePeer(LATE_READER, {}, cleanups);
      const port = await peer.next();
      const c = ns.createNativeSocket();
      ns.connect(c, '127.0.0.1', port);
      const sent = fill(c);
      const queued = ns.getHost().fds.get(c).sock;
      expect(Atomics.load(queued.hdr, H_TX_HEAD) - Atomics.load(queued.hdr, H_TX_TAIL)).toBeGreaterThan(0);
      expect(sent.total).toBeGreaterThanOrEqual(256 * 1024);
      end(c);
      await ns.closeHost(); // what runWasi does when the program exits
      const got = await peer.next();
      expect(got).toEqual({ bytes: sent.total, sha256: sent.sha256, fin: true });
    }, 60_000);
  }

  it('SO_LINGER with a zero time: close resets, the queued bytes are dropped', async () => {
    const peer = startNodePeer(LATE_READER, {}, cleanups);
    const port = await peer.next();
    const c = ns.createNativeSocket();
    ns.connect(c, '127.0.0.1', port);
    const sent = fill(c);
    const host = ns.getHost();
    // The worker's hook for the option (setsockopt's plumbing posts this).
    host.channel.post({ op: 'option', id: host.fds.get(c).sock.id, name: 'linger', value: { on: true, seconds: 0 } });
    ns.close(c);
    // A paused Node reader sees the reset as an early end (or ECONNRESET):
    // either way the bytes still queued never come.
    const got = await peer.next();
    expect(got.bytes).toBeLessThan(sent.total);
  }, 60_000);
});

describe('the listen backlog is honoured', () => {
  it('a backlog-1 listener that never accepts holds a few of 200 connections, not 200', async () => {
    const l = ns.createNativeSocket();
    ns.bindAddr(l, { address: '127.0.0.1', port: 0 });
    ns.listen(l, 1);
    const port = ns.getLocalAddr(l, ns.AF_INET).port;
    const peer = startNodePeer(`
      const socks = [];
      let settled = 0;
      for (let i = 0; i < 200; i++) {
        const c = net.connect(data.port, '127.0.0.1');
        socks.push(c);
        const done = () => { if (++settled === 200) setTimeout(() => port.postMessage('done'), 500); };
        c.once('connect', done);
        c.once('error', done);
      }`, { port }, cleanups);
    expect(await peer.next()).toBe('done');
    const count = ns.getHost().debug('count');
    expect(count.endpoints).toBeLessThanOrEqual(4); // the listener and its queue (backlog + 1)
    expect(count.held).toBeLessThanOrEqual(4);
    // What it holds is a working queue.
    const { socket } = ns.accept(l);
    expect(socket).toBeGreaterThan(0);
  }, 60_000);
});

describe('a guest holds at most maxSockets sockets', () => {
  it('socket() beyond the limit is EMFILE, and closing one makes room', async () => {
    const { instantiateReactor } = await import('../../js/host/index.js');
    const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
    const wasm = fs.readFileSync(path.join(root, 'build/wasi/hostile.wasm'));
    const { exports: x, host } = instantiateReactor(wasm, { maxSockets: 3 });
    cleanups.push(() => host.close());
    const EMFILE = 33;
    const fds = [x.open_tcp_socket(), x.open_tcp_socket(), x.open_tcp_socket()];
    for (const fd of fds) expect(fd).toBeGreaterThanOrEqual(3);
    expect(x.open_tcp_socket()).toBe(-EMFILE);
    expect(x.close_descriptor(fds[0])).toBe(0);
    expect(x.open_tcp_socket()).toBeGreaterThanOrEqual(3);
  });
});

describe('a peer pushing into a socket nobody reads', () => {
  it('the host holds at most the ring and 1 MiB; the rest waits in the kernel', async () => {
    const peer = startNodePeer(`
      const server = net.createServer((c) => {
        const block = Buffer.alloc(1 << 16, 0x42);
        let sent = 0;
        const pump = () => {
          while (sent < (64 << 20)) {
            sent += block.length;
            if (!c.write(block)) return c.once('drain', pump);
          }
        };
        pump();
        c.on('error', () => {});
        setTimeout(() => port.postMessage(sent), 1500);
      });
      server.listen(0, '127.0.0.1', () => port.postMessage(server.address().port));`, {}, cleanups);
    const port = await peer.next();
    const c = ns.createNativeSocket();
    ns.connect(c, '127.0.0.1', port);
    const pushed = await peer.next();
    expect(pushed).toBeGreaterThan(2 << 20); // the peer did push hard
    expect(pushed).toBeLessThan(64 << 20); // and the kernel made it wait
    const { heldBytes } = ns.getHost().debug('count');
    expect(heldBytes).toBeLessThanOrEqual((1 << 20) + (1 << 16));
    ns.close(c);
  });
});
