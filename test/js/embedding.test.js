// Embedding the host in someone else's Node process: the worker thread must
// start whatever flags the process runs under (finding 17). Each case is a
// child node process, so the flags are real process flags.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const posixEcho = path.join(root, 'build/wasi/posix-echo.wasm');

// One JS API call that opens a real socket (the worker must be running)
// and one runWasi of a guest that serves and connects to itself.
const SCRIPT = `
import fs from 'node:fs';
import * as ns from ${JSON.stringify(path.join(root, 'js/index.js'))};
import { runWasi } from ${JSON.stringify(path.join(root, 'js/host/index.js'))};
const s = ns.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM);
ns.bindAddr(s, { address: '127.0.0.1', port: 0 });
ns.listen(s);
const port = ns.getLocalAddr(s).port;
ns.close(s);
await ns.closeHost();
const out = fs.openSync('/dev/null', 'w');
const code = await runWasi(fs.readFileSync(${JSON.stringify(posixEcho)}), {
  args: ['posix-echo'], stdout: out, network: { allow: ['*'] },
});
console.log('api-port', port > 0, 'runWasi', code);
`;

function runUnder(flags, env = {}) {
  const dir = fs.mkdtempSync(path.join(root, 'build/embedding-'));
  const file = path.join(dir, 'embed.mjs');
  fs.writeFileSync(file, SCRIPT);
  try {
    return spawnSync(process.execPath, [...flags, file], {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env },
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const FLAGS = [
  ['--max-old-space-size=256'],
  ['--expose-gc'],
  ['--stack-size=900'],
  ['--abort-on-uncaught-exception'],
  ['--title=nativesockets-embedded'],
  ['--max-old-space-size=256', '--expose-gc', '--title=x'],
];

describe('the worker starts under any Node flags', () => {
  for (const flags of FLAGS) {
    it(`node ${flags.join(' ')}`, () => {
      const r = runUnder(flags);
      expect(r.stderr).not.toMatch(/ERR_WORKER_INVALID_EXEC_ARGV/);
      expect(r.stdout.trim()).toBe('api-port true runWasi 0');
      expect(r.status).toBe(0);
    });
  }

  it('NODE_OPTIONS with process-wide flags', () => {
    const r = runUnder([], { NODE_OPTIONS: '--max-old-space-size=256 --expose-gc --title=x --abort-on-uncaught-exception' });
    expect(r.stderr).not.toMatch(/ERR_WORKER_INVALID_EXEC_ARGV/);
    expect(r.stdout.trim()).toBe('api-port true runWasi 0');
    expect(r.status).toBe(0);
  });
});
