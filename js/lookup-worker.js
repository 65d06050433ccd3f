// The helper thread of nativesockets/promises for name lookups: the same
// blocking calls of the JS API (the same C library, in an instance of its
// own), run here so that the caller's event loop never waits for a name
// server. One request at a time, answered in order. Internal.
import { parentPort, workerData } from 'node:worker_threads';
import * as ns from './index.js';

const LOOKUPS = new Set(['getAddrInfo', 'getHostByName', 'getHostByAddr']);

ns.init({ wasm: workerData.module });

parentPort.on('message', ({ id, name, args }) => {
  if (!LOOKUPS.has(name)) {
    parentPort.postMessage({ id, error: { name: 'Error', message: `not a lookup: ${name}` } });
    return;
  }
  try {
    parentPort.postMessage({ id, result: ns[name](...args) });
  } catch (e) {
    // NativeSocketsError's fields travel as a plain object.
    parentPort.postMessage({ id, error: { ...e, name: e.name, message: e.message } });
  }
});
