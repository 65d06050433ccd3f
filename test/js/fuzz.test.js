// A short run of the guest fuzzer (test/fuzz/guest-fuzz.mjs; the long one is
// ./build.sh fuzz): thousands of random and boundary calls to every host
// import, with echo checks over real loopback sockets. It runs in its own
// process, so that a hang is caught by a deadline here and a crash cannot
// take the suite with it. A failure prints the seed that replays it
// (FUZZ_SEED=... node test/fuzz/guest-fuzz.mjs).
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SECONDS = Number(process.env.FUZZ_TEST_SECONDS ?? 25);
const HANG_SECONDS = 20;

describe('the guest fuzzer', () => {
  it(`${SECONDS} s of hostile calls: no host exception, no hang, flat memory, no corrupted byte, no leak`, () => {
    const run = spawnSync(process.execPath, [
      path.join(root, 'test/fuzz/guest-fuzz.mjs'),
      '--seconds', String(SECONDS), '--hang-seconds', String(HANG_SECONDS),
    ], {
      encoding: 'utf8',
      timeout: (SECONDS + HANG_SECONDS + 90) * 1000,
      env: { ...process.env, NATIVESOCKETS_DEBUG: '1' },
    });
    const output = `${run.stdout}\n${run.stderr}`;
    const seed = /seed (\d+)/.exec(run.stdout)?.[1] ?? '(not printed)';
    expect(run.signal, `killed at the deadline (a hang); seed ${seed}\n${output}`).toBeNull();
    expect(run.status, `seed ${seed}\n${output}`).toBe(0);
    expect(run.stdout).toMatch(/^guest fuzz ok: \d+ calls/m);
    // host debugging reports faults of the host and of its worker on stderr
    expect(run.stderr, `seed ${seed}`).not.toMatch(/nativesockets (host|worker):/);
    const calls = Number(/guest fuzz ok: (\d+) calls/.exec(run.stdout)[1]);
    expect(calls).toBeGreaterThan(10_000);
  }, (SECONDS + HANG_SECONDS + 120) * 1000);
});
