// Socket memory comes from a pool both threads share, so connection churn
// runs at flat memory and open connections cost little: many thousand
// connect/accept/close cycles with a few sockets open at a time, and a
// thousand connections open at once, measured by the process's RSS. (A
// fresh 512 KiB SharedArrayBuffer pair per connection took RSS to 2 GB
// after 20,000 cycles.) NS_LONG=1 runs the full 100,000 cycles.
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import * as ns from '../../js/index.js';
import { startNodePeer } from './node-peer.js';

const MiB = 1 << 20;
const cleanups = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0)) await fn();
});
afterAll(() => ns.closeHost());

const rss = () => process.memoryUsage().rss;

function listener() {
  const l = ns.createNativeSocket();
  ns.bindAddr(l, { address: '127.0.0.1', port: 0 });
  ns.listen(l, 8);
  return { l, port: ns.getLocalAddr(l, ns.AF_INET).port };
}

// Each cycle: connect, accept, one byte each way, close both ends.
function churn(l, port, cycles) {
  for (let i = 0; i < cycles; i++) {
    const c = ns.createNativeSocket();
    ns.connect(c, '127.0.0.1', port);
    const { socket: a } = ns.accept(l);
    ns.send(c, 'x');
    expect(ns.recv(a, 1).length).toBe(1);
    ns.send(a, 'y');
    expect(ns.recv(c, 1).length).toBe(1);
    ns.close(c);
    ns.close(a);
  }
}

describe('connection churn runs at flat memory', () => {
  it('10,000 connect/accept/close cycles grow RSS by less than 100 MB', () => {
    const { l, port } = listener();
    churn(l, port, 500); // warm up: the pool's first chunks, JIT, heap
    const before = rss();
    churn(l, port, 10_000);
    const grown = rss() - before;
    console.log(`churn: RSS ${(before / MiB).toFixed(0)} MB, grew ${(grown / MiB).toFixed(1)} MB over 10,000 cycles`);
    expect(grown).toBeLessThan(100 * MiB);
    expect(ns.openSockets()).toBe(1);
    // The pool reuses slots: a handful of chunks, not one per connection.
    expect(ns.getHost().sockets.pool.carved).toBeLessThanOrEqual(64);
    ns.close(l);
  }, 300_000);

  it.runIf(process.env.NS_LONG === '1')('100,000 cycles keep RSS under 200 MB', () => {
    const { l, port } = listener();
    let peak = 0;
    for (let done = 0; done < 100_000; done += 5_000) {
      churn(l, port, 5_000);
      peak = Math.max(peak, rss());
    }
    console.log(`churn: peak RSS ${(peak / MiB).toFixed(0)} MB over 100,000 cycles`);
    expect(peak).toBeLessThan(200 * MiB);
    ns.close(l);
  }, 1_800_000);
});

describe('open connections are cheap', () => {
  it('1,000 open connections cost less than 1 MiB of host memory each', async () => {
    const peer = startNodePeer(`
      const server = net.createServer((c) => c.on('data', (d) => c.write(d)));
      server.listen(0, '127.0.0.1', () => port.postMessage(server.address().port));`, {}, cleanups);
    const port = await peer.next();
    const warm = ns.createNativeSocket();
    ns.connect(warm, '127.0.0.1', port);
    ns.close(warm);
    const before = rss();
    const socks = [];
    const message = Buffer.alloc(64, 0x61);
    for (let i = 0; i < 1000; i++) {
      const c = ns.createNativeSocket();
      ns.connect(c, '127.0.0.1', port);
      ns.send(c, message);
      socks.push(c);
    }
    for (const c of socks) {
      let got = 0;
      while (got < 64) got += ns.recv(c, 64 - got).length;
    }
    const perConnection = (rss() - before) / 1000;
    console.log(`open connections: ${(perConnection / 1024).toFixed(1)} KiB of RSS each`);
    for (const c of socks) ns.close(c);
    expect(ns.openSockets()).toBe(0);
    expect(perConnection).toBeLessThan(MiB);
  }, 120_000);
});
