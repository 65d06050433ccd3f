// What the JS clients share, as bench/bench.h is for the C clients: the
// messages, the clock, the warm-up and the timed part, the command line and
// the report line. The socket calls stay in each client.
//
//   node bench/client_X.mjs TEST HOST PORT AMOUNT
//
// prints one JSON line {"test":...,"ops":N,"bytes":B,"seconds":S}, or
// {"test":...,"unsupported":"why"} for a test the client cannot run.

export const MESSAGE = 64; // echo and UDP payload
export const CHUNK = 64 * 1024; // one bulk write
export const message = Buffer.from('abcdefghijklmnopqrstuvwxyz'.repeat(3).slice(0, MESSAGE));

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

/** A counted test on blocking calls: `body(count)` untimed for a tenth of
 * `amount`, then timed for `amount`. */
export function warmThenTime(amount, body) {
  body(Math.floor(amount / 10));
  const start = now();
  body(amount);
  return { ops: amount, bytes: 0, seconds: now() - start };
}

/** The same for a `body` that returns a promise. Kept apart from the
 * blocking one so that no await stands in that one's timed part. */
export async function warmThenTimeAsync(amount, body) {
  await body(Math.floor(amount / 10));
  const start = now();
  await body(amount);
  return { ops: amount, bytes: 0, seconds: now() - start };
}

/**
 * Runs tests[TEST](host, port, amount) from the command line and prints its
 * line. `unsupported(test)` says why a test has no entry; `setUp` and
 * `tearDown` run around the test, outside its timing.
 */
export async function runClient(tests, {
  unsupported = () => 'no such test', setUp = () => {}, tearDown = async () => {},
} = {}) {
  const [test, host, port, amount] = process.argv.slice(2);
  if (!tests[test]) {
    console.log(JSON.stringify({ test, unsupported: unsupported(test) }));
    return;
  }
  setUp();
  const result = await tests[test](host, Number(port), Number(amount));
  console.log(JSON.stringify({ test, ...result }));
  await tearDown();
}
