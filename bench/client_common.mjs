// What the JS clients share, as bench/bench.h is for the C clients: the
// messages, the clock, the warm-up and the timed part, the command line and
// the report line. The socket calls stay in each client.
//
//   node bench/client_X.mjs TEST HOST PORT AMOUNT
//
// prints one JSON line {"test":...,"ops":N,"bytes":B,"seconds":S,
// "cpuSeconds":C,"threadCpuSeconds":T}, or {"test":...,"unsupported":"why"}
// for a test the client cannot run. cpuSeconds is the user + system time of
// the whole process over the timed part (every thread: the host's worker,
// the GC), threadCpuSeconds that of the main thread alone.
import fs from 'node:fs';

export const MESSAGE = 64; // echo and UDP payload
export const CHUNK = 64 * 1024; // one bulk write
export const message = Buffer.from('abcdefghijklmnopqrstuvwxyz'.repeat(3).slice(0, MESSAGE));

/** Seconds on a monotonic clock. */
export const now = () => performance.now() / 1000;

// The main thread's CPU seconds: the kernel's count of its time on a CPU
// (ns), or null where /proc has none.
function threadCpu() {
  try {
    return Number(fs.readFileSync('/proc/thread-self/schedstat', 'latin1').split(' ')[0]) / 1e9;
  } catch {
    return null;
  }
}

const processCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** The start of a timed part (wall clock and both CPU clocks). */
export function startClock() {
  const thread = threadCpu();
  const cpu = processCpu();
  return { wall: now(), cpu, thread };
}

/** The end of the timed part begun at `c`: { seconds, cpuSeconds, threadCpuSeconds }. */
export function stopClock(c) {
  const wall = now();
  const cpu = processCpu();
  const thread = threadCpu();
  return {
    seconds: wall - c.wall,
    cpuSeconds: +(cpu - c.cpu).toFixed(6),
    ...(thread !== null && c.thread !== null ? { threadCpuSeconds: +(thread - c.thread).toFixed(6) } : {}),
  };
}

/** Calls `call` (synchronous) for `ms` milliseconds: { ops, bytes, seconds }. */
export function callsFor(call, ms) {
  const clock = startClock();
  const end = clock.wall + ms / 1000;
  let ops = 0;
  while (now() < end) {
    call();
    ops++;
  }
  return { ops, bytes: 0, ...stopClock(clock) };
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
  const clock = startClock();
  body(amount);
  return { ops: amount, bytes: 0, ...stopClock(clock) };
}

/** The same for a `body` that returns a promise. Kept apart from the
 * blocking one so that no await stands in that one's timed part. */
export async function warmThenTimeAsync(amount, body) {
  await body(Math.floor(amount / 10));
  const clock = startClock();
  await body(amount);
  return { ops: amount, bytes: 0, ...stopClock(clock) };
}

/** The 99th percentile of `seconds` (an array), in µs. */
export function p99us(seconds) {
  const sorted = Float64Array.from(seconds).sort();
  return +(sorted[Math.floor((sorted.length - 1) * 0.99)] * 1e6).toFixed(3);
}

/** Says the process is at `phase` ({"phase":...} on stdout) and waits for
 * bench/run.mjs's go on stdin: it reads the process's RSS meanwhile. A
 * blocking read, as the C clients' fgets. */
export function phase(name) {
  process.stdout.write(`${JSON.stringify({ phase: name })}\n`);
  const buf = Buffer.alloc(16);
  for (;;) {
    try {
      if (fs.readSync(0, buf, 0, buf.length, null) > 0) return;
      throw new Error('phase: no go on stdin');
    } catch (err) {
      if (err.code !== 'EAGAIN') throw err;
    }
  }
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
