// node:wasi, without its "experimental" warning: the host is the product
// here, and the warning would land in every CLI's output. Node warns when
// the module loads, Deno when a WASI object is made: both are quietened.
import fs from 'node:fs';
import { E } from './abi.js';

const emitWarning = process.emitWarning;

function quiet(warning, ...rest) {
  const text = typeof warning === 'string' ? warning : warning?.message ?? '';
  if (/WASI/.test(text)) return undefined;
  return emitWarning.call(process, warning, ...rest);
}

function quietly(fn) {
  process.emitWarning = quiet;
  try {
    return fn();
  } finally {
    process.emitWarning = emitWarning;
  }
}

process.emitWarning = quiet;
const { WASI: RuntimeWASI } = await import('node:wasi');
process.emitWarning = emitWarning;

/**
 * The runtime's node:wasi WASI object, constructed quietly. Where that
 * node:wasi lacks pieces the host relies on (Bun's: no initialize(), the
 * stdin/stdout/stderr options ignored, start() without the exit code), the
 * object is wrapped and the host provides those pieces of preview1 itself.
 */
export function WASI(options) {
  const inner = quietly(() => new RuntimeWASI(options));
  return typeof inner.initialize === 'function' ? inner : new PortableWASI(inner, options);
}

// proc_exit's way out of the guest, as node:wasi unwinds it.
class WasiExit extends Error {
  constructor(code) {
    super(`proc_exit(${code})`);
    this.code = code;
  }
}

class PortableWASI {
  constructor(inner, options) {
    this.inner = inner;
    this.stdio = [options.stdin, options.stdout, options.stderr];
    this.returnOnExit = options.returnOnExit ?? true;
    this.memory = null;
    const own = inner.wasiImport;
    this.wasiImport = {
      ...own,
      proc_exit: (code) => { throw new WasiExit(code >>> 0); },
      fd_write: (fd, iovs, count, out) => this._io(fd, iovs, count, out, false) ?? own.fd_write(fd, iovs, count, out),
      fd_read: (fd, iovs, count, out) => this._io(fd, iovs, count, out, true) ?? own.fd_read(fd, iovs, count, out),
    };
  }

  /** Runs a command's _start; returns its exit code. */
  start(instance) {
    this._attach(instance);
    let code = 0;
    try {
      instance.exports._start();
    } catch (e) {
      if (!(e instanceof WasiExit)) throw e;
      code = e.code;
    }
    if (!this.returnOnExit) process.exit(code);
    return code;
  }

  initialize(instance) {
    this._attach(instance);
    if (typeof instance.exports._initialize === 'function') instance.exports._initialize();
  }

  _attach(instance) {
    const { memory } = instance.exports;
    if (!(memory instanceof WebAssembly.Memory)) throw new TypeError('the module exports no memory');
    this.memory = memory;
    if (typeof this.inner.setMemory === 'function') this.inner.setMemory(memory);
  }

  // fd_read/fd_write on stdio the caller redirected to a descriptor of its
  // own; undefined for everything else (the runtime's WASI answers).
  _io(fd, iovs, count, out, reading) {
    const target = fd <= 2 ? this.stdio[fd] : undefined;
    if (typeof target !== 'number' || this.memory === null) return undefined;
    const buffer = this.memory.buffer;
    const view = new DataView(buffer);
    // i32 arguments arrive signed: as unsigned, a "negative" one is far out.
    iovs >>>= 0;
    count >>>= 0;
    out >>>= 0;
    if (iovs + count * 8 > buffer.byteLength || out + 4 > buffer.byteLength) return E.FAULT;
    let total = 0;
    try {
      for (let i = 0; i < count; i++) {
        const ptr = view.getUint32(iovs + 8 * i, true);
        const len = view.getUint32(iovs + 8 * i + 4, true);
        if (ptr + len > buffer.byteLength) return E.FAULT;
        const bytes = new Uint8Array(buffer, ptr, len);
        const n = reading ? fs.readSync(target, bytes) : fs.writeSync(target, bytes);
        total += n;
        if (n < len) break;
      }
    } catch {
      return E.IO;
    }
    view.setUint32(out, total, true);
    return 0;
  }
}
