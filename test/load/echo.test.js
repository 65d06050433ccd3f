// 1,000 concurrent connections through a wasm echo server under the host,
// every byte checked: each connection sends its own bytes and must get
// exactly those back, in order (a SHA-256 of each direction).
import crypto from 'node:crypto';
import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { size, startGuest } from './helpers.js';

const CONNECTIONS = 1000;
const PER_CONNECTION = size(32 * 1024, 1024 * 1024); // bytes each way
const PIECE = 4096;

// Connection i's bytes: distinct per connection and per offset.
function bytesOf(i) {
  const seed = crypto.createHash('sha256').update(`connection ${i}`).digest();
  const out = Buffer.alloc(PER_CONNECTION);
  for (let off = 0; off < out.length; off += seed.length) {
    seed.copy(out, off);
    seed.writeUInt32LE(off, 0);
  }
  return out;
}

function connect(port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.once('connect', () => resolve(sock));
    sock.once('error', reject);
  });
}

// Sends `data` in pieces (respecting backpressure) and resolves with the
// digest and count of what came back, once PER_CONNECTION bytes did.
function exchange(sock, data) {
  return new Promise((resolve, reject) => {
    const back = crypto.createHash('sha256');
    let got = 0;
    sock.on('data', (d) => {
      back.update(d);
      got += d.length;
      if (got >= data.length) {
        sock.end();
        resolve({ got, digest: back.digest('hex') });
      }
    });
    sock.on('error', reject);
    sock.on('end', () => { if (got < data.length) reject(new Error(`end of stream after ${got} bytes`)); });
    let off = 0;
    const pump = () => {
      while (off < data.length) {
        const piece = data.subarray(off, off + PIECE);
        off += piece.length;
        if (!sock.write(piece)) return sock.once('drain', pump);
      }
      return undefined;
    };
    pump();
  });
}

describe(`load: ${CONNECTIONS} concurrent connections through a wasm echo server`, () => {
  it(`echoes ${PER_CONNECTION} bytes on each of ${CONNECTIONS} connections open at once, every byte intact`, async () => {
    const guest = startGuest(['echo', String(CONNECTIONS)]);
    const [, port] = await guest.line(/^port (\d+)$/);
    // Every connection is open before any byte is sent.
    const socks = [];
    for (let i = 0; i < CONNECTIONS; i++) socks.push(await connect(Number(port)));
    const expected = socks.map((_, i) => bytesOf(i));
    const results = await Promise.all(socks.map((sock, i) => exchange(sock, expected[i])));
    let wrong = 0;
    results.forEach((r, i) => {
      const want = crypto.createHash('sha256').update(expected[i]).digest('hex');
      if (r.got !== PER_CONNECTION || r.digest !== want) wrong++;
    });
    expect(wrong, 'connections whose echo differed from what they sent').toBe(0);
    // The server counts the closes and exits 0 after the last one.
    expect(await guest.exited).toBe(0);
  });
});
