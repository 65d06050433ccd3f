// Bounds-checked access to the guest's linear memory. Every pointer and
// length the guest passes goes through here; a bad one throws GuestFault,
// which the import wrappers turn into EFAULT, never into a host exception.

export class GuestFault extends Error {}

// An argument the guest may not pass (a string over the ABI's limit, an
// iovec count over IOV_MAX): EINVAL.
export class GuestInvalid extends Error {}

// POSIX's limit on a scatter/gather list (Linux's IOV_MAX): more is EINVAL.
export const IOV_MAX = 1024;

// A length as the guest meant it: an i32 argument is unsigned (-1 is
// 2^32 - 1), and a table's size (count × entry size, up to 2^40) is kept
// whole, never wrapped back into memory by a 32-bit conversion.
function unsigned(len) {
  return len < 0 ? len >>> 0 : len;
}

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
    len = unsigned(len);
    if (ptr + len > buf.byteLength) throw new GuestFault();
    return new Uint8Array(buf, ptr, len);
  }

  view(ptr, len) {
    const buf = this.memory.buffer;
    ptr >>>= 0;
    len = unsigned(len);
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
    if (encoded.length + 1 > cap >>> 0) return false;
    const out = this.bytes(ptr, encoded.length + 1);
    out.set(encoded);
    out[encoded.length] = 0;
    return true;
  }

  /** Throws GuestFault unless [ptr, ptr + len) lies inside memory. */
  check(ptr, len) {
    if ((ptr >>> 0) + unsigned(len) > this.memory.buffer.byteLength) throw new GuestFault();
  }

  // The scatter/gather list of fd_read/fd_write/sock_*: [{ptr, len}]. The
  // count is unsigned: 0x80000000 is over IOV_MAX, not negative.
  iovecs(iovsPtr, count) {
    count >>>= 0;
    if (count > IOV_MAX) throw new GuestInvalid();
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
