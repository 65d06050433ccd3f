// The wasm instance behind the JS API: loading it, guest memory, argument
// checks and errors. Internal: js/index.js is the public module.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { instantiateReactor } from './host/index.js';
import { NativeSocketsError } from './errors.js';
import { ErrorCode } from './constants.js';

// The package's module; NATIVESOCKETS_WASM (a path) overrides it, for
// trying another build of the library without copying it into the package.
export const DEFAULT_WASM = process.env.NATIVESOCKETS_WASM
  ? path.resolve(process.env.NATIVESOCKETS_WASM)
  : new URL('../wasm/nativesockets.wasm', import.meta.url);

/** The largest buffer one send/recv call takes or gives (64 MiB). */
export const MAX_IO = 64 * 1024 * 1024;
/** The longest string (in UTF-8 bytes) passed to the library. */
export const MAX_STRING = 64 * 1024;

const REQUIRED = [
  'memory', 'malloc', 'free', 'ns_err_name', 'ns_strerror', 'ns_create_native_socket',
  'ns_connect', 'ns_recv', 'ns_send', 'ns_get_addr_info', 'ns_free_addr_info',
];

let state = null;
let defaultModule = null;
let devNull = null;

// The library prints nothing, and the JS API's descriptors are sockets only:
// the instance's stdio are the null device, opened once per process, so that
// no call on descriptors 0–2 (setBlocking(1, false), say) can touch the
// process's own stdin, stdout or stderr.
function nullStdio() {
  if (devNull === null) {
    const read = fs.openSync(os.devNull, 'r');
    const write = fs.openSync(os.devNull, 'w');
    devNull = { stdin: read, stdout: write, stderr: write };
  }
  return devNull;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function compile(wasm) {
  if (wasm instanceof WebAssembly.Module) return wasm;
  if (wasm === undefined || wasm === DEFAULT_WASM) {
    if (defaultModule === null) defaultModule = new WebAssembly.Module(readWasm(DEFAULT_WASM));
    return defaultModule;
  }
  if (typeof wasm === 'string' || wasm instanceof URL) return new WebAssembly.Module(readWasm(wasm));
  if (ArrayBuffer.isView(wasm) || wasm instanceof ArrayBuffer) return new WebAssembly.Module(wasm);
  throw new TypeError('options.wasm must be a path, a URL, bytes or a WebAssembly.Module');
}

function readWasm(where) {
  try {
    return fs.readFileSync(where);
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
    const file = where instanceof URL ? fileURLToPath(where) : where;
    throw new Error(`nativesockets: ${file} is missing; build it with ./build.sh wasi`);
  }
}

/**
 * Instantiates the module (once). options.wasm: path, URL, bytes or Module;
 * options.network: a network policy (docs/sandbox.md); options.maxSockets.
 */
export function load(options = {}) {
  if (state !== null) {
    if (options.wasm !== undefined) {
      throw new Error('nativesockets: already loaded; call closeHost() before loading another module');
    }
    return state;
  }
  const module = compile(options.wasm);
  // The JS API is the embedder's own code: everything is allowed unless
  // options.network says otherwise (js/host/policy.js).
  const { exports, host } = instantiateReactor(module, {
    ...nullStdio(), network: options.network, maxSockets: options.maxSockets ?? 16384,
  });
  const missing = REQUIRED.filter((name) => !(name in exports));
  if (missing.length > 0) {
    host.close();
    throw new Error(`nativesockets: the wasm module lacks ${missing.join(', ')}`);
  }
  const x = exports;
  // Native SOCK_* / IPPROTO_* → the library's numbers, from the module's own
  // conversion functions.
  const nativeType = new Map();
  const nativeProtocol = new Map();
  for (const v of [1, 2, 3, 5]) {
    const n = x.ns_sock_type_to_int(v);
    if (n >= 0 && !nativeType.has(n)) nativeType.set(n, v);
  }
  for (const v of [6, 17, 18, 19, 20, 21, 22]) {
    const n = x.ns_protocol_to_int(v);
    if (n >= 0 && !nativeProtocol.has(n)) nativeProtocol.set(n, v);
  }
  state = { x, host, module, wasmOption: options.wasm, nativeType, nativeProtocol, nonBlocking: new Set(), scratch: { ptr: 0, size: 0 } };
  return state;
}

export function loaded() {
  return state;
}

export async function unload() {
  const s = state;
  state = null;
  if (s !== null) {
    s.closed = true;
    for (const fn of unloadHooks) fn(s);
  }
  if (s !== null) await s.host.close();
}

const unloadHooks = [];

/** Runs fn(state) whenever an instance is unloaded (closeHost). */
export function onUnload(fn) {
  unloadHooks.push(fn);
}

// ---- guest memory --------------------------------------------------------

/**
 * A guest region of at least n bytes, kept for the instance's lifetime and
 * reused by every call (the hot path allocates nothing): valid until the
 * next scratch() call, so a call takes it once and slices it.
 */
export function scratch(s, n, syscall = 'malloc') {
  const sc = s.scratch;
  if (n > sc.size || sc.ptr === 0) {
    if (sc.ptr !== 0) s.x.free(sc.ptr);
    const size = Math.max(n, 2 * sc.size, 4096);
    sc.ptr = s.x.malloc(size) >>> 0;
    sc.size = sc.ptr === 0 ? 0 : size;
    if (sc.ptr === 0) throw libraryError(ErrorCode.ENOMEM, syscall);
  }
  return sc.ptr;
}

// Views of guest memory, remade only when the memory grows (a grown memory
// detaches the old buffer).
let viewsOf = null;
let u8View = null;
let dvView = null;
function refreshViews(x) {
  const buffer = x.memory.buffer;
  if (viewsOf !== buffer) {
    viewsOf = buffer;
    u8View = new Uint8Array(buffer);
    dvView = new DataView(buffer);
  }
}

export function bytes(x) {
  refreshViews(x);
  return u8View;
}

export function view(x) {
  refreshViews(x);
  return dvView;
}

export function u32(x, ptr) {
  return view(x).getUint32(ptr, true);
}

export function i32(x, ptr) {
  return view(x).getInt32(ptr, true);
}

/** A NUL-terminated string at ptr (at most max bytes). */
export function cstring(x, ptr, max = Infinity) {
  if (ptr === 0) return null;
  const mem = bytes(x);
  const limit = Math.min(mem.length, ptr + max);
  let end = ptr;
  while (end < limit && mem[end] !== 0) end++;
  return decoder.decode(mem.subarray(ptr, end));
}

/** A NULL-terminated char** (at most count entries). */
export function cstringArray(x, ptr, count) {
  const out = [];
  if (ptr === 0) return out;
  for (let i = 0; i < count; i++) {
    const p = u32(x, ptr + 4 * i);
    if (p === 0) break;
    out.push(cstring(x, p));
  }
  return out;
}

/**
 * Guest allocations of one call, all released when the call ends (free in
 * finally), plus clean-ups such as ns_free_addr_info.
 */
export class Frame {
  constructor(x) {
    this.x = x;
    this.ptrs = [];
    this.cleanups = [];
  }

  alloc(n, syscall = 'malloc') {
    const p = this.x.malloc(Math.max(n, 1)) >>> 0;
    if (p === 0) throw libraryError(ErrorCode.ENOMEM, syscall);
    this.ptrs.push(p);
    return p;
  }

  zeroed(n) {
    const p = this.alloc(n);
    bytes(this.x).fill(0, p, p + n);
    return p;
  }

  cstr(s) {
    const b = encoder.encode(s);
    const p = this.alloc(b.length + 1);
    const mem = bytes(this.x);
    mem.set(b, p);
    mem[p + b.length] = 0;
    return p;
  }

  data(u8) {
    const p = this.alloc(u8.byteLength);
    bytes(this.x).set(u8, p);
    return p;
  }

  defer(fn) {
    this.cleanups.push(fn);
  }

  release() {
    for (const fn of this.cleanups.splice(0).reverse()) fn();
    for (const p of this.ptrs.splice(0).reverse()) this.x.free(p);
  }
}

/** Runs fn(x, frame, state) with the module loaded and frees the frame. */
export function call(fn) {
  const s = load();
  const frame = new Frame(s.x);
  try {
    return fn(s.x, frame, s);
  } finally {
    frame.release();
  }
}

// ---- errors --------------------------------------------------------------

export function errNameOf(code) {
  const s = load();
  return cstring(s.x, s.x.ns_err_name(code) >>> 0);
}

export function strerrorOf(code) {
  const s = load();
  return cstring(s.x, s.x.ns_strerror(code) >>> 0);
}

/** The NativeSocketsError for a negative library code. */
export function libraryError(errno, syscall, extra = {}) {
  return new NativeSocketsError({
    errno, code: errNameOf(errno), syscall, description: strerrorOf(errno), ...extra,
  });
}

/** Throws for a negative rc; returns rc otherwise. */
export function check(rc, syscall, extra) {
  if (rc < 0) throw libraryError(rc, syscall, typeof extra === 'function' ? extra() : extra);
  return rc;
}

// ---- argument checks -----------------------------------------------------

function describe(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string (${JSON.stringify(v.length > 30 ? v.slice(0, 30) + '…' : v)})`;
  if (typeof v === 'object') return `an instance of ${v.constructor?.name ?? 'Object'}`;
  if (typeof v === 'function') return 'a function';
  return `${typeof v} ${String(v)}`;
}

function typeError(name, expected, v) {
  const e = new TypeError(`The "${name}" argument must be ${expected}. Received ${describe(v)}`);
  e.code = 'ERR_INVALID_ARG_TYPE';
  return e;
}

function rangeError(name, expected, v) {
  const e = new RangeError(`The value of "${name}" is out of range. It must be ${expected}. Received ${String(v)}`);
  e.code = 'ERR_OUT_OF_RANGE';
  return e;
}

export function integer(name, v, min, max) {
  if (typeof v !== 'number') throw typeError(name, 'of type number', v);
  if (!Number.isInteger(v) || v < min || v > max) {
    throw rangeError(name, `an integer >= ${min} and <= ${max}`, v);
  }
  return v;
}

export function int32(name, v) {
  return integer(name, v, -0x80000000, 0x7fffffff);
}

export function uint32(name, v) {
  return integer(name, v, 0, 0xffffffff);
}

export function socketArg(v, name = 'socket') {
  return int32(name, v);
}

export function portArg(v, name = 'port') {
  return integer(name, v, 0, 65535);
}

export function boolArg(name, v) {
  if (typeof v !== 'boolean') throw typeError(name, 'of type boolean', v);
  return v;
}

export function stringArg(name, v) {
  if (typeof v !== 'string') throw typeError(name, 'of type string', v);
  if (v.includes('\0')) {
    const e = new TypeError(`The "${name}" argument must not contain NUL bytes`);
    e.code = 'ERR_INVALID_ARG_VALUE';
    throw e;
  }
  if (v.length > MAX_STRING || Buffer.byteLength(v) > MAX_STRING) {
    throw rangeError(`${name}.length`, `at most ${MAX_STRING} bytes`, v.length);
  }
  return v;
}

// A Uint8Array over the memory of a TypedArray, DataView or (Shared)
// ArrayBuffer, or null for anything else.
function bytesOver(v) {
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  if (v instanceof ArrayBuffer || (typeof SharedArrayBuffer !== 'undefined' && v instanceof SharedArrayBuffer)) {
    return new Uint8Array(v);
  }
  return null;
}

function ioSized(u8, name) {
  if (u8.byteLength > MAX_IO) throw rangeError(`${name}.byteLength`, `at most ${MAX_IO}`, u8.byteLength);
  return u8;
}

/** string (UTF-8), Buffer, any TypedArray or DataView, ArrayBuffer → Uint8Array. */
export function dataArg(v, name = 'data') {
  const u8 = typeof v === 'string' ? Buffer.from(v, 'utf8') : bytesOver(v);
  if (u8 === null) throw typeError(name, 'a string, Buffer, TypedArray, DataView or ArrayBuffer', v);
  return ioSized(u8, name);
}

/** A buffer to receive into (TypedArray, DataView, ArrayBuffer) → a Uint8Array over its memory. */
export function intoArg(v, name = 'buffer') {
  const u8 = bytesOver(v);
  if (u8 === null) throw typeError(name, 'a Buffer, TypedArray, DataView or ArrayBuffer', v);
  return ioSized(u8, name);
}

export function lengthArg(v, name = 'length') {
  return integer(name, v, 0, MAX_IO);
}

export function timeoutArg(v, name = 'timeout') {
  return integer(name, v, -1, 0x7fffffff);
}

export { typeError, rangeError };
