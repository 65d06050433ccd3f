#!/usr/bin/env node
// Runs a WASI command module with sockets:
//   node js/host/run-wasi.js program.wasm [args...]
// Preopens /etc (the system databases, read only by convention) and /tmp
// (a fresh temporary directory), passes the environment's TMPDIR as /tmp.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runWasi } from './index.js';

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error('usage: run-wasi.js program.wasm [args...]');
  process.exit(2);
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nativesockets-wasi-'));
try {
  const code = await runWasi(fs.readFileSync(file), {
    args: [path.basename(file), ...args],
    env: { TMPDIR: '/tmp' },
    preopens: { '/etc': '/etc', '/tmp': tmp },
  });
  process.exitCode = code;
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
