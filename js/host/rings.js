// Single-producer single-consumer rings in shared memory. Head and tail are
// free-running u32 byte counters in the socket header; the producer alone
// advances the head, the consumer alone the tail, each with Atomics.store
// after the bytes are in place, so neither side ever waits for the other.
import { DGRAM_HEADER, DGRAM_WRAP } from './layout.js';

export function ringUsed(hdr, headIndex, tailIndex) {
  return (Atomics.load(hdr, headIndex) - Atomics.load(hdr, tailIndex)) >>> 0;
}

/** Copies up to src.length bytes in; returns how many fit. */
export function streamWrite(ring, hdr, headIndex, tailIndex, src) {
  const cap = ring.length;
  const head = Atomics.load(hdr, headIndex) >>> 0;
  const used = (head - (Atomics.load(hdr, tailIndex) >>> 0)) >>> 0;
  const n = Math.min(cap - used, src.length);
  if (n === 0) return 0;
  const at = head & (cap - 1);
  const first = Math.min(n, cap - at);
  ring.set(first === src.length ? src : src.subarray(0, first), at);
  if (n > first) ring.set(src.subarray(first, n), 0);
  Atomics.store(hdr, headIndex, (head + n) | 0);
  return n;
}

/** Copies up to dst.length bytes out; `consume` false leaves them (peek). */
export function streamRead(ring, hdr, headIndex, tailIndex, dst, consume) {
  const cap = ring.length;
  const tail = Atomics.load(hdr, tailIndex) >>> 0;
  const used = ((Atomics.load(hdr, headIndex) >>> 0) - tail) >>> 0;
  const n = Math.min(used, dst.length);
  if (n === 0) return 0;
  const at = tail & (cap - 1);
  const first = Math.min(n, cap - at);
  dst.set(ring.subarray(at, at + first));
  if (n > first) dst.set(ring.subarray(0, n - first), first);
  if (consume) Atomics.store(hdr, tailIndex, (tail + n) | 0);
  return n;
}

function padded(n) {
  return (n + 3) & ~3;
}

/**
 * Appends one datagram record: `writeAddr(bytes)` fills the 136-byte address.
 * Returns false when there is no room (the datagram is dropped, as UDP does).
 */
export function dgramPush(ring, hdr, headIndex, tailIndex, payload, writeAddr) {
  const cap = ring.length;
  const view = new DataView(ring.buffer, ring.byteOffset, ring.byteLength);
  let head = Atomics.load(hdr, headIndex) >>> 0;
  const tail = Atomics.load(hdr, tailIndex) >>> 0;
  const size = padded(DGRAM_HEADER + payload.length);
  let at = head & (cap - 1);
  let skip = 0;
  if (at + size > cap) skip = cap - at; // records never wrap
  if (((head - tail) >>> 0) + skip + size > cap) return false;
  if (skip) {
    view.setUint32(at, DGRAM_WRAP, true);
    head = (head + skip) >>> 0;
    at = 0;
  }
  view.setUint32(at, payload.length, true);
  writeAddr(ring.subarray(at + 4, at + DGRAM_HEADER));
  ring.set(payload, at + DGRAM_HEADER);
  Atomics.store(hdr, headIndex, (head + size) | 0);
  return true;
}

/**
 * The next datagram record, or null: { addr (136-byte view), payload (view) }.
 * Views point into the ring; call dgramDrop once they are used.
 */
export function dgramPeek(ring, hdr, headIndex, tailIndex) {
  const cap = ring.length;
  const view = new DataView(ring.buffer, ring.byteOffset, ring.byteLength);
  for (;;) {
    const tail = Atomics.load(hdr, tailIndex) >>> 0;
    if (((Atomics.load(hdr, headIndex) >>> 0) - tail) >>> 0 === 0) return null;
    const at = tail & (cap - 1);
    const len = view.getUint32(at, true);
    if (len === DGRAM_WRAP) {
      Atomics.store(hdr, tailIndex, (tail + (cap - at)) | 0);
      continue;
    }
    return {
      addr: ring.subarray(at + 4, at + DGRAM_HEADER),
      payload: ring.subarray(at + DGRAM_HEADER, at + DGRAM_HEADER + len),
      size: padded(DGRAM_HEADER + len),
    };
  }
}

export function dgramDrop(hdr, tailIndex, record) {
  const tail = Atomics.load(hdr, tailIndex) >>> 0;
  Atomics.store(hdr, tailIndex, (tail + record.size) | 0);
}

/** Room for a datagram of `length` bytes right now. */
export function dgramFits(ring, hdr, headIndex, tailIndex, length) {
  const cap = ring.length;
  const head = Atomics.load(hdr, headIndex) >>> 0;
  const used = (head - (Atomics.load(hdr, tailIndex) >>> 0)) >>> 0;
  const size = padded(DGRAM_HEADER + length);
  const at = head & (cap - 1);
  const skip = at + size > cap ? cap - at : 0;
  return used + skip + size <= cap;
}
