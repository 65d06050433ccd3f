// The worker's doorbell loop (js/host/channel.js, WorkerChannel) must outlive
// a kick handler that throws: the worker swallows uncaught exceptions, so a
// loop that died would stop silently and every later kick (a queued UDP
// datagram, a queued stream write) would wait forever. Found by the guest
// fuzzer (test/fuzz/guest-fuzz.mjs) as a datagram left in a send ring.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MessageChannel } from 'node:worker_threads';
import { GuestChannel, WorkerChannel } from '../../js/host/channel.js';
import { CONTROL_BYTES } from '../../js/host/layout.js';

async function until(condition, ms = 5000) {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) return false;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return true;
}

const ports = [];
afterEach(() => {
  for (const p of ports.splice(0)) p.close();
  vi.restoreAllMocks();
});

describe('the worker doorbell loop', () => {
  it('keeps taking kicks after a kick handler throws, and says so under host debugging', async () => {
    const printed = vi.spyOn(console, 'error').mockImplementation(() => {});
    const ctrl = new Int32Array(new SharedArrayBuffer(CONTROL_BYTES));
    const { port1, port2 } = new MessageChannel();
    ports.push(port1, port2);
    const kicked = [];
    const worker = new WorkerChannel(ctrl, port2, {
      request() {},
      kick(id) {
        kicked.push(id);
        if (id === 1) throw new TypeError('a socket whose kick fails');
      },
      kickAll() {},
    });
    worker.start();
    const guest = new GuestChannel(ctrl, port1, () => {});
    guest.kick(1);
    guest.kick(2);
    expect(await until(() => kicked.includes(2))).toBe(true);
    guest.kick(3); // a later doorbell, after the failure
    expect(await until(() => kicked.includes(3))).toBe(true);
    expect(kicked).toEqual([1, 2, 3]);
    expect(printed.mock.calls.some((args) => /kick of socket 1 failed/.test(String(args[0])))).toBe(true);
  });
});
