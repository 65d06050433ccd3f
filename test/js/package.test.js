// The packed npm tarball installed into a fresh folder: no compiler, no
// network (there are no runtime dependencies), then a real loopback round
// trip through `import 'nativesockets'` and the installed `nativesockets` bin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let work;
let app;
let tarball;

function sh(cmd, args, cwd) {
  return execFileSync(cmd, args, {
    cwd, encoding: 'utf8', timeout: 180_000, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' },
  });
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-pack-'));
  const packed = JSON.parse(sh(npm, ['pack', '--json', '--pack-destination', work], root));
  tarball = path.join(work, packed[0].filename);
  app = path.join(work, 'app');
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  sh(npm, ['install', '--offline', '--no-package-lock', tarball], app);
}, 240_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('ships the JS API, the host, the wasm module, its ABI, the WASI add-on for C users, and no tests or C sources', () => {
    const listing = JSON.parse(sh(npm, ['pack', '--dry-run', '--json'], root))[0].files.map((f) => f.path);
    for (const f of ['js/index.js', 'js/index.d.ts', 'js/cli.js', 'js/host/index.js', 'wasm/nativesockets.wasm', 'wasm/ABI.md',
      'wasm/include/nativesockets.h', 'wasm/include/netdb.h', 'wasm/lib/libnativesockets.a', 'README.md', 'package.json']) {
      expect(listing).toContain(f);
    }
    expect(listing.some((f) => f.startsWith('js/host/worker/'))).toBe(true);
    expect(listing.some((f) => f.startsWith('test/') || f.startsWith('csrc/') || f.startsWith('node_modules/'))).toBe(false);
    const installed = path.join(app, 'node_modules/nativesockets');
    expect(fs.existsSync(path.join(installed, 'wasm/nativesockets.wasm'))).toBe(true);
  });

  it('import "nativesockets" in a fresh project: a TCP round trip and getServByName', () => {
    fs.writeFileSync(path.join(app, 'main.js'), `
      import * as ns from 'nativesockets';
      const server = ns.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM);
      ns.bindAddr(server, { address: '127.0.0.1', port: 0 });
      ns.listen(server);
      const client = ns.createNativeSocket();
      ns.connect(client, '127.0.0.1', ns.getSockName(server));
      const { socket, address } = ns.accept(server);
      ns.send(client, 'round trip');
      const got = ns.recv(socket, 100).toString();
      for (const s of [socket, client, server]) ns.close(s);
      console.log(JSON.stringify({ got, address, http: ns.getServByName('http', 'tcp').port,
        open: ns.openSockets(), isError: new ns.NativeSocketsError({ code: 'X', errno: -1, syscall: 's' }) instanceof Error }));
      await ns.closeHost();
    `);
    const out = JSON.parse(sh(process.execPath, ['main.js'], app));
    expect(out).toEqual({ got: 'round trip', address: '127.0.0.1', http: 80, open: 0, isError: true });
  });

  it('the installed bin: nativesockets serv http tcp', () => {
    const bin = path.join(app, 'node_modules/.bin/nativesockets');
    expect(sh(bin, ['serv', 'http', 'tcp'], app)).toMatch(/^http\t80\/tcp/);
  });

  it('the types entry point exists where package.json says', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(app, 'node_modules/nativesockets/package.json'), 'utf8'));
    expect(pkg.exports['.'].types).toBe('./js/index.d.ts');
    expect(fs.existsSync(path.join(app, 'node_modules/nativesockets', pkg.types))).toBe(true);
  });
});

describe('prepack', () => {
  it('fails clearly when wasm/nativesockets.wasm is missing', () => {
    const copy = path.join(work, 'copy');
    fs.mkdirSync(copy);
    fs.copyFileSync(path.join(root, 'package.json'), path.join(copy, 'package.json'));
    let error;
    try {
      sh(npm, ['pack', '--pack-destination', copy], copy);
    } catch (e) {
      error = e;
    }
    expect(error).toBeDefined();
    expect(String(error.stderr)).toMatch(/wasm\/nativesockets\.wasm is missing/);
  });
});
