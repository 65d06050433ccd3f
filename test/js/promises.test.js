// nativesockets/promises on real loopback sockets: the blocking API's
// results and errors as promises, many calls pending at once, an event
// loop that stays free (timers and Node's own net peers in this same thread
// keep running), cancellation with AbortSignal, and name lookups off the
// thread.
import { describe, expect, it } from 'vitest';
import { setMaxListeners } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import dgram from 'node:dgram';
import { catchError } from './catch-error.js';
import { startNodePeer } from './node-peer.js';
import * as ns from '../../js/promises.js';
import * as blocking from '../../js/index.js';
import { trackedSockets } from './tracked-sockets.js';

const { AF_INET, SOCK_STREAM, SOCK_DGRAM, AbortError, NativeSocketsError } = ns;

const { track, cleanups, opened } = trackedSockets(ns);

function listener(backlog) {
  const sock = track(ns.createNativeSocket(AF_INET, SOCK_STREAM));
  ns.bindAddr(sock, { address: '127.0.0.1', port: 0 });
  ns.listen(sock, backlog);
  return { sock, port: ns.getSockName(sock) };
}

function nodeServer(onConnection) {
  const server = net.createServer(onConnection);
  const sockets = new Set();
  server.on('connection', (c) => { sockets.add(c); c.on('close', () => sockets.delete(c)); });
  cleanups.push(() => {
    for (const c of sockets) c.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
}

async function connectedPair() {
  const server = listener();
  const client = track(ns.createNativeSocket());
  const accepting = ns.accept(server.sock);
  await ns.connect(client, { address: '127.0.0.1', port: server.port });
  const { socket } = await accepting;
  return { client, peer: track(socket) };
}

async function recvExactly(sock, n) {
  const parts = [];
  let got = 0;
  while (got < n) {
    const chunk = await ns.recv(sock, n - got);
    if (chunk.length === 0) break;
    parts.push(chunk);
    got += chunk.length;
  }
  return Buffer.concat(parts);
}

// The longest gap between ticks of a 10 ms interval, minus the interval.
function lagMonitor() {
  let last = performance.now();
  let maxLag = 0;
  let ticks = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxLag = Math.max(maxLag, now - last - 10);
    last = now;
    ticks++;
  }, 10);
  return { stop: () => (clearInterval(timer), { maxLag, ticks }) };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Liveness bounds, not speed figures. While calls only wait, a free event
// loop runs a 10 ms timer on time, give or take the machine's scheduling (a
// loaded 2-core machine delays any thread by tens of milliseconds); a call
// that blocked or spun on the thread would hold it for the whole wait. While
// 1,000 connections arrive at once, the thread works, in slices: no tick
// may wait for all of that work.
const MAX_IDLE_LAG_MS = 100;
const MAX_BUSY_LAG_MS = 1000;

describe('results as the blocking API', () => {
  it('echoes through an async server to Node net clients in the same thread', async () => {
    const server = listener();
    const serve = (async () => {
      for (let i = 0; i < 20; i++) {
        const { socket, address } = await ns.accept(server.sock);
        expect(address).toBe('127.0.0.1');
        (async () => {
          for (;;) {
            const data = await ns.recv(socket, 1024);
            if (data.length === 0) break;
            await ns.send(socket, data);
          }
          ns.close(socket);
        })();
      }
    })();
    const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => new Promise((resolve, reject) => {
      const c = net.connect(server.port, '127.0.0.1', () => c.write(`hello ${i}`));
      let got = '';
      c.on('data', (d) => { got += d; if (got.length >= `hello ${i}`.length) c.end(); });
      c.on('close', () => resolve(got));
      c.on('error', reject);
    })));
    await serve;
    expect(answers).toEqual(Array.from({ length: 20 }, (_, i) => `hello ${i}`));
  });

  it('connects, sends and receives against a Node net server in the same thread', async () => {
    const port = await nodeServer((c) => c.pipe(c));
    const sock = track(ns.createNativeSocket());
    await ns.connect(sock, { address: '127.0.0.1', port });
    expect(ns.getPeerAddr(sock)).toEqual({ address: '127.0.0.1', port });
    const big = Buffer.alloc(3 * 1024 * 1024 + 7);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 0xff;
    const sending = ns.send(sock, big);
    const echoed = await recvExactly(sock, big.length);
    expect(await sending).toBe(big.length);
    expect(echoed.equals(big)).toBe(true);
  });

  it('connects by host name (looked up off the thread) as the blocking connect does', async () => {
    const port = await nodeServer((c) => c.end('hi'));
    const sock = track(ns.createNativeSocket());
    await ns.connect(sock, 'localhost', port);
    expect(await recvExactly(sock, 2)).toEqual(Buffer.from('hi'));
  });

  it('leaves a blocking socket blocking, and a non-blocking one non-blocking', async () => {
    // The mode as the host holds it (a diagnostic view: the API has no getter).
    const nonBlocking = (sock) => ns.getHost().fds.get(sock).sock.nonblock;
    const { client, peer } = await connectedPair();
    const reading = ns.recv(peer, 10);
    await sleep(20); // the recv has waited (and retried) on a non-blocking moment
    await ns.send(client, 'a');
    expect((await reading).toString()).toBe('a');
    expect([nonBlocking(client), nonBlocking(peer)]).toEqual([false, false]);
    // Still blocking: this blocking recv waits for the data rather than failing with EAGAIN.
    setTimeout(() => blocking.send(client, 'b'), 0);
    ns.setBlocking(peer, false);
    const e = await ns.recv(peer, 10).catch((err) => err);
    expect(e).toBeInstanceOf(NativeSocketsError);
    expect(e.code).toBe('EAGAIN');
    expect(nonBlocking(peer)).toBe(true);
    ns.setBlocking(peer, true);
    await sleep(20);
    expect(blocking.recv(peer, 10).toString()).toBe('b');
  });

  it('recvInto fills the caller\'s buffer (blocking and promises)', async () => {
    const { client, peer } = await connectedPair();
    await ns.send(client, 'hello world');
    const buf = Buffer.alloc(5);
    expect(await ns.recvInto(peer, buf)).toBe(5);
    expect(buf.toString()).toBe('hello');
    const rest = new Uint8Array(16);
    expect(blocking.recvInto(peer, rest)).toBe(6);
    expect(Buffer.from(rest.subarray(0, 6)).toString()).toBe(' world');
    ns.shutdown(client, ns.SHUT_WR);
    expect(await ns.recvInto(peer, rest)).toBe(0);
    expect(() => blocking.recvInto(peer, 'text')).toThrow(TypeError);
  });

  it('sends and receives datagrams with Node dgram', async () => {
    const udp = dgram.createSocket('udp4');
    udp.on('message', (msg, rinfo) => udp.send(Buffer.concat([Buffer.from('re:'), msg]), rinfo.port, rinfo.address));
    await new Promise((resolve) => udp.bind(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => udp.close(resolve)));
    const sock = track(ns.createNativeSocket(AF_INET, SOCK_DGRAM));
    ns.bindAddr(sock, { address: '127.0.0.1', port: 0 });
    const answer = ns.recvFrom(sock, 100);
    expect(await ns.sendTo(sock, 'ping', { address: '127.0.0.1', port: udp.address().port })).toBe(4);
    const got = await answer;
    expect(got.data.toString()).toBe('re:ping');
    expect(got).toMatchObject({ family: AF_INET, address: '127.0.0.1', port: udp.address().port });
  });

  it('selectRead resolves with the ready sockets, and with 0 when the time is up', async () => {
    const { client, peer } = await connectedPair();
    const socks = [peer];
    const start = performance.now();
    expect(await ns.selectRead(socks, 100)).toBe(0);
    expect(performance.now() - start).toBeGreaterThanOrEqual(90);
    setTimeout(() => blocking.send(client, 'x'), 30);
    const ready = [client, peer];
    expect(await ns.selectRead(ready, -1)).toBe(1);
    expect(ready).toEqual([peer]);
    const writable = [client];
    expect(await ns.selectWrite(writable, 0)).toBe(1);
  });

  it('resolves lookups as the blocking calls do', async () => {
    expect(await ns.getAddrInfo('localhost', 80)).toEqual(blocking.getAddrInfo('localhost', 80));
    expect(await ns.getAddrInfo('127.0.0.1', 7, AF_INET)).toEqual(blocking.getAddrInfo('127.0.0.1', 7, AF_INET));
    expect(await ns.getHostByName('localhost')).toEqual(blocking.getHostByName('localhost'));
    expect(await ns.getHostByAddr('127.0.0.1')).toEqual(blocking.getHostByAddr('127.0.0.1'));
  });

  it('is the package\'s export "nativesockets/promises", with its types', async () => {
    const byName = await import('nativesockets/promises');
    expect(byName.recv).toBe(ns.recv);
    const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(fs.existsSync(new URL(`../../${pkg.exports['./promises'].types}`, import.meta.url))).toBe(true);
  });

  it('keeps the calls that never wait synchronous', () => {
    const sock = ns.createNativeSocket();
    expect(typeof sock).toBe('number');
    expect(ns.bindAddr(sock, { address: '127.0.0.1', port: 0 })).toBeUndefined();
    expect(ns.close(sock)).toBeUndefined();
    expect(ns.getServByName('http', 'tcp').port).toBe(80);
  });
});

describe('errors as the blocking API', () => {
  it('a refused connect rejects with the blocking connect\'s error', async () => {
    const server = listener();
    const port = server.port;
    ns.close(server.sock);
    const expected = catchError(() => blocking.connect(track(ns.createNativeSocket()), '127.0.0.1', port));
    const e = await ns.connect(track(ns.createNativeSocket()), '127.0.0.1', port).catch((err) => err);
    expect(e).toBeInstanceOf(NativeSocketsError);
    expect({ ...e, message: e.message }).toEqual({ ...expected, message: expected.message });
    expect(e.code).toBe('ECONNREFUSED');
    expect(e.syscall).toBe('connect');
  });

  it('a bad socket is EBADF, a bad argument a TypeError, both as the blocking call', async () => {
    const e = await ns.recv(123456).catch((err) => err);
    expect(e).toMatchObject({ code: 'EBADF', errno: ns.ErrorCode.EBADF, syscall: 'recv' });
    await expect(ns.send(1, 42)).rejects.toThrow(TypeError);
    await expect(ns.recv('x')).rejects.toThrow(TypeError);
  });

  it('an unknown name rejects with the blocking lookup\'s error', async () => {
    const expected = catchError(() => blocking.getAddrInfo('no-such-host.invalid'));
    const e = await ns.getAddrInfo('no-such-host.invalid').catch((err) => err);
    expect(e).toBeInstanceOf(NativeSocketsError);
    expect(e.message).toBe(expected.message);
    expect(e).toMatchObject({ code: 'EAI_NONAME', errno: expected.errno, hostname: 'no-such-host.invalid' });
  });

  it('a call pending on a closed socket never touches the socket that reuses its number', async () => {
    const first = await connectedPair();
    const pending = ns.recv(first.peer, 64).catch((err) => err);
    const selecting = ns.selectRead([first.peer], -1).catch((err) => err);
    await sleep(20);
    ns.close(first.peer);
    // In the same turn: a new connection, likely on the freed number, with data.
    const second = await connectedPair();
    blocking.send(second.client, 'for the new socket');
    const e = await pending;
    expect(e).toBeInstanceOf(NativeSocketsError);
    expect(e).toMatchObject({ code: 'EBADF', syscall: 'recv' });
    expect((await selecting).code).toBe('EBADF');
    expect((await ns.recv(second.peer, 64)).toString()).toBe('for the new socket');
  });

  it('closing a socket rejects the call pending on it', async () => {
    const { peer } = await connectedPair();
    const pending = ns.recv(peer, 10);
    await sleep(20);
    ns.close(peer);
    const e = await pending.catch((err) => err);
    expect(e).toBeInstanceOf(NativeSocketsError);
    expect(e.code).toBe('EBADF');
  });
});

describe('cancellation', () => {
  it('an abort rejects a pending recv with an AbortError and leaves the socket usable', async () => {
    const { client, peer } = await connectedPair();
    const controller = new AbortController();
    const pending = ns.recv(peer, 10, { signal: controller.signal });
    await sleep(20);
    controller.abort(new Error('enough'));
    const e = await pending.catch((err) => err);
    expect(e).toBeInstanceOf(AbortError);
    expect(e.name).toBe('AbortError');
    expect(e.code).toBe('ABORT_ERR');
    expect(e.cause.message).toBe('enough');
    await ns.send(client, 'after');
    expect((await ns.recv(peer, 10)).toString()).toBe('after');
  });

  it('an aborted signal rejects at once; an abort of accept leaves the connection for the next', async () => {
    const server = listener();
    await expect(ns.accept(server.sock, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(AbortError);
    const controller = new AbortController();
    const first = ns.accept(server.sock, false, { signal: controller.signal });
    controller.abort();
    await expect(first).rejects.toMatchObject({ name: 'AbortError' });
    const client = track(ns.createNativeSocket());
    await ns.connect(client, '127.0.0.1', server.port);
    const { socket } = await ns.accept(server.sock);
    track(socket);
    expect(typeof socket).toBe('number');
  });

  it('an abort of a lookup rejects it', async () => {
    const controller = new AbortController();
    const pending = ns.getAddrInfo('localhost', 0, AF_INET, SOCK_STREAM, ns.IPPROTO_TCP, { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortError);
  });

  it('a timeout signal ends a connect that waits', async () => {
    const sock = track(ns.createNativeSocket(AF_INET, SOCK_DGRAM));
    ns.bindAddr(sock, { address: '127.0.0.1', port: 0 });
    await expect(ns.recvFrom(sock, 10, { signal: AbortSignal.timeout(50) })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('many calls at once, the event loop free', () => {
  const N = 1000;

  it(`${N} pending accepts and then ${N} pending recvs, while a timer keeps its time`, async () => {
    const server = listener(N);
    const lag = lagMonitor();
    const accepts = Array.from({ length: N }, () => ns.accept(server.sock));
    // The clients live in a worker thread: this thread only serves.
    const peer = startNodePeer(`
      const socks = [];
      await Promise.all(Array.from({ length: data.n }, () => new Promise((resolve, reject) => {
        const c = net.connect(data.port, '127.0.0.1', resolve);
        c.on('error', reject);
        socks.push(c);
      })));
      port.postMessage('connected');
      await new Promise((resolve) => port.once('message', resolve));
      socks.forEach((c, i) => c.write('m' + i));
      port.postMessage('sent');
      await new Promise((resolve) => port.once('message', resolve));
      socks.forEach((c) => c.destroy());
    `, { n: N, port: server.port }, cleanups);
    expect(await peer.next()).toBe('connected');
    const accepted = await Promise.all(accepts);
    accepted.forEach((a) => track(a.socket));
    expect(new Set(accepted.map((a) => a.socket)).size).toBe(N);
    const recvs = accepted.map((a) => ns.recv(a.socket, 16));
    // Every recv is pending now; the thread must stay free.
    const idle = lagMonitor();
    await sleep(300);
    const idleLag = idle.stop();
    peer.worker.postMessage('send');
    expect(await peer.next()).toBe('sent');
    const got = (await Promise.all(recvs)).map(String);
    peer.worker.postMessage('close');
    const { maxLag, ticks } = lag.stop();
    expect(got.sort()).toEqual(Array.from({ length: N }, (_, i) => 'm' + i).sort());
    expect(ticks).toBeGreaterThan(10);
    expect(maxLag).toBeLessThan(MAX_BUSY_LAG_MS);
    expect(idleLag.ticks).toBeGreaterThan(10);
    expect(idleLag.maxLag).toBeLessThan(MAX_IDLE_LAG_MS);
  });

  it(`${N} idle pending recvs cost the event loop nothing and burn no CPU`, async () => {
    const pairs = [];
    for (let i = 0; i < 50; i++) pairs.push(await connectedPair());
    const controller = new AbortController();
    setMaxListeners(N + 10, controller.signal);
    const recvs = [];
    for (let i = 0; i < N; i++) recvs.push(ns.recv(pairs[i % 50].peer, 1, { signal: controller.signal }).catch((e) => e));
    const lag = lagMonitor();
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    await sleep(500);
    const cpu = process.cpuUsage(cpuBefore);
    const wall = performance.now() - wallBefore;
    const { maxLag, ticks } = lag.stop();
    controller.abort();
    const results = await Promise.all(recvs);
    expect(results.every((r) => r instanceof AbortError)).toBe(true);
    expect(ticks).toBeGreaterThan(20);
    expect(maxLag).toBeLessThan(MAX_IDLE_LAG_MS);
    // Waiting is sleeping: the process (every thread) used a small part of
    // the wall time, where polling or spinning would use all of it.
    expect((cpu.user + cpu.system) / 1000).toBeLessThan(wall * 0.3);
  });
});

describe('closing the host', () => {
  it('closeHost rejects the calls pending on its sockets (and a later call loads a fresh instance)', async () => {
    const { peer } = await connectedPair();
    const pending = ns.recv(peer, 10).catch((err) => err);
    const pendingSelect = ns.selectRead([peer], -1).catch((err) => err);
    await sleep(20);
    opened.splice(0);
    await ns.closeHost();
    const e = await pending;
    expect(e).toBeInstanceOf(NativeSocketsError);
    expect(['ENETDOWN', 'EBADF']).toContain(e.code);
    expect(['ENETDOWN', 'EBADF']).toContain((await pendingSelect).code);
    const again = await connectedPair();
    await ns.send(again.client, 'fresh');
    expect((await ns.recv(again.peer, 10)).toString()).toBe('fresh');
  });
});
