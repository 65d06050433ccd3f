// The clock and the calls-per-second loop of the JS clients, as bench.h is
// for the C clients.

/** Seconds on a monotonic clock. */
export const now = () => performance.now() / 1000;

/** Calls `call` (synchronous) for `ms` milliseconds: { ops, bytes, seconds }. */
export function callsFor(call, ms) {
  const start = now();
  const end = start + ms / 1000;
  let ops = 0;
  let t = start;
  while (t < end) {
    call();
    ops++;
    t = now();
  }
  return { ops, bytes: 0, seconds: t - start };
}

/** A tenth of `amount` ms untimed (warm-up), then `amount` ms counted. */
export function timedCalls(call, amount) {
  callsFor(call, amount / 10);
  return callsFor(call, amount);
}
