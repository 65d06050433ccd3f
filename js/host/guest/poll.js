// poll_oneoff over sockets and other descriptors. Socket readiness is read
// from shared memory; while nothing is ready the guest sleeps on the event
// counter until the worker reports a change or the clock subscription's
// time comes. Descriptors that are not sockets are ready at once.
//
// The guest is untrusted: the count is checked and both tables are
// bounds-checked before anything is read, and a call costs no JS object per
// subscription. The subscriptions are read straight from guest memory on
// every scan; only the ready ones are noted (in a scratch array reused
// across calls), and their events are built in a second scratch buffer and
// copied out whole, so an output table that overlaps the input cannot
// change what is read.
import {
  CLOCK_REALTIME, E, EVENT_SIZE, EVENTRWFLAGS_HANGUP, EVENTTYPE_CLOCK, EVENTTYPE_FD_READ,
  EVENTTYPE_FD_WRITE, SUBCLOCKFLAGS_ABSTIME, SUBSCRIPTION_SIZE,
} from '../abi.js';
import { WAIT } from '../channel.js';

const TWO_32 = 4294967296;

/**
 * The most subscriptions one call may pass: a read and a write for every
 * descriptor the table can hold, and a clock. More is EINVAL, as Linux
 * answers poll() with more descriptors than RLIMIT_NOFILE.
 */
export const MAX_SUBSCRIPTIONS = 2 * 65536 + 1;

// A private word to sleep on when only the clock is waited for.
const sleeper = new Int32Array(new SharedArrayBuffer(4));

// Ready events of the current scan, four words each: subscription index,
// error, nbytes, flags. Grows to the largest count seen; never per call.
let ready = new Uint32Array(64);

function readyRoom(count) {
  if (ready.length < count * 4) ready = new Uint32Array(Math.max(count * 4, ready.length * 2));
}

// The clocks an absolute timeout is measured against, read once per call so
// every scan of the same call computes the same delays.
function clockReference() {
  return { realMs: Date.now(), monotonicMs: Number(process.hrtime.bigint()) / 1e6, startMs: performance.now() };
}

// Milliseconds until clock subscription `at` is due (0 when it already is).
function clockDelayMs(subs, at, ref) {
  const ns = subs.getUint32(at + 28, true) * TWO_32 + subs.getUint32(at + 24, true);
  const ms = ns / 1e6;
  if (!(subs.getUint16(at + 40, true) & SUBCLOCKFLAGS_ABSTIME)) return ms;
  const now = subs.getUint32(at + 16, true) === CLOCK_REALTIME ? ref.realMs : ref.monotonicMs;
  return ms > now ? ms - now : 0;
}

/**
 * One pass over the table: EINVAL for an unknown subscription type,
 * otherwise the earliest clock deadline and whether any descriptor is
 * waited for.
 */
function plan(subs, count, ref) {
  let earliest = Infinity;
  let waitsOnFds = false;
  for (let i = 0, at = 0; i < count; i++, at += SUBSCRIPTION_SIZE) {
    const tag = subs.getUint8(at + 8);
    if (tag === EVENTTYPE_CLOCK) {
      const delay = clockDelayMs(subs, at, ref);
      if (delay < earliest) earliest = delay;
    } else if (tag === EVENTTYPE_FD_READ || tag === EVENTTYPE_FD_WRITE) {
      waitsOnFds = true;
    } else {
      return { errno: E.INVAL };
    }
  }
  return { errno: 0, deadline: ref.startMs + earliest, waitsOnFds };
}

function note(n, index, error, nbytes, flags) {
  const at = n * 4;
  ready[at] = index;
  ready[at + 1] = error;
  ready[at + 2] = nbytes;
  ready[at + 3] = flags;
  return n + 1;
}

// Notes the descriptor subscriptions that are due now; returns how many.
function scanDescriptors(subs, count, fds, sockets) {
  let n = 0;
  for (let i = 0, at = 0; i < count; i++, at += SUBSCRIPTION_SIZE) {
    const tag = subs.getUint8(at + 8);
    if (tag === EVENTTYPE_CLOCK) continue;
    const entry = fds.get(subs.getUint32(at + 16, true));
    if (entry === undefined) {
      n = note(n, i, E.BADF, 0, 0);
    } else if (entry.kind !== 'socket') {
      n = note(n, i, 0, 0, 0);
    } else {
      const r = sockets.readiness(entry.sock);
      if (tag === EVENTTYPE_FD_READ ? !r.read : !r.write) continue;
      n = note(n, i, 0, tag === EVENTTYPE_FD_READ ? r.nbytes : 0, r.hangup ? EVENTRWFLAGS_HANGUP : 0);
    }
  }
  return n;
}

// Notes the clock subscriptions due at `now` (at least the earliest).
function scanClocks(subs, count, ref, now) {
  let n = 0;
  let earliest = -1, earliestDelay = Infinity;
  for (let i = 0, at = 0; i < count; i++, at += SUBSCRIPTION_SIZE) {
    if (subs.getUint8(at + 8) !== EVENTTYPE_CLOCK) continue;
    const delay = clockDelayMs(subs, at, ref);
    if (ref.startMs + delay <= now + 0.001) n = note(n, i, 0, 0, 0);
    if (delay < earliestDelay) { earliest = i; earliestDelay = delay; }
  }
  return n === 0 && earliest >= 0 ? note(0, earliest, 0, 0, 0) : n;
}

// The events of a call, built before any is written (see the top).
let staged = new Uint8Array(64 * EVENT_SIZE);
let stagedView = new DataView(staged.buffer);

function writeEvents(subs, events, n, memory, neventsOut) {
  const size = n * EVENT_SIZE;
  if (staged.length < size) {
    staged = new Uint8Array(Math.max(size, staged.length * 2));
    stagedView = new DataView(staged.buffer);
  }
  staged.fill(0, 0, size);
  const out = stagedView;
  for (let k = 0; k < n; k++) {
    const i = ready[k * 4];
    const from = i * SUBSCRIPTION_SIZE;
    const at = k * EVENT_SIZE;
    out.setUint32(at, subs.getUint32(from, true), true); // userdata, copied as is
    out.setUint32(at + 4, subs.getUint32(from + 4, true), true);
    out.setUint16(at + 8, ready[k * 4 + 1], true);
    out.setUint8(at + 10, subs.getUint8(from + 8));
    out.setUint32(at + 16, ready[k * 4 + 2], true);
    out.setUint16(at + 24, ready[k * 4 + 3], true);
  }
  new Uint8Array(events.buffer, events.byteOffset, size).set(staged.subarray(0, size));
  memory.setU32(neventsOut, n);
  return 0;
}

export function pollOneoff({ memory, fds, sockets }, inPtr, outPtr, count, neventsOut) {
  count >>>= 0;
  if (count === 0 || count > MAX_SUBSCRIPTIONS) return E.INVAL;
  const subs = memory.view(inPtr, count * SUBSCRIPTION_SIZE);
  const events = memory.view(outPtr, count * EVENT_SIZE);
  memory.view(neventsOut, 4);
  const ref = clockReference();
  const { errno, deadline, waitsOnFds } = plan(subs, count, ref);
  if (errno) return errno;
  readyRoom(count);
  const channel = sockets.channel;
  for (;;) {
    const seen = channel.eventSeq();
    const n = waitsOnFds ? scanDescriptors(subs, count, fds, sockets) : 0;
    if (n) return writeEvents(subs, events, n, memory, neventsOut);
    const now = performance.now();
    if (now >= deadline) return writeEvents(subs, events, scanClocks(subs, count, ref, now), memory, neventsOut);
    if (!waitsOnFds) {
      Atomics.wait(sleeper, 0, 0, Math.min(deadline - now, 2 ** 31));
      continue;
    }
    channel.waitEvent(seen, deadline, WAIT.POLL);
  }
}
