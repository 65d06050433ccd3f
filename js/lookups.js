// Name lookups for nativesockets/promises, off the caller's thread: a
// helper worker runs the JS API's own blocking lookups (js/lookup-worker.js)
// and posts the answers back. Started at the first lookup that needs it,
// and it never keeps the process alive while idle. Internal.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { NativeSocketsError } from './errors.js';
import { abortErrorOf } from './readiness.js';

export class Lookups {
  /** @param wasm what the instance was loaded from (options.wasm), if anything */
  constructor(wasm) {
    this.wasm = wasm instanceof URL ? fileURLToPath(wasm) : wasm;
    this.worker = null;
    this.pending = new Map();
    this.nextId = 1;
    this.closed = false;
  }

  /** Runs the JS API's `name(...args)` on the helper thread. */
  run(name, args, signal) {
    if (signal?.aborted) return Promise.reject(abortErrorOf(signal));
    if (this.closed) return Promise.reject(rebuild({ name: 'Error', message: 'nativesockets: the host was closed' }));
    const worker = this._start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const entry = { resolve, reject, signal, onAbort: null };
      if (signal !== undefined) {
        // A lookup in flight cannot be stopped; its answer is dropped.
        entry.onAbort = () => this._settle(id, { abort: abortErrorOf(signal) });
        signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      this.pending.set(id, entry);
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, name, args });
    });
  }

  close() {
    this.closed = true;
    const worker = this.worker;
    this.worker = null;
    for (const id of [...this.pending.keys()]) {
      this._settle(id, { error: { name: 'Error', message: 'nativesockets: the host was closed' } });
    }
    return worker?.terminate();
  }

  _start() {
    if (this.worker !== null) return this.worker;
    const worker = new Worker(new URL('./lookup-worker.js', import.meta.url), {
      workerData: { module: this.wasm },
      execArgv: process.execArgv.filter((arg) => !arg.startsWith('--input-type')),
    });
    worker.unref();
    worker.on('message', (msg) => this._settle(msg.id, msg));
    worker.on('error', (e) => this._failAll(e));
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = null;
      this._failAll(new Error('nativesockets: the lookup thread exited'));
    });
    this.worker = worker;
    return worker;
  }

  _failAll(error) {
    for (const id of [...this.pending.keys()]) this._settle(id, { abort: error });
  }

  _settle(id, msg) {
    const entry = this.pending.get(id);
    if (entry === undefined) return;
    this.pending.delete(id);
    if (this.pending.size === 0) this.worker?.unref();
    if (entry.onAbort !== null) entry.signal.removeEventListener('abort', entry.onAbort);
    if (msg.abort !== undefined) entry.reject(msg.abort);
    else if (msg.error !== undefined) entry.reject(rebuild(msg.error));
    else entry.resolve(msg.result);
  }
}

// The error the helper caught, as the same class the blocking call throws.
function rebuild(fields) {
  if (fields.name === 'NativeSocketsError') {
    const e = new NativeSocketsError(fields);
    e.message = fields.message;
    return e;
  }
  const Kind = { TypeError, RangeError }[fields.name] ?? Error;
  const e = new Kind(fields.message);
  if (fields.code !== undefined) e.code = fields.code;
  return e;
}
