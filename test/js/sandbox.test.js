// The sandbox of a wasm guest under runWasi and the runner: the network
// policy (every rule type, with real sockets on loopback), name lookups,
// the socket limit, preopens and unix-socket paths. The guest is
// test/js/guests/netprobe.c (build/wasi/netprobe.wasm): one operation per
// run, its outcome printed as one line.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWasi } from '../../js/host/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const runner = path.join(root, 'js/host/run-wasi.js');
const probeFile = path.join(root, 'build/wasi/netprobe.wasm');
let probe;
let scratch;

// The probe's output line for one operation under `options` (runWasi's).
async function outcome(options, ...args) {
  const out = path.join(scratch, `out-${process.hrtime.bigint()}`);
  const fd = fs.openSync(out, 'w');
  let code;
  try {
    code = await runWasi(probe, { ...options, args: ['netprobe', ...args], stdout: fd });
  } finally {
    fs.closeSync(fd);
  }
  const text = fs.readFileSync(out, 'utf8').trim();
  fs.rmSync(out);
  expect(code, `netprobe ${args.join(' ')}: ${text}`).toBe(0);
  return text;
}

const allow = (...rules) => ({ network: { allow: rules, lookup: false } });

// A Node server that accepts (the kernel completes connects even while the
// guest blocks this thread) on `host`; resolves with its port.
const servers = [];
function listening(host) {
  return new Promise((resolve, reject) => {
    const server = net.createServer((s) => s.destroy());
    server.on('error', reject);
    server.listen(0, host, () => resolve(server.address().port));
    servers.push(server);
  });
}

let v4port;
let v6port;
let hasIpv6 = true;
beforeAll(async () => {
  probe = new WebAssembly.Module(fs.readFileSync(probeFile));
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-sandbox-'));
  v4port = await listening('127.0.0.1');
  try {
    v6port = await listening('::1');
  } catch {
    hasIpv6 = false;
  }
});
afterAll(() => {
  for (const s of servers) s.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('runWasi denies the network unless allowed', () => {
  it('every operation is EACCES without a policy, lookups fail', async () => {
    expect(await outcome({}, 'tcp-connect', '127.0.0.1', String(v4port))).toBe('EACCES');
    expect(await outcome({}, 'tcp-bind', '127.0.0.1', '0')).toBe('EACCES');
    expect(await outcome({}, 'listen-any', '4')).toBe('EACCES');
    expect(await outcome({}, 'udp-send', '127.0.0.1', '9')).toBe('EACCES');
    expect(await outcome({}, 'udp-connect', '127.0.0.1', '9')).toBe('EACCES');
    expect(await outcome({ preopens: { '/s': scratch } }, 'unix-bind', '/s/denied.sock')).toBe('EACCES');
    expect(fs.existsSync(path.join(scratch, 'denied.sock'))).toBe(false);
    expect(await outcome({}, 'lookup', 'localhost')).toBe('EAI_FAIL');
  });

  it('network: true allows everything, lookups included', async () => {
    const open = { network: true };
    expect(await outcome(open, 'tcp-connect', '127.0.0.1', String(v4port))).toBe('ok');
    expect(await outcome(open, 'tcp-bind', '127.0.0.1', '0')).toMatch(/^ok \d+$/);
    expect(await outcome(open, 'lookup', 'localhost')).toMatch(/^ok (127\.0\.0\.1|::1)$/);
  });
});

describe('rules', () => {
  it('an address: 127.0.0.1 is not 127.0.0.2', async () => {
    expect(await outcome(allow('127.0.0.1'), 'tcp-bind', '127.0.0.1', '0')).toMatch(/^ok/);
    expect(await outcome(allow('127.0.0.1'), 'tcp-bind', '127.0.0.2', '0')).toBe('EACCES');
    expect(await outcome(allow('127.0.0.1'), 'tcp-connect', '127.0.0.1', String(v4port))).toBe('ok');
  });

  it('a CIDR block', async () => {
    expect(await outcome(allow('127.0.0.0/30'), 'tcp-bind', '127.0.0.3', '0')).toMatch(/^ok/);
    expect(await outcome(allow('127.0.0.0/30'), 'tcp-bind', '127.0.0.4', '0')).toBe('EACCES');
  });

  it('a port and a port range', async () => {
    const p = v4port;
    expect(await outcome(allow(`127.0.0.1:${p}`), 'tcp-connect', '127.0.0.1', String(p))).toBe('ok');
    expect(await outcome(allow(`127.0.0.1:${p - 5}-${p + 5}`), 'tcp-connect', '127.0.0.1', String(p))).toBe('ok');
    expect(await outcome(allow(`127.0.0.1:${p + 1}-${p + 9}`), 'tcp-connect', '127.0.0.1', String(p))).toBe('EACCES');
    expect(await outcome(allow(`*:${p}`), 'tcp-connect', '127.0.0.1', String(p))).toBe('ok');
    // An ephemeral port (0) is a port like any other: a range must hold it.
    expect(await outcome(allow('127.0.0.1:1024-65535'), 'tcp-bind', '127.0.0.1', '0')).toBe('EACCES');
    expect(await outcome(allow('127.0.0.1:*'), 'tcp-bind', '127.0.0.1', '0')).toMatch(/^ok/);
  });

  it('IPv6: [::1], its CIDR form, and IPv4 rules not covering it', async () => {
    if (!hasIpv6) return expect.soft(hasIpv6, 'no ::1 on this machine: IPv6 rules not tested').toBe(true);
    const p = String(v6port);
    expect(await outcome(allow('[::1]:*'), 'tcp-connect', '::1', p)).toBe('ok');
    expect(await outcome(allow('::1/128'), 'tcp-connect', '::1', p)).toBe('ok');
    expect(await outcome(allow(`[::1]:${p}`), 'tcp-connect', '::1', p)).toBe('ok');
    expect(await outcome(allow('[::1]:1-2'), 'tcp-connect', '::1', p)).toBe('EACCES');
    expect(await outcome(allow('127.0.0.1'), 'tcp-connect', '::1', p)).toBe('EACCES');
    expect(await outcome(allow('[::1]'), 'tcp-connect', '127.0.0.1', String(v4port))).toBe('EACCES');
  });

  it('deny wins over allow', async () => {
    const network = { allow: ['127.0.0.0/8'], deny: ['127.0.0.2'] };
    expect(await outcome({ network }, 'tcp-bind', '127.0.0.2', '0')).toBe('EACCES');
    expect(await outcome({ network }, 'tcp-bind', '127.0.0.3', '0')).toMatch(/^ok/);
  });

  it('IPv4-mapped and unspecified addresses are judged as what they reach', async () => {
    if (!hasIpv6) return expect.soft(hasIpv6, 'no IPv6: mapped addresses not tested').toBe(true);
    const network = { allow: ['*'], deny: ['127.0.0.0/8'] };
    expect(await outcome({ network }, 'tcp-connect', '::ffff:127.0.0.1', String(v4port))).toBe('EACCES');
    expect(await outcome({ network }, 'tcp-connect', '0.0.0.0', String(v4port))).toBe('EACCES');
    expect(await outcome(allow('127.0.0.1'), 'tcp-connect', '::ffff:127.0.0.1', String(v4port))).toBe('ok');
  });

  it('a host name: the addresses it resolves to', async () => {
    const p = String(v4port);
    expect(await outcome(allow(`localhost:${p}`), 'tcp-connect', '127.0.0.1', p)).toBe('ok');
    expect(await outcome(allow(`localhost:${p}`), 'tcp-bind', '127.0.0.2', p)).toBe('EACCES');
    expect(await outcome(allow('no-such-host.invalid'), 'tcp-connect', '127.0.0.1', p)).toBe('EACCES');
  });

  it('directions: connect, bind (and listen), send', async () => {
    const p = String(v4port);
    expect(await outcome(allow('connect:127.0.0.1'), 'tcp-connect', '127.0.0.1', p)).toBe('ok');
    expect(await outcome(allow('connect:127.0.0.1'), 'tcp-bind', '127.0.0.1', '0')).toBe('EACCES');
    expect(await outcome(allow('connect:127.0.0.1'), 'udp-send', '127.0.0.1', '9')).toBe('EACCES');
    expect(await outcome(allow('bind:127.0.0.1'), 'tcp-bind', '127.0.0.1', '0')).toMatch(/^ok/);
    expect(await outcome(allow('bind:127.0.0.1'), 'tcp-connect', '127.0.0.1', p)).toBe('EACCES');
    expect(await outcome(allow('send:127.0.0.1'), 'udp-send', '127.0.0.1', '9')).toBe('ok');
    expect(await outcome(allow('send:127.0.0.1'), 'udp-connect', '127.0.0.1', '9')).toBe('ok');
    expect(await outcome(allow('send:127.0.0.1'), 'udp-send', '127.0.0.2', '9')).toBe('EACCES');
    expect(await outcome(allow('connect+send:127.0.0.1'), 'udp-send', '127.0.0.1', '9')).toBe('ok');
    // listen() without bind() binds the wildcard address
    expect(await outcome(allow('127.0.0.1'), 'listen-any', '4')).toBe('EACCES');
    expect(await outcome(allow('bind:0.0.0.0:0'), 'listen-any', '4')).toBe('ok');
  });

  it('unix paths: the unix rule, a path prefix, and the preopens', async () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'u-'));
    fs.mkdirSync(path.join(dir, 'a'));
    fs.mkdirSync(path.join(dir, 'b'));
    const preopens = { '/s': dir };
    expect(await outcome({ preopens, network: { allow: ['*'] } }, 'unix-pair', '/s/a/1.sock')).toBe('EACCES');
    expect(await outcome({ preopens, network: { allow: ['unix'] } }, 'unix-pair', '/s/a/2.sock')).toBe('ok');
    expect(await outcome({ preopens, network: { allow: ['unix:/s/a'] } }, 'unix-pair', '/s/a/3.sock')).toBe('ok');
    expect(await outcome({ preopens, network: { allow: ['unix:/s/a'] } }, 'unix-bind', '/s/b/4.sock')).toBe('EACCES');
    expect(fs.existsSync(path.join(dir, 'b/4.sock'))).toBe(false);
    expect(await outcome({ preopens, network: { allow: ['unix:/s/a'] } }, 'unix-connect', '/s/a/../b/x.sock')).toBe('EACCES');
    // outside the preopens: refused even with every unix path allowed
    expect(await outcome({ preopens, network: { allow: ['unix'] } }, 'unix-bind', '/elsewhere.sock')).toBe('EACCES');
  });

  it('the check hook sees each operation and decides last', async () => {
    const seen = [];
    const network = {
      check(op, addr) {
        seen.push(`${op} ${addr.family} ${addr.address} ${addr.port}`);
        return addr.port !== 9;
      },
    };
    expect(await outcome({ network }, 'udp-send', '127.0.0.1', '9')).toBe('EACCES');
    expect(await outcome({ network }, 'udp-send', '127.0.0.1', '10')).toBe('ok');
    expect(seen).toEqual(['send ipv4 127.0.0.1 9', 'send ipv4 127.0.0.1 10']);
    const throwing = { network: { check() { throw new Error('embedder bug'); } } };
    expect(await outcome(throwing, 'tcp-connect', '127.0.0.1', String(v4port))).toBe('EACCES');
  });
});

describe('unix-socket paths stay inside the preopens', () => {
  const unixAllowed = { allow: ['unix'] };

  it('a mapped path longer than sun_path is ENAMETOOLONG, and nothing is created', async () => {
    // The preopen's own path is 100+ bytes: libuv would have cut the mapped
    // path inside the directory's name, a sibling outside the preopen.
    const parent = fs.mkdtempSync(path.join(scratch, 'long-'));
    const dir = path.join(parent, 'p'.repeat(120 - parent.length));
    fs.mkdirSync(dir);
    const preopens = { '/s': dir };
    expect(await outcome({ preopens, network: unixAllowed }, 'unix-bind', '/s/a.sock')).toBe('ENAMETOOLONG');
    expect(await outcome({ preopens, network: unixAllowed }, 'unix-connect', '/s/a.sock')).toBe('ENAMETOOLONG');
    expect(fs.readdirSync(parent)).toEqual([path.basename(dir)]);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('two guest names that would be cut to one are both refused', async () => {
    const parent = fs.mkdtempSync(path.join(scratch, 'cut-'));
    const preopens = { '/s': parent };
    const room = 107 - parent.length - 1;
    const a = `/s/${'n'.repeat(room)}`;
    expect(await outcome({ preopens, network: unixAllowed }, 'unix-pair', a)).toBe('ok');
    expect(await outcome({ preopens, network: unixAllowed }, 'unix-bind', `${a}-1`)).toBe('ENAMETOOLONG');
    expect(await outcome({ preopens, network: unixAllowed }, 'unix-bind', `${a}-2`)).toBe('ENAMETOOLONG');
  });

  it('.. and symlinks out of the preopen are EACCES', async () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'link-'));
    const outside = fs.mkdtempSync(path.join(scratch, 'outside-'));
    fs.symlinkSync(outside, path.join(dir, 'out'));
    fs.symlinkSync(path.join(outside, 'target.sock'), path.join(dir, 'dangling.sock'));
    fs.writeFileSync(path.join(outside, 'file'), '');
    fs.symlinkSync(path.join(outside, 'file'), path.join(dir, 'direct.sock'));
    const preopens = { '/s': dir };
    expect(await outcome({ preopens, network: unixAllowed }, 'unix-bind', '/s/out/x.sock')).toBe('EACCES');
    expect(await outcome({ preopens, network: unixAllowed }, 'unix-bind', '/s/../x.sock')).toBe('EACCES');
    expect(await outcome({ preopens, network: unixAllowed }, 'unix-connect', '/s/direct.sock')).toBe('EACCES');
    expect(await outcome({ preopens, network: unixAllowed }, 'unix-connect', '/s/dangling.sock')).toBe('EACCES');
    expect(await outcome({ preopens, network: unixAllowed }, 'unix-bind', '/s/dangling.sock')).toBe('EACCES');
    expect(fs.readdirSync(outside)).toEqual(['file']);
    // a symlink that stays inside is followed
    fs.mkdirSync(path.join(dir, 'in'));
    fs.symlinkSync(path.join(dir, 'in'), path.join(dir, 'alias'));
    expect(await outcome({ preopens, network: unixAllowed }, 'unix-pair', '/s/alias/y.sock')).toBe('ok');
  });
});

describe('name lookups are a switch of their own', () => {
  it('lookup: false fails names, not literals; reverse lookups stay numeric', async () => {
    const off = { network: { lookup: false } };
    expect(await outcome(off, 'lookup', 'localhost')).toBe('EAI_FAIL');
    expect(await outcome(off, 'lookup', '127.0.0.1')).toBe('ok 127.0.0.1');
    expect(await outcome(off, 'reverse', '127.0.0.1')).toBe('EAI_FAIL');
    const on = { network: { allow: [], lookup: true } };
    expect(await outcome(on, 'lookup', 'localhost')).toMatch(/^ok (127\.0\.0\.1|::1)$/);
    expect(await outcome(on, 'reverse', '127.0.0.1')).toMatch(/^ok \S+/);
  });
});

describe('accepted connections are checked too', () => {
  it('a peer the policy denies is closed and never reaches the guest', async () => {
    const child = spawn(process.execPath, [
      runner, '--allow-net=bind:127.0.0.1,accept:127.0.0.1', probeFile, 'serve', '127.0.0.1', '0', '1',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const port = await new Promise((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d;
        const m = /listening (\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      });
      child.on('exit', () => reject(new Error(`netprobe exited: ${out}`)));
    });
    // What a client gets: the guest's "!" or nothing before the close.
    const visit = (localAddress) => new Promise((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port, localAddress });
      let got = '';
      s.on('data', (d) => {
        got += d;
        s.end('x');
      });
      s.on('error', () => {});
      s.on('close', () => resolve(got));
    });
    expect(await visit('127.0.0.2')).toBe('');
    expect(await visit('127.0.0.1')).toBe('!');
    expect(await exited).toBe(0);
    expect(out.trim().split('\n')).toEqual([`listening ${port}`, 'accepted 127.0.0.1']);
  });
});

describe('the socket limit', () => {
  it('socket() past maxSockets is EMFILE; the default is 1024', async () => {
    expect(await outcome({ maxSockets: 10 }, 'open-many', '20')).toBe('opened 10 EMFILE');
    expect(await outcome({}, 'open-many', '1100')).toBe('opened 1024 EMFILE');
  });

  it('accept() at the limit is EMFILE and leaves the connection queued', async () => {
    const out = await outcome({ maxSockets: 3, network: true }, 'accept-limit');
    expect(out.split('\n')).toEqual(['accept at limit: EMFILE', 'accept after close: ok']);
  });
});

describe('files: nothing but the preopens', () => {
  it('the runner preopens nothing by default: /etc is out of reach', async () => {
    const target = `/etc/nativesockets-sandbox-${process.pid}`;
    const r = await runChild([probeFile, 'write-file', target]);
    expect(r.out.trim()).toBe('ENOTCAPABLE');
    expect(fs.existsSync(target)).toBe(false);
  });

  it('--dir HOST::GUEST maps a directory', async () => {
    const dir = fs.mkdtempSync(path.join(scratch, 'd-'));
    const r = await runChild(['--dir', `${dir}::/data`, probeFile, 'write-file', '/data/f']);
    expect(r.out.trim()).toBe('ok');
    expect(fs.readFileSync(path.join(dir, 'f'), 'utf8')).toBe('written by a guest\n');
  });
});

function runChild(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [runner, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

// The Emscripten host is the same SocketHost: the probe built with emcc
// takes the policy through Module['nativesocketsOptions']. Needs emcc and
// the Emscripten libraries (./build.sh emscripten); skipped without them.
const emLib = path.join(root, 'emscripten/lib/libnativesockets_emscripten.a');
const emReady = fs.existsSync(emLib) && spawnSyncOk('emcc', ['--version']);
describe.skipIf(!emReady)('the Emscripten host (needs ./build.sh emscripten and emcc)', () => {
  let script;
  let dir;
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(root, 'build/emscripten-probe-'));
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "commonjs" }');
    const pre = path.join(dir, 'pre.js');
    fs.writeFileSync(pre, [
      `Module['nativesocketsHost'] = ${JSON.stringify(new URL('../../js/host/emscripten.js', import.meta.url).href)};`,
      "Module['nativesocketsOptions'] = JSON.parse(process.env.NETPROBE_OPTIONS || '{}');",
    ].join('\n'));
    script = path.join(dir, 'netprobe.js');
    const built = spawnSync('emcc', [
      '-std=c99', '-D_POSIX_C_SOURCE=200809L', '-O2', '-Iemscripten/include', 'test/js/guests/netprobe.c',
      '-Lemscripten/lib', '-lnativesockets_emscripten', '--js-library', 'emscripten/library_nativesockets.js',
      '-sALLOW_MEMORY_GROWTH=1', '-sEXIT_RUNTIME=1', '-sNODERAWFS=1', '--pre-js', pre, '-o', script,
    ], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_PATH: '/usr/share/nodejs' } });
    if (built.status !== 0) throw new Error(`emcc failed: ${built.stderr}`);
  }, 180_000);

  const em = (options, ...args) => {
    const r = spawnSync(process.execPath, [script, ...args], {
      encoding: 'utf8', timeout: 60_000, env: { ...process.env, NETPROBE_OPTIONS: JSON.stringify(options) },
    });
    return r.stdout.trim();
  };

  it('allows everything by default, and obeys rules, lookups and maxSockets', () => {
    expect(em({}, 'tcp-bind', '127.0.0.2', '0')).toMatch(/^ok \d+$/);
    expect(em({ network: { allow: ['127.0.0.1'] } }, 'tcp-bind', '127.0.0.2', '0')).toBe('EACCES');
    expect(em({ network: { allow: ['127.0.0.1'] } }, 'tcp-bind', '127.0.0.1', '0')).toMatch(/^ok \d+$/);
    expect(em({ network: false }, 'udp-send', '127.0.0.1', '9')).toBe('EACCES');
    expect(em({ network: { lookup: false } }, 'lookup', 'localhost')).toBe('EAI_FAIL');
    expect(em({ maxSockets: 5 }, 'open-many', '10')).toBe('opened 5 EMFILE');
  });
});

function spawnSyncOk(command, args) {
  try {
    return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
  } catch {
    return false;
  }
}
