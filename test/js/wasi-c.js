// Small C programs compiled for wasm32-wasi and run under the host: how the
// tests read numbers and layouts from the C headers themselves (C macros and
// struct layouts do not exist in a .wasm).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWasi } from '../../js/host/index.js';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// A clang that compiles *and links* for wasm32-wasi (some have no wasi runtime library).
function findClang() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-clang-'));
  try {
    fs.writeFileSync(path.join(dir, 't.c'), 'int main(void) { return 0; }\n');
    for (const cc of [process.env.WASI_CC, 'clang-16', 'clang', 'clang-17', 'clang-18', 'clang-15']) {
      if (!cc) continue;
      try {
        execFileSync(cc, ['--target=wasm32-wasi', '--sysroot=/usr', path.join(dir, 't.c'), '-o', path.join(dir, 't.wasm')], { stdio: 'ignore' });
        return cc;
      } catch { /* the next one */ }
    }
    return null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The clang to use, or null where none can build for wasm32-wasi (the callers skip then). */
export const wasiClang = fs.existsSync(path.join(root, 'csrc/wasi/include')) ? findClang() : null;

/** Compiles `source` with `includes` (paths under the repository), runs it, and parses its stdout as JSON. */
export async function printedByC(source, includes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-wasi-c-'));
  try {
    fs.writeFileSync(path.join(dir, 'k.c'), source);
    execFileSync(wasiClang, ['--target=wasm32-wasi', '--sysroot=/usr', ...includes.map((i) => `-I${path.join(root, i)}`),
      '-O1', path.join(dir, 'k.c'), '-o', path.join(dir, 'k.wasm')]);
    const out = fs.openSync(path.join(dir, 'out.json'), 'w');
    let status;
    try {
      status = await runWasi(fs.readFileSync(path.join(dir, 'k.wasm')), { stdout: out });
    } finally {
      fs.closeSync(out);
    }
    if (status !== 0) throw new Error(`the C program exited with ${status}`);
    return JSON.parse(fs.readFileSync(path.join(dir, 'out.json'), 'utf8'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
