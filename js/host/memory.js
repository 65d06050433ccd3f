// Bounds-checked access to the guest's linear memory. Every pointer and
// length the guest passes goes through here; a bad one throws GuestFault,
// which the import wrappers turn into EFAULT, never into a host exception.

export class GuestFault extends Error {}

// An argument the guest may not pass (a string over the ABI's limit).
export class GuestInvalid extends Error {}

const decoder = new TextDecoder();
const encoder = new TextEncoder();

export class GuestMemory {
  constructor() {
    this.memory = null;
  }

  attach(memory) {
    this.memory = memory;
  }

  // Views are made per call: the guest's memory may grow between calls.
  bytes(ptr, len) {
    const buf = this.memory.buffer;
    ptr >>>= 0;
    len >>>= 0;
    if (ptr + len > buf.byteLength) throw new GuestFault();
    return new Uint8Array(buf, ptr, len);
  }

  view(ptr, len) {
    const buf = this.memory.buffer;
    ptr >>>= 0;
    len >>>= 0;
    if (ptr + len > buf.byteLength) throw new GuestFault();
    return new DataView(buf, ptr, len);
  }

  u32(ptr) {
    return this.view(ptr, 4).getUint32(0, true);
  }

  setU32(ptr, value) {
    this.view(ptr, 4).setUint32(0, value >>> 0, true);
  }

  setI32(ptr, value) {
    this.view(ptr, 4).setInt32(0, value | 0, true);
  }

  setU16(ptr, value) {
    this.view(ptr, 2).setUint16(0, value, true);
  }

  setU64(ptr, value) {
    this.view(ptr, 8).setBigUint64(0, BigInt(value), true);
  }

  // A (ptr, len) string; TextDecoder needs a copy of shared memory.
  string(ptr, len) {
    return decoder.decode(this.bytes(ptr, len).slice());
  }

  // Writes `text` and a NUL; false if it does not fit in `cap` bytes.
  putCString(ptr, cap, text) {
    const encoded = encoder.encode(text);
    if (encoded.length + 1 > cap) return false;
    const out = this.bytes(ptr, encoded.length + 1);
    out.set(encoded);
    out[encoded.length] = 0;
    return true;
  }

  // The scatter/gather list of fd_read/fd_write/sock_*: [{ptr, len}].
  iovecs(iovsPtr, count) {
    if (count > 1024) throw new GuestFault();
    const table = this.view(iovsPtr, count * 8);
    const list = [];
    for (let i = 0; i < count; i++) {
      const ptr = table.getUint32(i * 8, true);
      const len = table.getUint32(i * 8 + 4, true);
      this.bytes(ptr, len);
      list.push({ ptr, len });
    }
    return list;
  }
}

export { encoder as textEncoder, decoder as textDecoder };
