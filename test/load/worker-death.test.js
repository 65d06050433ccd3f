// The host's worker dies while the guest is blocked in a call: every
// blocked call must fail (ENETDOWN) within a second of the death, whatever
// it waits for and however the worker died. Each case runs in a process of
// its own (test/load/worker_death_child.mjs), given 60 s before it counts
// as hung.
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, ROOT, size } from './helpers.js';

const CHILD = path.join(ROOT, 'test/load/worker_death_child.mjs');
const DEADLINE_MS = 1000; // the bound: detected within a second
const HUNG_MS = 60_000;
const CALLS = size(['recv', 'send'], ['recv', 'accept', 'send', 'select']);
const KILLS = ['exit', 'terminate'];

// A peer that accepts and neither reads nor writes.
let peer;
const held = [];
beforeAll(async () => {
  peer = await listen(net, (sock) => {
    sock.pause();
    sock.on('error', () => {});
    held.push(sock);
  });
});
afterAll(() => {
  for (const sock of held) sock.destroy();
  peer.server.close();
});

function runChild(call, kill) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CHILD, call, kill, String(peer.port)], { cwd: ROOT });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), HUNG_MS);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop();
      if (line?.startsWith('{')) resolve(JSON.parse(line));
      else resolve({ hung: signal === 'SIGKILL', exit: code ?? signal, stderr: err.slice(-300) });
    });
  });
}

describe('fault: the worker dies under a blocked call', () => {
  for (const call of CALLS) {
    for (const kill of KILLS) {
      it(`${call}: fails with ENETDOWN within ${DEADLINE_MS} ms of the worker's ${kill}`, async () => {
        const outcome = await runChild(call, kill);
        expect(outcome.code, JSON.stringify(outcome)).toBe('ENETDOWN');
        expect(outcome.afterDeathMs, JSON.stringify(outcome)).toBeLessThan(DEADLINE_MS);
      });
    }
  }
});
