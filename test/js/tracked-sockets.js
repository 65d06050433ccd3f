// What a test file opens, undone after each test: the sockets it tracked
// (closed unless the test closed them) and its clean-ups (peers, servers);
// the host closes after the file.
import { afterAll, afterEach } from 'vitest';

/** @param ns the API under test (js/index.js or js/promises.js) */
export function trackedSockets(ns) {
  const opened = [];
  const cleanups = [];
  afterEach(async () => {
    for (const s of opened.splice(0)) {
      try { ns.close(s); } catch { /* closed by the test */ }
    }
    for (const fn of cleanups.splice(0)) await fn();
  });
  afterAll(() => ns.closeHost());
  return { opened, cleanups, track: (s) => (opened.push(s), s) };
}
