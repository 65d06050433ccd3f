// Lists of byte views (scatter/gather) as the socket calls take them, and
// the one record the database imports write.
import { E } from '../abi.js';

// The views of `parts` after the first `skip` bytes.
export function skipBytes(parts, skip) {
  if (skip === 0) return parts;
  const rest = [];
  for (const p of parts) {
    if (skip >= p.length) skip -= p.length;
    else {
      rest.push(skip > 0 ? p.subarray(skip) : p);
      skip = 0;
    }
  }
  return rest;
}

/** One array holding `parts` end to end. */
export function concat(parts, total) {
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * A database entry as service_by_*, protocol_by_* answer (wasm/ABI.md): a
 * u32, then NUL-terminated strings and an empty one. 0, or E.RANGE when it
 * does not fit `outLen` (nothing written then).
 */
export function writeEntry(memory, out, outLen, number, strings) {
  const encoder = new TextEncoder();
  const parts = [...strings, ''].map((s) => encoder.encode(s));
  const size = 4 + parts.reduce((n, p) => n + p.length + 1, 0);
  if (size > (outLen >>> 0)) return E.RANGE;
  const bytes = memory.bytes(out, size);
  new DataView(bytes.buffer, bytes.byteOffset, 4).setUint32(0, number, true);
  let at = 4;
  for (const p of parts) {
    bytes.set(p, at);
    bytes[at + p.length] = 0;
    at += p.length + 1;
  }
  return 0;
}
