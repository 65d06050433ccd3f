// poll_oneoff over sockets and other descriptors. Socket readiness is read
// from shared memory; while nothing is ready the guest sleeps on the event
// counter until the worker reports a change or the clock subscription's
// time comes. Descriptors that are not sockets are ready at once.
import {
  CLOCK_REALTIME, E, EVENT_SIZE, EVENTRWFLAGS_HANGUP, EVENTTYPE_CLOCK, EVENTTYPE_FD_READ,
  EVENTTYPE_FD_WRITE, SUBCLOCKFLAGS_ABSTIME, SUBSCRIPTION_SIZE,
} from '../abi.js';

// A private word to sleep on when only the clock is waited for.
const sleeper = new Int32Array(new SharedArrayBuffer(4));

function nowNs(clockId) {
  if (clockId === CLOCK_REALTIME) return BigInt(Date.now()) * 1_000_000n;
  return process.hrtime.bigint();
}

function readSubscriptions(memory, inPtr, count) {
  const view = memory.view(inPtr, count * SUBSCRIPTION_SIZE);
  const subs = [];
  for (let i = 0; i < count; i++) {
    const at = i * SUBSCRIPTION_SIZE;
    const userdata = view.getBigUint64(at, true);
    const tag = view.getUint8(at + 8);
    if (tag === EVENTTYPE_CLOCK) {
      const clockId = view.getUint32(at + 16, true);
      let timeout = view.getBigUint64(at + 24, true);
      if (view.getUint16(at + 40, true) & SUBCLOCKFLAGS_ABSTIME) {
        const now = nowNs(clockId);
        timeout = timeout > now ? timeout - now : 0n;
      }
      subs.push({ userdata, tag, timeoutMs: Number(timeout) / 1e6 });
    } else {
      subs.push({ userdata, tag, fd: view.getUint32(at + 16, true) });
    }
  }
  return subs;
}

// The events that are due now, without waiting.
function dueEvents(subs, fds, sockets) {
  const events = [];
  for (const sub of subs) {
    if (sub.tag === EVENTTYPE_CLOCK) continue;
    const event = { userdata: sub.userdata, type: sub.tag, error: 0, nbytes: 0, flags: 0 };
    const entry = fds.get(sub.fd);
    if (entry === undefined) {
      event.error = E.BADF;
    } else if (entry.kind === 'socket') {
      const r = sockets.readiness(entry.sock);
      if (sub.tag === EVENTTYPE_FD_READ ? !r.read : !r.write) continue;
      event.nbytes = sub.tag === EVENTTYPE_FD_READ ? r.nbytes : 0;
      if (r.hangup) event.flags = EVENTRWFLAGS_HANGUP;
    } else if (sub.tag !== EVENTTYPE_FD_READ && sub.tag !== EVENTTYPE_FD_WRITE) {
      event.error = E.INVAL;
    }
    events.push(event);
  }
  return events;
}

function writeEvents(memory, outPtr, events, neventsOut) {
  const view = memory.view(outPtr, events.length * EVENT_SIZE);
  events.forEach((ev, i) => {
    const at = i * EVENT_SIZE;
    view.setBigUint64(at, ev.userdata, true);
    view.setUint16(at + 8, ev.error, true);
    view.setUint8(at + 10, ev.type);
    view.setBigUint64(at + 16, BigInt(ev.nbytes), true);
    view.setUint16(at + 24, ev.flags, true);
  });
  memory.setU32(neventsOut, events.length);
  return 0;
}

export function pollOneoff({ memory, fds, sockets }, inPtr, outPtr, count, neventsOut) {
  if (count === 0) return E.INVAL;
  const subs = readSubscriptions(memory, inPtr, count);
  memory.view(outPtr, count * EVENT_SIZE);
  memory.view(neventsOut, 4);
  const clocks = subs.filter((s) => s.tag === EVENTTYPE_CLOCK);
  const waitsOnFds = clocks.length < subs.length;
  const start = performance.now();
  const timeoutMs = clocks.length ? Math.min(...clocks.map((c) => c.timeoutMs)) : Infinity;
  const deadline = start + timeoutMs;
  const channel = sockets.channel;
  for (;;) {
    const seen = channel.eventSeq();
    const events = waitsOnFds ? dueEvents(subs, fds, sockets) : [];
    if (events.length) return writeEvents(memory, outPtr, events, neventsOut);
    if (performance.now() >= deadline) {
      const fired = clocks
        .filter((c) => start + c.timeoutMs <= performance.now() + 0.001)
        .map((c) => ({ userdata: c.userdata, type: EVENTTYPE_CLOCK, error: 0, nbytes: 0, flags: 0 }));
      return writeEvents(memory, outPtr, fired.length ? fired : [{ userdata: clocks[0].userdata, type: EVENTTYPE_CLOCK, error: 0, nbytes: 0, flags: 0 }], neventsOut);
    }
    if (!waitsOnFds) {
      Atomics.wait(sleeper, 0, 0, deadline - performance.now());
      continue;
    }
    channel.waitEvent(seen, deadline);
  }
}
