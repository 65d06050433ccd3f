// Waiting for sockets without blocking the event loop: the engine under
// nativesockets/promises. Internal.
//
// The host's worker bumps one event counter in shared memory whenever any
// socket changes. One loop per instance waits for that counter with
// Atomics.waitAsync (a promise: the thread stays free), then asks the C
// library which of the sockets someone waits for are ready, with one
// select_read and one select_write of timeout 0 over all of them, and wakes
// those waiters; each retries its own non-blocking call. Many waits on
// many sockets cost one wake-up and two selects per burst of events.
import { AbortError } from './errors.js';
import { MAX_IO, view } from './runtime.js';

// A waiter whose socket never becomes ready is still re-checked this often:
// the price of a missed wake-up is then latency, not a hang.
const SAFETY_MS = 1000;
// Keeps a process with pending calls alive (a pending Atomics.waitAsync
// does not, in every runtime).
const KEEP_ALIVE_MS = 0x7fffffff;
// Waiters woken in one turn of the event loop: their retries run back to
// back, so a burst of ready sockets is taken in slices that let timers and
// other I/O run between them.
const WAKE_BATCH = 32;

/**
 * Sockets ready now among `socks`: one ns_select_read/ns_select_write of
 * `timeout` ms in guest scratch memory. Returns the ready sockets, or a
 * negative library code.
 */
export function selectSockets(s, socks, write, timeout, scratchOf) {
  const x = s.x;
  const arr = scratchOf(s, 4 * socks.length + 4, 'select');
  const count = arr + 4 * socks.length;
  let dv = view(x);
  for (let i = 0; i < socks.length; i++) dv.setInt32(arr + 4 * i, socks[i], true);
  dv.setUint32(count, socks.length, true);
  const rc = (write ? x.ns_select_write : x.ns_select_read)(arr, count, timeout);
  if (rc < 0) return rc;
  dv = view(x); // the call may have grown memory
  const n = Math.min(dv.getUint32(count, true), socks.length);
  const ready = new Array(n);
  for (let i = 0; i < n; i++) ready[i] = dv.getInt32(arr + 4 * i, true);
  return ready;
}

/** What wait() resolves to when one of its sockets was closed meanwhile. */
export const CLOSED = Symbol('closed');

export function abortErrorOf(signal) {
  return new AbortError(undefined, { cause: signal.reason });
}

export class Readiness {
  /**
   * @param s the runtime state (the instance)
   * @param counter { words: Int32Array, index } the host's event counter
   * @param scratchOf runtime.scratch
   */
  constructor(s, counter, scratchOf) {
    this.s = s;
    this.words = counter.words;
    this.index = counter.index;
    this.scratchOf = scratchOf;
    this.waiters = new Set();
    this.running = false;
    this.closed = false;
    this.poked = null;
  }

  /**
   * Resolves when one of `socks` may be ready for reading (or writing), when
   * `deadline` (performance.now() ms) passes, or when the instance goes
   * away; to CLOSED when one of them is closed (its number may be reused
   * at once: the call must not retry on it); rejects with an AbortError
   * when `signal` aborts.
   */
  wait(socks, write, deadline = Infinity, signal = undefined) {
    return new Promise((resolve, reject) => {
      if (this.closed) return resolve();
      const waiter = { socks, write, deadline, resolve, reject, signal, onAbort: null };
      if (signal !== undefined) {
        if (signal.aborted) return reject(abortErrorOf(signal));
        waiter.onAbort = () => this._settle(waiter, abortErrorOf(signal));
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.waiters.add(waiter);
      if (!this.running) this._loop();
    });
  }

  /** A socket was closed: its waiters resolve to CLOSED now. */
  socketClosed(sock) {
    for (const w of [...this.waiters]) {
      if (w.socks.includes(sock)) this._settle(w, undefined, CLOSED);
    }
  }

  /** Re-checks every waiter soon. */
  poke() {
    if (this.poked !== null) this.poked();
  }

  /** Wakes every waiter: the instance is going away (their retries fail). */
  close() {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters) this._settle(w);
    this.poke();
  }

  _settle(waiter, error, value) {
    if (!this.waiters.delete(waiter)) return;
    if (waiter.onAbort !== null) waiter.signal.removeEventListener('abort', waiter.onAbort);
    if (error === undefined) waiter.resolve(value);
    else waiter.reject(error);
  }

  async _loop() {
    this.running = true;
    const keepAlive = setInterval(() => {}, KEEP_ALIVE_MS);
    try {
      while (this.waiters.size > 0) {
        const seen = Atomics.load(this.words, this.index);
        const more = this._check();
        if (this.waiters.size === 0) break;
        if (more) await new Promise((resolve) => setImmediate(resolve));
        else await this._changed(seen);
      }
    } finally {
      clearInterval(keepAlive);
      this.running = false;
    }
  }

  // Until the counter moves from `seen`, a poke, the nearest deadline or SAFETY_MS.
  _changed(seen) {
    let timeout = SAFETY_MS;
    const now = performance.now();
    for (const w of this.waiters) timeout = Math.min(timeout, Math.max(0, w.deadline - now));
    const result = Atomics.waitAsync(this.words, this.index, seen, timeout);
    // Already moved: look again, but after the event loop's other work (a
    // stream of events must not starve timers and I/O in microtasks).
    if (!result.async) return new Promise((resolve) => setImmediate(resolve));
    return new Promise((resolve) => {
      this.poked = resolve;
      result.value.then(resolve);
    }).finally(() => { this.poked = null; });
  }

  // Wakes the waiters whose sockets are ready or whose time is up (at most
  // WAKE_BATCH); true when more were ready.
  _check() {
    const now = performance.now();
    const due = [];
    const reads = new Set();
    const writes = new Set();
    for (const w of this.waiters) {
      if (w.deadline <= now) due.push(w);
      else for (const sock of w.socks) (w.write ? writes : reads).add(sock);
    }
    for (const w of due) this._settle(w);
    const readyRead = this._ready(reads, false);
    const readyWrite = this._ready(writes, true);
    let woken = 0;
    for (const w of [...this.waiters]) {
      const ready = w.write ? readyWrite : readyRead;
      if (ready === null || w.socks.some((sock) => ready.has(sock))) {
        if (woken === WAKE_BATCH) return true;
        this._settle(w);
        woken++;
      }
    }
    return false;
  }

  // The ready sockets of `set`, or null when the select failed (a closed
  // socket, a dead host): then every waiter retries and meets the error.
  _ready(set, write) {
    if (set.size === 0) return new Set();
    if (set.size * 4 > MAX_IO) return null;
    const ready = selectSockets(this.s, [...set], write, 0, this.scratchOf);
    return typeof ready === 'number' ? null : new Set(ready);
  }
}
