// Shared-memory layout between the guest's thread and the network worker.
// One control block for the host, and per socket a slot of the socket pool
// (pool.js): a header block followed by the receive and send rings.
import { ADDR_SIZE } from './abi.js';

// Control block (Int32 words).
export const C_EVENT = 0; // bumped by the worker on any socket state change
export const C_REPLY = 1; // bumped by the worker after posting a reply
export const C_DOORBELL = 2; // bumped by the guest after queueing a kick
export const C_DEAD = 3; // 1 once the worker is gone
export const C_HEARTBEAT = 4; // bumped by the worker while it lives
export const C_KICK_HEAD = 8; // written by the guest
export const C_KICK_TAIL = 9; // written by the worker
export const C_KICK_OVERFLOW = 10; // 1: the queue overflowed, scan everything
export const KICK_BASE = 16;
export const KICK_CAP = 4096;
export const CONTROL_BYTES = (KICK_BASE + KICK_CAP) * 4;

// Socket header block (Int32 words, then byte areas).
export const H_FLAGS = 0;
export const H_ERROR = 1; // pending error (WASI errno), taken by the first reader
export const H_RX_HEAD = 2; // free-running byte counters; head written by the producer
export const H_RX_TAIL = 3;
export const H_TX_HEAD = 4; // a stream's tail moves when Node's write of the bytes completes
export const H_TX_TAIL = 5;
export const H_ACC_HEAD = 6; // accept queue of a listener (ids)
export const H_ACC_TAIL = 7;
// The kernel descriptor of a connected stream socket plus one (0: none),
// which the guest may write to directly while nothing else is queued, and
// the lease that guards it: 0 free, 1 the guest is writing, 2 revoked for
// good because the worker is closing the descriptor.
export const H_FD = 9;
export const H_FD_LEASE = 10;
// Who still uses the slot (OWNER_* bits): the guest frees it for reuse only
// once both have let go, so neither side ever sees the other's next socket.
export const H_OWNERS = 11;
// Free slots the guest lends a listener for connections to come (ids): the
// worker takes one per connection it accepts, so accepting needs no message.
export const H_SPARE_HEAD = 12; // written by the guest
export const H_SPARE_TAIL = 13; // written by the worker
export const LOCAL_ADDR_OFFSET = 64; // address records (abi.js ADDR)
export const PEER_ADDR_OFFSET = LOCAL_ADDR_OFFSET + ADDR_SIZE;
export const ACC_BASE_WORD = 128;
export const ACC_CAP = 256;
export const SPARE_BASE_WORD = ACC_BASE_WORD + ACC_CAP;
export const SPARE_CAP = 64;
export const HEADER_BYTES = (SPARE_BASE_WORD + SPARE_CAP) * 4;

export const OWNER_GUEST = 1;
export const OWNER_WORKER = 2;

// Flags (H_FLAGS bits).
export const F_CONNECTING = 1 << 0;
export const F_CONNECTED = 1 << 1;
export const F_RX_EOF = 1 << 2; // the peer finished sending (or the socket is gone)
export const F_LISTENING = 1 << 3;
export const F_RX_PAUSED = 1 << 4; // the worker holds data the ring had no room for
export const F_KICKED = 1 << 5; // queued in the kick queue
export const F_TX_DEAD = 1 << 6; // sending fails with EPIPE
export const F_ACC_OVERFLOW = 1 << 7; // the worker holds connections the queue had no room for
export const F_PEER = 1 << 8; // the peer address is set
export const F_LOCAL = 1 << 9; // the local address is set
export const F_CLAIMED = 1 << 10; // an accepted socket the guest has taken
export const F_ACC_STARVED = 1 << 11; // the worker holds connections and has no spare slot
export const F_TX_WANT = 1 << 12; // a guest waits for room in a datagram send ring
export const F_RX_DIRECT = 1 << 13; // the worker stopped reading: the guest reads the kernel socket (H_FD)
export const F_RX_FIN = 1 << 14; // with F_RX_EOF: the end was the peer's FIN, ahead of any error

// Ring sizes (powers of two: the counters run free and wrap at 2^32). Every
// slot has the same two rings, whatever the socket's type.
export const STREAM_RING = 256 * 1024;
export const DGRAM_RING = STREAM_RING;

// The socket pool: slots of a page-aligned header and the two rings, carved
// from chunks of CHUNK_SLOTS slots (one SharedArrayBuffer each). Pages of a
// slot that no socket has written to cost no memory.
export const HEADER_AREA = 4096;
export const SLOT_BYTES = HEADER_AREA + 2 * STREAM_RING;
export const CHUNK_SLOTS = 16;

// Datagram records: u32 payload length, address record, payload, padding to 4.
export const DGRAM_WRAP = 0xffffffff; // length marker: skip to the ring's start
export const DGRAM_HEADER = 4 + ADDR_SIZE;
