// A Node peer in a worker thread, for suites whose wasm calls block this
// thread's event loop: the peer keeps running while the guest waits.
import { Worker } from 'node:worker_threads';

/**
 * Starts `code` in a worker with `port` (its parentPort), `data`
 * (workerData), `net` and `crypto` in scope. Pushes its termination onto
 * `cleanups`. Returns { worker, next }: next() resolves to the next message.
 */
export function startNodePeer(code, data = {}, cleanups = []) {
  const worker = new Worker(
    `const { parentPort: port, workerData: data } = require('node:worker_threads');
     const net = require('node:net');
     const crypto = require('node:crypto');
     (async () => { ${code} })().catch((e) => port.postMessage({ error: String(e && e.stack || e) }));`,
    { eval: true, workerData: data },
  );
  cleanups.push(() => worker.terminate());
  const messages = [];
  const waiters = [];
  worker.on('message', (m) => (waiters.length ? waiters.shift()(m) : messages.push(m)));
  const next = () => (messages.length ? Promise.resolve(messages.shift()) : new Promise((r) => waiters.push(r)));
  return { worker, next };
}
