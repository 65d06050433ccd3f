// The socket pool: every socket's shared memory (header and rings) is a slot
// in a few large SharedArrayBuffers that both threads hold, so only slot
// ids travel between them. The guest's thread is the one allocator: it
// takes a slot for socket(), lends slots to a listener for the connections
// the worker will accept, and reuses a slot once both sides have let go of
// it (H_OWNERS). A fresh 512 KiB buffer per connection cost tens of
// microseconds and, under churn, gigabytes of memory waiting for the GC.
import {
  CHUNK_SLOTS, H_FD, H_OWNERS, HEADER_AREA, OWNER_GUEST, SLOT_BYTES, STREAM_RING,
} from './layout.js';

/** The views of one slot: { hdr (Int32), hdrBytes, rx, tx }. */
function slotViews(chunk, index) {
  const base = index * SLOT_BYTES;
  return {
    hdr: new Int32Array(chunk, base, HEADER_AREA / 4),
    hdrBytes: new Uint8Array(chunk, base, HEADER_AREA),
    rx: new Uint8Array(chunk, base + HEADER_AREA, STREAM_RING),
    tx: new Uint8Array(chunk, base + HEADER_AREA + STREAM_RING, STREAM_RING),
  };
}

// Ids start at 1 so that 0 can mean "none" in shared queues.
const chunkOf = (id) => Math.floor((id - 1) / CHUNK_SLOTS);
const indexOf = (id) => (id - 1) % CHUNK_SLOTS;

class SlotTable {
  constructor() {
    this.chunks = [];
    this.views = [];
  }

  addChunk(number, sab) {
    this.chunks[number] = sab;
  }

  has(id) {
    return Number.isInteger(id) && id >= 1 && this.chunks[chunkOf(id)] !== undefined;
  }

  /** The slot's views (made once per slot and kept), or null. */
  get(id) {
    if (!this.has(id)) return null;
    let v = this.views[id];
    if (v === undefined) v = this.views[id] = slotViews(this.chunks[chunkOf(id)], indexOf(id));
    return v;
  }
}

export class GuestPool {
  /**
   * @param maxSlots the most slots ever carved (open, lent and closing ones)
   * @param announce called with (number, sab) for each new chunk, before any
   *   id in it is used, so the worker knows it first
   */
  constructor(maxSlots, announce) {
    this.table = new SlotTable();
    this.maxSlots = maxSlots;
    this.announce = announce;
    this.carved = 0;
    this.free = [];
    this.pending = new Set(); // slots the worker may still hold
  }

  /**
   * A slot whose header is zeroed and whose owners are `owners`; its id, or
   * 0 when the pool is at its bound.
   */
  alloc(owners) {
    let id = this.free.pop();
    if (id === undefined) id = this._reclaim() || this._grow();
    if (!id) return 0;
    const { hdr } = this.table.get(id);
    hdr.fill(0);
    Atomics.store(hdr, H_OWNERS, owners);
    this.pending.add(id);
    return id;
  }

  /** This side lets go of `id` (`bit` is OWNER_GUEST, or OWNER_WORKER for a
   * slot the worker will never see again). */
  release(id, bit) {
    const v = this.table.get(id);
    if (v === null) return;
    Atomics.and(v.hdr, H_OWNERS, ~bit);
    this.pending.add(id);
  }

  views(id) {
    return this.table.get(id);
  }

  /** Slots taken and not yet back in the free list. */
  get inUse() {
    return this.carved - this.free.length;
  }

  /** Revokes every published kernel descriptor (the worker is gone, and with
   * it the descriptors: their numbers may already name other files). */
  revokeDescriptors() {
    for (let id = 1; id <= this.carved; id++) Atomics.store(this.table.get(id).hdr, H_FD, 0);
  }

  _reclaim() {
    for (const id of this.pending) {
      const owners = Atomics.load(this.table.get(id).hdr, H_OWNERS);
      if (owners === 0) {
        this.pending.delete(id);
        this.free.push(id);
      } else if (owners & OWNER_GUEST) {
        this.pending.delete(id); // open: release() puts it back
      }
    }
    return this.free.pop();
  }

  _grow() {
    if (this.carved + CHUNK_SLOTS > this.maxSlots) return undefined;
    const number = this.carved / CHUNK_SLOTS;
    const sab = new SharedArrayBuffer(CHUNK_SLOTS * SLOT_BYTES);
    this.table.addChunk(number, sab);
    this.announce(number, sab);
    const first = this.carved + 1;
    this.carved += CHUNK_SLOTS;
    for (let id = this.carved; id > first; id--) this.free.push(id);
    return first;
  }
}

export class WorkerPool {
  /** @param catchUp takes the guest's pending messages (a chunk announced
   *   but not yet handled) */
  constructor(catchUp) {
    this.table = new SlotTable();
    this.catchUp = catchUp;
  }

  addChunk(number, sab) {
    this.table.addChunk(number, sab);
  }

  views(id) {
    if (!this.table.has(id)) this.catchUp();
    return this.table.get(id);
  }
}

let detached = null;

/** Views onto memory no socket uses: where a released endpoint's late
 * callbacks write, so they never touch a slot given to another socket. */
export function detachedViews() {
  detached ??= slotViews(new SharedArrayBuffer(SLOT_BYTES), 0);
  return detached;
}
