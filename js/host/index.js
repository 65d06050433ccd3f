// The Node host for wasm32-wasi programs with sockets: node:wasi for files
// and stdio, the socket layer for socket descriptors and the
// nativesockets_v1 extension, and a worker thread running Node's net, dgram
// and dns on the guest's behalf.
import fs from 'node:fs';
import path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { WASI } from './wasi-module.js';
import { GuestChannel, HostDown } from './channel.js';
import { CONTROL_BYTES, C_EVENT } from './layout.js';
import { GuestMemory } from './memory.js';
import { Databases } from './etc-files.js';
import { FdTable } from './guest/fd-table.js';
import { SocketLayer } from './guest/sockets.js';
import { Resolver } from './guest/resolver.js';
import { preview1Imports } from './guest/preview1.js';
import { extensionImports } from './guest/extension.js';
import { AF_UNSPEC, MODULE, OP } from './abi.js';
import { networkPolicy, socketLimit } from './policy.js';

export { MODULE as EXTENSION_MODULE };
export { NetworkPolicy, PolicyError } from './policy.js';

// The longest the host's close waits for lingering sockets (SO_LINGER may
// ask for more per socket; the host's exit is bounded regardless).
const FINISH_BOUND_MS = 10_000;

// A guest's unix-socket path → a host path, through the preopened
// directories (the guest reaches nothing it was not given), or null.
function preopenedPath(preopens) {
  const entries = Object.entries(preopens).map(([guest, host]) => [path.posix.normalize(guest), host]);
  return (guestPath) => {
    const normal = path.posix.normalize(guestPath);
    if (normal.split('/').includes('..')) return null;
    let best = null;
    for (const [guest, host] of entries) {
      const prefix = guest.endsWith('/') ? guest : guest + '/';
      const fits = normal === guest || normal.startsWith(prefix) || guest === '.';
      if (fits && (best === null || guest.length > best[0].length)) best = [guest, host];
    }
    if (best === null) return null;
    const rest = best[0] === '.' ? normal : normal.slice(best[0].length);
    return insidePreopen(path.join(best[1], rest), best[1]);
  };
}

// `mapped` with the symlinks of its directory resolved, or null when they
// (or a symlink it names) lead outside the preopened directory `root`.
// A missing directory is left for bind/connect to answer ENOENT.
function insidePreopen(mapped, root) {
  const within = (p, top) => p === top || p.startsWith(top.endsWith(path.sep) ? top : top + path.sep);
  let top, dir;
  try {
    top = fs.realpathSync(root);
    dir = fs.realpathSync(path.dirname(mapped));
  } catch {
    return mapped;
  }
  if (!within(dir, top)) return null;
  const real = path.join(dir, path.basename(mapped));
  try {
    if (!within(fs.realpathSync(real), top)) return null;
  } catch {
    // Nothing there yet, or a dangling symlink: where it points is not ours.
    if (fs.lstatSync(real, { throwIfNoEntry: false })?.isSymbolicLink()) return null;
  }
  return real;
}

export class SocketHost {
  /**
   * @param options.args, env, preopens, stdin, stdout, stderr, returnOnExit: as node:wasi
   * @param options.unixPaths 'preopens' (default: unix-socket paths are
   *   resolved through the preopens) or 'host' (paths are host paths)
   * @param options.databases { services, protocols, hosts } file paths
   * @param options.network the network policy (policy.js, docs/sandbox.md):
   *   true (default here: everything), false, or { allow, deny, lookup, check }
   * @param options.maxSockets sockets the guest may hold at once (1024);
   *   socket() and accept() beyond it are EMFILE
   */
  constructor(options = {}) {
    // First: a bad policy throws before a worker is started.
    this.policy = networkPolicy(options.network, true, (name) => this._hostAddresses(name));
    const maxSockets = socketLimit(options.maxSockets, 1024);
    const preopens = options.preopens ?? {};
    this.wasi = new WASI({
      version: 'preview1',
      args: options.args ?? [],
      env: options.env ?? {},
      preopens,
      returnOnExit: options.returnOnExit ?? true,
      stdin: options.stdin, stdout: options.stdout, stderr: options.stderr,
    });
    this.memory = new GuestMemory();
    this.fds = new FdTable();
    this.fds.mirror(3 + Object.keys(preopens).length);
    this.databases = new Databases(options.databases);

    const control = new SharedArrayBuffer(CONTROL_BYTES);
    const { port1, port2 } = new MessageChannel();
    this.worker = new Worker(new URL('./worker/main.js', import.meta.url), {
      workerData: { control, port: port2 }, transferList: [port2],
      // The worker needs no Node flags, and handing it the process's own
      // (--max-old-space-size, --expose-gc, --title, --input-type, ...)
      // makes Node refuse to start it (ERR_WORKER_INVALID_EXEC_ARGV).
      execArgv: [],
    });
    this.worker.unref();
    this.channel = new GuestChannel(new Int32Array(control), port1, () => {});
    this.worker.on('exit', () => this.channel.markDead());
    this.worker.on('error', () => this.channel.markDead());
    // Whoever stops the worker does so on this thread, the guest's: seeing
    // it here at once spares the guest a wait for the 'exit' event (which
    // a blocked guest could not take) and any write to descriptors the
    // worker is about to close.
    const terminate = this.worker.terminate.bind(this.worker);
    this.worker.terminate = () => {
      this.channel.markDead();
      return terminate();
    };
    const unixPath = options.unixPaths === 'host' ? (p) => p : preopenedPath(preopens);
    this.sockets = new SocketLayer(this.channel, unixPath, maxSockets);
    this.resolver = new Resolver(this.channel, this.databases);
    this.sockets.policy = this.policy;
    this.resolver.policy = this.policy;
    this.closed = false;
  }

  // The addresses of a host name a policy rule names (the embedder's rule,
  // so the guest's lookup switch does not apply).
  _hostAddresses(name) {
    const reply = this.channel.request({
      op: OP.RESOLVE, node: name, family: AF_UNSPEC, v4mapped: false, all: false, addrconfig: false,
    });
    return reply.eai ? [] : reply.addresses;
  }

  getImportObject() {
    const shared = {
      memory: this.memory, fds: this.fds, sockets: this.sockets,
      resolver: this.resolver, databases: this.databases,
    };
    return {
      wasi_snapshot_preview1: preview1Imports({ ...shared, wasi: this.wasi.wasiImport }),
      [MODULE]: extensionImports(shared),
    };
  }

  /** Runs a command module's _start; returns its exit code. */
  start(instance) {
    this.memory.attach(instance.exports.memory);
    return this.wasi.start(instance);
  }

  /** Prepares a reactor module (its _initialize). */
  initialize(instance) {
    this.memory.attach(instance.exports.memory);
    this.wasi.initialize(instance);
  }

  /** The counter the worker bumps on every socket change, to wait on without
   * blocking (Atomics.waitAsync): { words: Int32Array, index }. */
  eventCounter() {
    return { words: this.channel.ctrl, index: C_EVENT };
  }

  /** Sockets the guest has open right now. */
  openSockets() {
    return this.fds.countSockets();
  }

  /** One request to the worker and its answer, doing nothing: the cost of
   * the blocking round trip that bind, connect and lookups pay. */
  ping() {
    return this.channel.request({ op: OP.PING });
  }

  /** Asks the worker something for tests: 'count' or 'exit'. */
  debug(what, extra = {}) {
    return this.channel.request({ op: OP.DEBUG, what, ...extra });
  }

  /**
   * Stops the worker; the guest's later socket calls fail with ENETDOWN.
   * First, as a process's exit does, the sockets the guest left open are
   * closed and what send() took reaches the kernel (within each socket's
   * linger time, DEFAULT_LINGER_MS unless SO_LINGER says otherwise).
   */
  async close() {
    if (this.closed) return;
    this.closed = true;
    try {
      if (!this.channel.dead) await this.channel.requestAsync({ op: OP.FINISH }, FINISH_BOUND_MS);
    } catch (err) {
      if (!(err instanceof HostDown)) throw err;
    }
    this.channel.markDead();
    await this.worker.terminate();
  }
}

function toModule(wasm) {
  return wasm instanceof WebAssembly.Module ? wasm : new WebAssembly.Module(wasm);
}

/**
 * Runs a WASI command module with socket support and returns its exit code.
 * `wasm`: bytes or a WebAssembly.Module. Options: see SocketHost; unlike
 * there, the network is denied unless `options.network` allows it.
 */
export async function runWasi(wasm, options = {}) {
  const host = new SocketHost({ ...options, network: options.network ?? false });
  try {
    const instance = new WebAssembly.Instance(toModule(wasm), host.getImportObject());
    return host.start(instance);
  } finally {
    await host.close();
  }
}

/** Instantiates a reactor module (such as nativesockets.wasm) with a host. */
export function instantiateReactor(wasm, options = {}) {
  const host = new SocketHost({ unixPaths: 'host', ...options });
  const instance = new WebAssembly.Instance(toModule(wasm), host.getImportObject());
  host.initialize(instance);
  return { instance, exports: instance.exports, host };
}
