// The synchronous-call machinery between the guest's thread and the network
// worker, and nothing about sockets. Requests travel as messages; the guest
// waits for the answer on a word of shared memory (Atomics.wait) and takes
// the message with receiveMessageOnPort, so it never needs its event loop.
// Kicks (the guest telling the worker "look at socket N") use a shared queue
// and a doorbell word instead, because they are on the data path.
import { receiveMessageOnPort } from 'node:worker_threads';
import {
  C_DEAD, C_DOORBELL, C_EVENT, C_HEARTBEAT, C_KICK_HEAD, C_KICK_OVERFLOW,
  C_KICK_TAIL, C_REPLY, KICK_BASE, KICK_CAP,
} from './layout.js';

export class HostDown extends Error {}

/** Busy-waits `ms` milliseconds: for pauses shorter than a thread wake-up. */
export function spinFor(ms) {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // nothing: the point is not to sleep
  }
}

// A sleeping guest re-checks the worker this often; a worker whose heartbeat
// has not moved for STALL_MS is taken for dead even if it never said so.
const SLICE_MS = 200;
const STALL_MS = 10_000;
const BOOT_MS = 30_000; // before its first heartbeat the worker is still starting
// Spin this long before sleeping when an answer is imminent: a futex wake-up
// costs tens of microseconds, a spin on shared memory well under one. 100 µs
// covers a loopback round trip through the worker (30 µs did not: the echo
// benchmark's round trip fell from about 75 to 40 µs when raised).
const SPIN_MS = 0.1;
// Waits that sleep at once after one that outlasted the spin: a sample of
// the answers' timing small enough to come back to spinning quickly.
const SPIN_SKIPS = 8;

/**
 * What a wait is for. Each kind learns its own spin: a connect's answer
 * (a kernel handshake through the worker) may come within the spin while
 * the end of the stream that follows comes much later; one shared choice
 * swung back and forth and spun in vain on every second wait.
 */
export const WAIT = { REPLY: 0, DATA: 1, CONNECT: 2, ACCEPT: 3, POLL: 4, FLUSH: 5 };
// The spin of each kind (ms). Data and poll waits spin longer: a datagram's
// answer passes the worker twice (out and in) and comes 100–150 µs later
// on a 2-core VM, just past SPIN_MS, so nearly every UDP round trip slept
// and paid a futex wake on both threads (UDP row: 126 → 94 µs at 0.3 ms;
// the TCP echo row, answered within 0.1 ms, does not move). Connects did
// not gain from a longer spin (their answer is a handshake through the
// worker, 120–270 µs), only burnt CPU.
const DATA_SPIN_MS = 0.3;
const KIND_SPIN_MS = [];
for (const kind of Object.values(WAIT)) {
  KIND_SPIN_MS[kind] = kind === WAIT.DATA || kind === WAIT.POLL ? DATA_SPIN_MS : SPIN_MS;
}
// A request unanswered this long means a wedged worker (a lookup that the
// system resolver gives up on takes well under this).
const REQUEST_DEADLINE_MS = 60_000;

export class GuestChannel {
  /**
   * @param ctrl Int32Array over the control block
   * @param port the guest's end of the MessageChannel to the worker
   * @param onMessage called with every notice the worker sends unasked
   */
  constructor(ctrl, port, onMessage) {
    this.ctrl = ctrl;
    this.port = port;
    this.onMessage = onMessage;
    this.seq = 0;
    this.replies = new Map();
    this.lastBeat = 0;
    this.lastBeatAt = 0;
    this.requestDeadlineMs = REQUEST_DEADLINE_MS;
    this.onDead = null; // called once, when this side first sees the worker gone
    this.mourned = false;
    this.spinSkips = new Int32Array(KIND_SPIN_MS.length);
  }

  get dead() {
    if (Atomics.load(this.ctrl, C_DEAD) === 0) return false;
    this._mourn();
    return true;
  }

  markDead() {
    Atomics.store(this.ctrl, C_DEAD, 1);
    Atomics.notify(this.ctrl, C_EVENT);
    Atomics.notify(this.ctrl, C_REPLY);
    this._mourn();
  }

  _mourn() {
    if (this.mourned) return;
    this.mourned = true;
    if (this.onDead) this.onDead();
  }

  /** Takes every message the worker has posted so far. */
  drain() {
    for (;;) {
      const got = receiveMessageOnPort(this.port);
      if (got === undefined) return;
      const msg = got.message;
      if (msg.t === 'reply') this.replies.set(msg.seq, msg);
      else this.onMessage(msg);
    }
  }

  // Posts a request numbered for its reply; throws HostDown.
  _send(msg) {
    if (this.dead) throw new HostDown();
    const seq = ++this.seq;
    msg.seq = seq;
    this.port.postMessage(msg);
    return seq;
  }

  // The reply to request `seq` if it has come (taken), else undefined.
  _takeReply(seq) {
    this.drain();
    const reply = this.replies.get(seq);
    if (reply !== undefined) this.replies.delete(seq);
    return reply;
  }

  /** Sends a request and blocks until its reply; throws HostDown. */
  request(msg) {
    const seq = this._send(msg);
    const deadline = performance.now() + this.requestDeadlineMs;
    for (;;) {
      const seen = Atomics.load(this.ctrl, C_REPLY);
      const reply = this._takeReply(seq);
      if (reply !== undefined) return reply;
      if (!this._sleep(C_REPLY, seen, deadline, WAIT.REPLY)) {
        this.markDead();
        throw new HostDown();
      }
    }
  }

  /**
   * As request(), without blocking this thread: for the host's own calls
   * made from its event loop. Resolves to null past `deadlineMs`.
   */
  async requestAsync(msg, deadlineMs) {
    const seq = this._send(msg);
    const deadline = performance.now() + deadlineMs;
    // Atomics.waitAsync alone does not keep the event loop alive.
    const keepAlive = setInterval(() => {}, SLICE_MS);
    try {
      for (;;) {
        const seen = Atomics.load(this.ctrl, C_REPLY);
        const reply = this._takeReply(seq);
        if (reply !== undefined) return reply;
        if (this.dead) throw new HostDown();
        const left = deadline - performance.now();
        if (left <= 0) return null;
        const waiter = Atomics.waitAsync(this.ctrl, C_REPLY, seen, Math.min(left, SLICE_MS));
        if (waiter.async) await waiter.value;
      }
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** Sends a message that needs no answer. */
  post(msg) {
    if (!this.dead) this.port.postMessage(msg);
  }

  /** Queues socket `id` for the worker's attention. */
  kick(id) {
    const ctrl = this.ctrl;
    const head = Atomics.load(ctrl, C_KICK_HEAD);
    if (((head - Atomics.load(ctrl, C_KICK_TAIL)) >>> 0) >= KICK_CAP) {
      Atomics.store(ctrl, C_KICK_OVERFLOW, 1);
    } else {
      Atomics.store(ctrl, KICK_BASE + ((head >>> 0) % KICK_CAP), id);
      Atomics.store(ctrl, C_KICK_HEAD, (head + 1) | 0);
    }
    Atomics.add(ctrl, C_DOORBELL, 1);
    Atomics.notify(ctrl, C_DOORBELL);
  }

  eventSeq() {
    return Atomics.load(this.ctrl, C_EVENT);
  }

  /**
   * Waits until the event counter moves from `seen` or `deadline` (ms,
   * performance.now() clock) passes. Returns false on timeout.
   */
  waitEvent(seen, deadline, kind = WAIT.DATA) {
    return this._sleep(C_EVENT, seen, deadline, kind);
  }

  // Spins while answers come within the spin (most of them, on a quiet
  // machine), and stops spinning while they come later: on a loaded machine
  // the spin only takes a core from the threads that make the answer (the
  // worker, the peer). Each wait's length, spun or slept, moves the choice.
  _spin(index, seen, kind) {
    if (this.spinSkips[kind] > 0) {
      this.spinSkips[kind]--;
      return false;
    }
    const until = performance.now() + KIND_SPIN_MS[kind];
    while (performance.now() < until) {
      if (Atomics.load(this.ctrl, index) !== seen) return true;
    }
    return false;
  }

  // After a wait that a spin would have missed, the next few waits sleep at
  // once; one that a spin would have caught brings spinning back.
  _learn(kind, waitedMs) {
    this.spinSkips[kind] = waitedMs <= KIND_SPIN_MS[kind] ? 0 : SPIN_SKIPS;
  }

  _sleep(index, seen, deadline, kind) {
    const start = performance.now();
    if (this._spin(index, seen, kind)) return true;
    const woke = this._sleepLong(index, seen, deadline);
    this._learn(kind, performance.now() - start);
    return woke;
  }

  _sleepLong(index, seen, deadline) {
    for (;;) {
      if (this.dead) throw new HostDown();
      const now = performance.now();
      if (now >= deadline) return false;
      const slice = Math.min(SLICE_MS, deadline - now);
      if (Atomics.wait(this.ctrl, index, seen, slice) !== 'timed-out') return true;
      this._checkHeartbeat(performance.now());
    }
  }

  _checkHeartbeat(now) {
    const beat = Atomics.load(this.ctrl, C_HEARTBEAT);
    if (beat !== this.lastBeat || this.lastBeatAt === 0) {
      this.lastBeat = beat;
      this.lastBeatAt = now;
    } else if (now - this.lastBeatAt > (beat === 0 ? BOOT_MS : STALL_MS)) {
      this.markDead();
    }
  }
}

export class WorkerChannel {
  /**
   * @param ctrl Int32Array over the control block
   * @param port the worker's end of the MessageChannel
   * @param handlers { request(msg), kick(id), kickAll() }
   */
  constructor(ctrl, port, handlers) {
    this.ctrl = ctrl;
    this.port = port;
    this.handlers = handlers;
  }

  start() {
    this.port.on('message', (msg) => this.handlers.request(msg));
    const beat = setInterval(() => Atomics.add(this.ctrl, C_HEARTBEAT, 1), 100);
    beat.unref();
    this._watchDoorbell();
  }

  async _watchDoorbell() {
    const ctrl = this.ctrl;
    for (;;) {
      const rung = Atomics.load(ctrl, C_DOORBELL);
      this.takeKicks();
      const waiter = Atomics.waitAsync(ctrl, C_DOORBELL, rung);
      if (waiter.async) await waiter.value;
    }
  }

  /** Handles every message the guest has posted so far. */
  drain() {
    for (;;) {
      const got = receiveMessageOnPort(this.port);
      if (got === undefined) return;
      this.handlers.request(got.message);
    }
  }

  // Messages first: what the guest posted before a kick (the socket's
  // creation, say) is handled before the kick, whichever wakes this first.
  takeKicks() {
    this.drain();
    const ctrl = this.ctrl;
    if (Atomics.exchange(ctrl, C_KICK_OVERFLOW, 0) !== 0) this._survive(() => this.handlers.kickAll(), 'kicks of every socket');
    let tail = Atomics.load(ctrl, C_KICK_TAIL);
    const head = Atomics.load(ctrl, C_KICK_HEAD);
    while (tail !== head) {
      const id = Atomics.load(ctrl, KICK_BASE + ((tail >>> 0) % KICK_CAP));
      tail = (tail + 1) | 0;
      Atomics.store(ctrl, C_KICK_TAIL, tail);
      this._survive(() => this.handlers.kick(id), `kick of socket ${id}`);
    }
  }

  // One socket's failure must not end the doorbell loop: the worker
  // swallows uncaught exceptions, so a rejected loop would stop silently and
  // every later kick would wait forever (the guest fuzzer's lost datagrams).
  _survive(fn, what) {
    try {
      fn();
    } catch (err) {
      if (process.env.NATIVESOCKETS_DEBUG) console.error(`nativesockets worker: ${what} failed:`, err);
    }
  }

  reply(seq, body) {
    body.t = 'reply';
    body.seq = seq;
    this.port.postMessage(body);
    Atomics.add(this.ctrl, C_REPLY, 1);
    Atomics.notify(this.ctrl, C_REPLY);
  }

  notice(msg) {
    this.port.postMessage(msg);
  }

  /** Tells a waiting guest that some socket changed. */
  event() {
    Atomics.add(this.ctrl, C_EVENT, 1);
    Atomics.notify(this.ctrl, C_EVENT);
  }

  /** Marks the worker gone so no guest waits for it (from 'exit'). */
  die() {
    Atomics.store(this.ctrl, C_DEAD, 1);
    Atomics.notify(this.ctrl, C_EVENT);
    Atomics.notify(this.ctrl, C_REPLY);
  }
}
