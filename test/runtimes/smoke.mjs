// The JS API, nativesockets/promises and runWasi under whichever runtime
// runs this file: Node, Deno (`deno run -A`) or Bun. Vitest does not run
// under all three, so this is a small suite of its own, on real loopback
// sockets, printing `ok NAME` / `FAIL NAME` lines and `N passed, N failed`.
//
//   node test/runtimes/smoke.mjs [wasm-program-dir]
//   deno run -A test/runtimes/smoke.mjs
//   bun test/runtimes/smoke.mjs
//
// The runWasi case runs build/wasi/test-c.wasm's TCP tests when it is built
// (skipped otherwise, and said so).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ns from '../../js/index.js';
import * as nsp from '../../js/promises.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const runtime = globalThis.Deno ? `Deno ${Deno.version.deno}`
  : globalThis.Bun ? `Bun ${Bun.version}` : `Node ${process.version}`;

const cases = [];
const test = (name, fn) => cases.push({ name, fn });

function assert(cond, what) {
  if (!cond) throw new Error(`expected ${what}`);
}

function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: got ${a}, expected ${e}`);
}

async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  throw new Error('expected the promise to reject');
}

function listener(api = ns) {
  const sock = api.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM);
  api.bindAddr(sock, { address: '127.0.0.1', port: 0 });
  api.listen(sock);
  return { sock, port: api.getSockName(sock) };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---- the blocking API ----------------------------------------------------

test('blocking: TCP echo between two library sockets', () => {
  const l = listener();
  const client = ns.createNativeSocket();
  ns.connect(client, { address: '127.0.0.1', port: l.port });
  const { socket, address } = ns.accept(l.sock);
  equal(address, '127.0.0.1', 'peer address');
  equal(ns.send(client, 'hello'), 5, 'bytes sent');
  ns.send(socket, ns.recv(socket, 64));
  equal(ns.recv(client, 64).toString(), 'hello', 'echo');
  const buf = Buffer.alloc(8);
  ns.send(socket, 'into');
  equal(ns.recvInto(client, buf), 4, 'recvInto');
  for (const s of [client, socket, l.sock]) ns.close(s);
});

test('blocking: UDP datagram with the sender\'s address', () => {
  const a = ns.createNativeSocket(ns.AF_INET, ns.SOCK_DGRAM);
  const b = ns.createNativeSocket(ns.AF_INET, ns.SOCK_DGRAM);
  ns.bindAddr(a, { address: '127.0.0.1', port: 0 });
  ns.bindAddr(b, { address: '127.0.0.1', port: 0 });
  ns.sendTo(b, 'ping', { address: '127.0.0.1', port: ns.getSockName(a) });
  const got = ns.recvFrom(a, 64);
  equal([got.data.toString(), got.address, got.port], ['ping', '127.0.0.1', ns.getSockName(b)], 'datagram');
  ns.close(a);
  ns.close(b);
});

test('blocking: a refused connect is a NativeSocketsError', () => {
  const l = listener();
  ns.close(l.sock);
  const sock = ns.createNativeSocket();
  try {
    ns.connect(sock, '127.0.0.1', l.port);
    throw new Error('connected');
  } catch (e) {
    assert(e instanceof ns.NativeSocketsError, 'a NativeSocketsError');
    equal([e.code, e.errno, e.syscall], ['ECONNREFUSED', ns.ErrorCode.ECONNREFUSED, 'connect'], 'error');
  } finally {
    ns.close(sock);
  }
});

test('blocking: resolver and databases', () => {
  const list = ns.getAddrInfo('localhost', 80);
  assert(list.length > 0 && list[0].address === '127.0.0.1', 'localhost is 127.0.0.1');
  equal(ns.getServByName('http', 'tcp').port, 80, 'http/tcp');
  equal(ns.getProtoByName('udp'), 17, 'udp');
  equal(ns.version(), JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version, 'version');
});

// ---- nativesockets/promises ----------------------------------------------

test('promises: an async server answers this runtime\'s own net clients', async () => {
  const l = listener(nsp);
  const serve = (async () => {
    for (let i = 0; i < 10; i++) {
      const { socket } = await nsp.accept(l.sock);
      (async () => {
        for (;;) {
          const data = await nsp.recv(socket, 1024);
          if (data.length === 0) break;
          await nsp.send(socket, data);
        }
        nsp.close(socket);
      })();
    }
  })();
  const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => new Promise((resolve, reject) => {
    const c = net.connect(l.port, '127.0.0.1', () => c.write(`m${i}`));
    let got = '';
    c.on('data', (d) => { got += d; if (got.length >= `m${i}`.length) c.end(); });
    c.on('close', () => resolve(got));
    c.on('error', reject);
  })));
  await serve;
  nsp.close(l.sock);
  equal(answers, Array.from({ length: 10 }, (_, i) => `m${i}`), 'echoes');
});

test('promises: connect by name, send and recv against a net server', async () => {
  const server = net.createServer((c) => c.pipe(c));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const sock = nsp.createNativeSocket();
    await nsp.connect(sock, 'localhost', server.address().port);
    const big = Buffer.alloc(1024 * 1024, 'x');
    const sending = nsp.send(sock, big);
    let got = 0;
    while (got < big.length) got += (await nsp.recv(sock, 65536)).length;
    equal([await sending, got], [big.length, big.length], 'bytes');
    nsp.close(sock);
  } finally {
    server.close();
  }
});

test('promises: 200 pending recvs and a timer that keeps running', async () => {
  const l = listener(nsp);
  const pairs = [];
  for (let i = 0; i < 20; i++) {
    const client = nsp.createNativeSocket();
    const accepting = nsp.accept(l.sock);
    await nsp.connect(client, '127.0.0.1', l.port);
    pairs.push({ client, peer: (await accepting).socket });
  }
  let ticks = 0;
  let last = performance.now();
  let maxLag = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    maxLag = Math.max(maxLag, now - last - 10);
    last = now;
    ticks++;
  }, 10);
  const recvs = [];
  for (let i = 0; i < 200; i++) recvs.push(nsp.recv(pairs[i % 20].peer, 1));
  await sleep(300);
  for (let i = 0; i < 200; i++) nsp.send(pairs[i % 20].client, 'z');
  const got = await Promise.all(recvs);
  clearInterval(timer);
  equal(got.map(String).join(''), 'z'.repeat(200), 'data');
  assert(ticks > 10, `the timer to fire (it fired ${ticks} times)`);
  assert(maxLag < 250, `a free event loop (a timer was ${maxLag.toFixed(0)} ms late)`);
  for (const p of pairs) { nsp.close(p.client); nsp.close(p.peer); }
  nsp.close(l.sock);
});

test('promises: AbortSignal, errors and lookups', async () => {
  const l = listener(nsp);
  const controller = new AbortController();
  const pending = nsp.accept(l.sock, { signal: controller.signal });
  controller.abort();
  const e = await rejection(pending);
  equal([e.name, e.code], ['AbortError', 'ABORT_ERR'], 'abort');
  nsp.close(l.sock);
  const refused = nsp.createNativeSocket();
  const r = await rejection(nsp.connect(refused, '127.0.0.1', l.port));
  equal([r.code, r.syscall], ['ECONNREFUSED', 'connect'], 'refused');
  nsp.close(refused);
  equal(await nsp.getAddrInfo('localhost', 80), ns.getAddrInfo('localhost', 80), 'getAddrInfo');
  const n = await rejection(nsp.getAddrInfo('no-such-host.invalid'));
  equal(n.code, 'EAI_NONAME', 'unknown name');
});

// ---- runWasi -------------------------------------------------------------

test('runWasi: the C suite\'s TCP tests as a WASI command', async () => {
  const file = path.join(ROOT, 'build/wasi/test-c.wasm');
  if (!fs.existsSync(file)) return 'skip: build/wasi/test-c.wasm is not built (./build.sh wasi)';
  const out = path.join(fs.mkdtempSync(path.join(ROOT, 'build/smoke-')), 'out.txt');
  const fd = fs.openSync(out, 'w');
  try {
    const code = await ns.runWasi(fs.readFileSync(file), {
      args: ['test-c', 'tcp'], env: {}, preopens: { '/etc': '/etc' }, network: true, stdout: fd, stderr: fd,
    });
    const text = fs.readFileSync(out, 'utf8');
    equal(code, 0, `exit code (output:\n${text})`);
    assert(/\b[1-9]\d* passed, 0 failed/.test(text), `a passing summary, got:\n${text}`);
  } finally {
    fs.closeSync(fd);
    fs.rmSync(path.dirname(out), { recursive: true, force: true });
  }
  return undefined;
});

// ---- types ---------------------------------------------------------------

test('types: js/promises.d.ts type-checks test/runtimes/types.ts (deno check)', () => {
  if (!globalThis.Deno) return 'skip: the type check runs under Deno';
  // deno check fetches @types/node into its own cache (no node_modules change).
  const run = spawnSync(Deno.execPath(), ['check', '--node-modules-dir=none', 'test/runtimes/types.ts'],
    { cwd: ROOT, encoding: 'utf8', timeout: 240_000 });
  equal(run.status, 0, `deno check's exit code (${run.stdout}${run.stderr})`);
  return undefined;
});

// ---- runner --------------------------------------------------------------

let passed = 0;
let failed = 0;
let skipped = 0;
console.log(`# ${runtime}`);
for (const { name, fn } of cases) {
  try {
    const result = await Promise.race([
      fn(),
      sleep(240_000).then(() => { throw new Error('timed out after 240 s'); }),
    ]);
    if (typeof result === 'string' && result.startsWith('skip')) {
      skipped++;
      console.log(`skip ${name}: ${result.slice(6)}`);
    } else {
      passed++;
      console.log(`ok   ${name}`);
    }
  } catch (e) {
    failed++;
    console.log(`FAIL ${name}\n    ${String(e?.stack ?? e).split('\n').join('\n    ')}`);
  }
}
await ns.closeHost();
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
