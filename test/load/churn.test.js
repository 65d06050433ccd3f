// Connection churn at flat memory: the guest connects to itself, accepts
// and closes both, again and again (at most 3 sockets open). Node's RSS —
// the whole host: guest, worker, every buffer — must stay under 200 MB.
import { describe, expect, it } from 'vitest';
import { MB, memoryOf, sampleMemory, size, startGuest } from './helpers.js';

const CYCLES = size(10_000, 100_000);
const LIMIT = 200 * MB;

describe('load: connect/accept/close churn', () => {
  it(`keeps Node's RSS under 200 MB through ${CYCLES} connect/accept/close cycles`, async () => {
    const guest = startGuest(['churn', String(CYCLES)]);
    const memory = sampleMemory(guest.child.pid);
    const checkpoints = [];
    let over = false;
    for (let done = 1000; done <= CYCLES && !over; done += 1000) {
      await guest.line(/^cycles \d+$/, 120_000);
      checkpoints.push(Math.round((memoryOf(guest.child.pid) ?? 0) / MB));
      // Past the limit the verdict is known: stop before a host that grows
      // without bound takes the machine's memory.
      over = memory.peak >= LIMIT;
    }
    let peak;
    if (over) {
      peak = memory.stop();
      guest.child.kill('SIGKILL');
      await guest.exited;
    } else {
      await guest.line(/^done \d+$/);
      // The peak the kernel saw, not only the samples: a spike between two
      // samples counts too.
      peak = Math.max(memory.stop(), memoryOf(guest.child.pid, 'VmHWM') ?? 0);
      guest.child.stdin.end('exit\n');
      expect(await guest.exited).toBe(0);
    }
    expect(peak, `peak RSS ${Math.round(peak / MB)} MB; RSS every 1,000 cycles (MB): ${checkpoints.join(' ')}`)
      .toBeLessThan(LIMIT);
  });
});
