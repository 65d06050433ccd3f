// A peer pushes up to 1 GiB into a socket the guest does not read. A kernel
// stops the sender once its buffers are full; the host must too (the ring
// fills, the worker stops reading, TCP's window closes), so the host's
// memory stays flat however much the peer tries to send. Then the guest
// reads: every byte the peer wrote arrives, in order.
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { MB, MiB, sampleMemory, size, startGuest } from './helpers.js';

const PUSH = 1024 * MiB; // what the peer tries to send
const PUSH_FOR_MS = size(15_000, 120_000); // at most this long
const STALLED_MS = 3_000; // no 'drain' for this long: the receiver is full
const GROWTH_LIMIT = 64 * MB; // "flat": the host may hold its ring, not the flood
const CHUNK = 64 * 1024;

// Chunk k's bytes: each chunk differs, so a lost or repeated one shows.
function chunkOf(k) {
  const buf = Buffer.alloc(CHUNK, k & 0xff);
  buf.writeUInt32LE(k, 0);
  return buf;
}

function byteSum(buf) {
  let sum = 0;
  for (let i = 0; i < buf.length; i++) sum += buf[i];
  return sum;
}

// Writes chunks until PUSH bytes, PUSH_FOR_MS, or STALLED_MS without
// progress; resolves with { bytes, sum } of all handed to write().
function push(sock) {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    let bytes = 0;
    let sum = 0;
    let k = 0;
    let stallTimer = null;
    const finish = () => {
      clearTimeout(stallTimer);
      resolve({ bytes, sum: sum >>> 0, stalled: bytes < PUSH });
    };
    const pump = () => {
      clearTimeout(stallTimer);
      while (bytes < PUSH && Date.now() - started < PUSH_FOR_MS) {
        const chunk = chunkOf(k++);
        bytes += chunk.length;
        sum = (sum + byteSum(chunk)) % 2 ** 32;
        if (!sock.write(chunk)) {
          stallTimer = setTimeout(finish, STALLED_MS);
          sock.once('drain', pump);
          return;
        }
      }
      finish();
    };
    sock.once('error', reject);
    pump();
  });
}

describe('load: a peer pushing into a socket the guest does not read', () => {
  it('keeps the host\'s memory flat while up to 1 GiB is pushed, then delivers every byte', async () => {
    const guest = startGuest(['hold']);
    const [, port] = await guest.line(/^port (\d+)$/);
    const sock = net.connect({ host: '127.0.0.1', port: Number(port) });
    await new Promise((resolve, reject) => sock.once('connect', resolve).once('error', reject));
    await guest.line(/^accepted/);
    const memory = sampleMemory(guest.child.pid, 50);
    const before = memory.peak;
    const pushed = await push(sock);
    const peak = memory.stop();
    sock.end();
    // Now the guest reads everything to the end of the stream.
    guest.child.stdin.write('read\n');
    const [, got, sum] = await guest.line(/^got (\d+) (\d+)$/, 300_000);
    expect(await guest.exited).toBe(0);
    expect(peak - before, `RSS ${Math.round(before / MB)} MB before the push, ${Math.round(peak / MB)} MB at most during it (${Math.round(pushed.bytes / MB)} MB pushed)`)
      .toBeLessThan(GROWTH_LIMIT);
    expect(pushed.stalled, 'the peer was stopped before 1 GiB (the receiver is full)').toBe(true);
    expect({ bytes: Number(got), sum: Number(sum) }).toEqual({ bytes: pushed.bytes, sum: pushed.sum });
  });
});
