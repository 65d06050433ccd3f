#!/usr/bin/env node
// The guest fuzzer's harness: runs build/wasi/fuzz.wasm (test/js/guests/fuzz.c and fuzz_echo.c)
// under the host for a while and checks the host, not the answers:
//
//   - no exception escapes an import, and none is caught as unexpected
//     (host debugging is on: js/host/guest/guard.js records them);
//   - nothing hangs: a watchdog on this thread sees every call start, and
//     names the call that did not return within --hang-seconds;
//   - memory stays flat: the process's RSS after the warm-up may grow by at
//     most --rss-growth-mb;
//   - the echo checks the guest interleaves never see corrupted data;
//   - nothing leaks: after the guest closes all it holds, the host has no
//     socket left, and the worker no endpoint.
//
//   node test/fuzz/guest-fuzz.mjs [--seconds N] [--seed S] [--hang-seconds N] [--rss-growth-mb N]
//
// FUZZ_SECONDS and FUZZ_SEED work too. The seed is printed first and with
// every failure: the same seed replays the same calls.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const OPS = [
  'socket_open', 'socket_bind', 'socket_connect', 'socket_listen', 'socket_local_addr',
  'socket_peer_addr', 'socket_get_option', 'socket_set_option', 'socket_send_to',
  'socket_recv_from', 'resolve', 'name_info', 'host_name', 'service_by_name',
  'service_by_port', 'protocol_by_name', 'sock_accept', 'sock_recv', 'sock_send',
  'sock_shutdown', 'fd_read', 'fd_write', 'fd_pread', 'fd_pwrite', 'fd_close',
  'fd_fdstat_get', 'fd_fdstat_set_flags', 'fd_filestat_get', 'fd_renumber',
  'poll_oneoff', 'poll_oneoff (absurd counts)', 'echo check (TCP)', 'echo check (UDP)',
];
// progress words shared with the fuzzing thread
// and a ring of the last TRACE imports entered: [import, 10 arguments] each
const P_CALLS = 0, P_OP = 1, P_PHASE = 2, P_TRACE_AT = 3, P_TRACE = 4;
const MAX_ARGS = 10, ENTRY = 1 + MAX_ARGS, TRACE = 24;
const PROGRESS_WORDS = P_TRACE + ENTRY * TRACE;
const CHUNK = 250;

function options(argv) {
  const opts = {
    seconds: Number(process.env.FUZZ_SECONDS ?? 20),
    seed: process.env.FUZZ_SEED ?? null,
    hangSeconds: 20,
    rssGrowthMb: 128,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (flag === '--seconds') opts.seconds = Number(value);
    else if (flag === '--seed') opts.seed = value;
    else if (flag === '--hang-seconds') opts.hangSeconds = Number(value);
    else if (flag === '--rss-growth-mb') opts.rssGrowthMb = Number(value);
    else {
      console.error(`guest-fuzz: unknown argument ${flag}`);
      process.exit(2);
    }
    i++;
  }
  if (opts.seed === null) opts.seed = String(Math.floor(Math.random() * 2 ** 52));
  if (!/^\d+$/.test(opts.seed) || !(opts.seconds > 0)) {
    console.error('guest-fuzz: --seed is a decimal number, --seconds a positive number');
    process.exit(2);
  }
  return opts;
}

// Host bugs still open that the guest steps around (fuzz.c's KNOWN_*), so
// a run keeps looking for new ones; FUZZ_KNOWN=hit makes it walk into them.
// None is open: the two it knows (connect() on a bound socket that received
// a connection, and UDP connect() to port 0, issue 10 findings 7 and 8)
// were fixed, and the fuzzer now calls into both.
const KNOWN_BUGS = 0;

function knownBugsToAvoid() {
  return process.env.FUZZ_KNOWN === 'hit' ? 0 : KNOWN_BUGS;
}

// ---- the fuzzing thread ------------------------------------------------

// Every import notes its name and arguments in shared memory as it starts,
// so the watchdog can say which call hung and with what.
const importNames = [];
const importCalls = [];
const importSuccesses = [];
function traced(importObject, progress) {
  for (const [module, fns] of Object.entries(importObject)) {
    for (const [name, fn] of Object.entries(fns)) {
      if (typeof fn !== 'function' || name === 'proc_exit') continue;
      const index = importNames.push(`${module}.${name}`) - 1;
      importCalls.push(0);
      importSuccesses.push(0);
      fns[name] = (...args) => {
        const at = P_TRACE + (Atomics.add(progress, P_TRACE_AT, 1) % TRACE) * ENTRY;
        progress[at] = index;
        for (let i = 0; i < MAX_ARGS; i++) progress[at + 1 + i] = Number(args[i] ?? 0) | 0;
        const result = fn(...args);
        importCalls[index]++;
        if (result === 0) importSuccesses[index]++;
        return result;
      };
    }
  }
  return importObject;
}

async function fuzzThread({ seed, seconds, progress: progressBuffer, sandbox }) {
  process.env.NATIVESOCKETS_DEBUG = '1';
  const { SocketHost } = await import('../../js/host/index.js');
  const { takeUnexpectedFaults } = await import('../../js/host/guest/guard.js');
  const progress = new Int32Array(progressBuffer);
  const nul = fs.openSync('/dev/null', 'r+');
  const host = new SocketHost({
    args: ['fuzz'], preopens: { '/sandbox': sandbox },
    stdin: nul, stdout: nul, stderr: nul,
  });
  const imports = traced(host.getImportObject(), progress);
  parentPort.postMessage({ importNames });
  imports.fuzz_harness = {
    note(op) {
      Atomics.store(progress, P_OP, op);
      Atomics.add(progress, P_CALLS, 1);
    },
  };
  const module = new WebAssembly.Module(fs.readFileSync(path.join(root, 'build/wasi/fuzz.wasm')));
  const instance = new WebAssembly.Instance(module, imports);
  host.initialize(instance);
  const x = instance.exports;
  const failure = () => {
    const bytes = new Uint8Array(x.memory.buffer, x.fuzz_failure());
    const why = Buffer.from(bytes.subarray(0, bytes.indexOf(0))).toString();
    return `${why}\n${echoSockets(host, x, progress)}`;
  };
  const hostFaults = () => {
    const { faults, total } = takeUnexpectedFaults();
    if (!total) return null;
    const f = faults[0];
    return `${total} unexpected exception(s) in host imports; the first, in ${f.name}: ${f.error?.stack ?? f.error}`;
  };
  const report = (result) => parentPort.postMessage(result);

  const hosts = fs.readFileSync('/etc/hosts', 'utf8');
  const localhostInHosts = /^\s*127\.0\.0\.1\s.*\blocalhost\b/m.test(hosts);
  const seedBig = BigInt(seed);
  const baseline = host.debug('count').endpoints;
  let rc = x.fuzz_setup(Number(seedBig & 0xffffffffn), Number((seedBig >> 32n) & 0xffffffffn),
    localhostInHosts ? 1 : 0, knownBugsToAvoid());
  if (rc) return report({ ok: false, why: `setup failed: ${failure()}` });
  Atomics.store(progress, P_PHASE, 1); // warmed up: the memory baseline may be taken
  const until = performance.now() + seconds * 1000;
  let chunks = 0;
  while (performance.now() < until) {
    rc = x.fuzz_run(CHUNK);
    chunks++;
    const faults = hostFaults();
    if (faults) return report({ ok: false, why: faults });
    if (rc) return report({ ok: false, why: failure() });
    if (chunks === 8) Atomics.store(progress, P_PHASE, 2);
  }
  Atomics.store(progress, P_PHASE, 3);
  rc = x.fuzz_teardown();
  const faults = hostFaults();
  if (faults) return report({ ok: false, why: faults });
  if (rc) return report({ ok: false, why: `teardown: ${failure()}` });
  const coverage = OPS.map((name, op) => [name, x.fuzz_op_count(op)]);
  const leftSockets = host.openSockets();
  // closes are posted to the worker; give it a moment to finish them
  let endpoints = host.debug('count').endpoints;
  for (let i = 0; i < 50 && endpoints !== baseline; i++) {
    await new Promise((r) => setTimeout(r, 100));
    endpoints = host.debug('count').endpoints;
  }
  await host.close();
  if (leftSockets !== 0) return report({ ok: false, why: `${leftSockets} socket(s) still open in the host after teardown` });
  if (endpoints !== baseline) return report({ ok: false, why: `the worker holds ${endpoints - baseline} endpoint(s) after teardown` });
  const entered = importNames.map((name, i) => [name, importCalls[i], importSuccesses[i]]).filter(([, n]) => n > 0);
  report({ ok: true, coverage, imports: entered, udpLost: x.fuzz_udp_lost() });
}

// The host's view of the echo sockets (header words, kick queue), to tell a
// lost kick from a lost datagram when an echo check fails.
function echoSockets(host, x, progress) {
  const names = ['tcp client', 'tcp server', 'udp a', 'udp b'];
  const lines = names.map((name, i) => {
    const fd = x.fuzz_echo_fd(i);
    const entry = host.fds.get(fd);
    if (!entry || entry.kind !== 'socket') return `  ${name}: fd ${fd} is not a socket (${entry?.kind})`;
    const h = entry.sock.hdr;
    const word = (k) => Atomics.load(h, k) >>> 0;
    return `  ${name}: fd ${fd} id ${entry.sock.id} flags 0x${word(0).toString(16)} error ${word(1)}` +
      ` rx ${word(2) - word(3)} bytes queued, tx ${word(4) - word(5)} bytes queued`;
  });
  const ctrl = host.channel.ctrl;
  lines.push(`  kick queue: head ${Atomics.load(ctrl, 8)} tail ${Atomics.load(ctrl, 9)} overflow ${Atomics.load(ctrl, 10)}, ` +
    `${Atomics.load(progress, P_CALLS)} calls made`);
  return lines.join('\n');
}

// ---- the watching thread -------------------------------------------------

function lastImports(progress, names) {
  const end = Atomics.load(progress, P_TRACE_AT);
  const lines = [];
  for (let k = Math.max(0, end - TRACE); k < end; k++) {
    const at = P_TRACE + (k % TRACE) * ENTRY;
    const args = Array.from(progress.subarray(at + 1, at + ENTRY), (v) => v >>> 0);
    while (args.length && args.at(-1) === 0) args.pop();
    lines.push(`    ${names[progress[at]] ?? '?'}(${args.join(', ')})`);
  }
  return lines.join('\n');
}

function rssMb() {
  return process.memoryUsage.rss() / 2 ** 20;
}

async function main() {
  const opts = options(process.argv.slice(2));
  const wasm = path.join(root, 'build/wasi/fuzz.wasm');
  if (!fs.existsSync(wasm)) {
    console.error('guest-fuzz: build/wasi/fuzz.wasm is missing; run ./build.sh wasi');
    process.exit(2);
  }
  const sandbox = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-fuzz-'));
  const progressBuffer = new SharedArrayBuffer(PROGRESS_WORDS * 4);
  const progress = new Int32Array(progressBuffer);
  console.log(`guest fuzz: seed ${opts.seed}, ${opts.seconds} s (replay: FUZZ_SEED=${opts.seed})`);
  const started = performance.now();
  const worker = new Worker(fileURLToPath(import.meta.url), {
    workerData: { seed: opts.seed, seconds: opts.seconds, progress: progressBuffer, sandbox },
  });

  let importNamesSeen = [];
  const rssSamples = []; // one per tenth of the run, to tell a plateau from a leak
  let baselineRss = null, peakRss = 0, lastCalls = -1, lastChange = performance.now();
  const failWith = (why) => {
    console.log(`guest fuzz FAILED (seed ${opts.seed}, replay with FUZZ_SEED=${opts.seed}): ${why}`);
    console.log('0 passed, 1 failed');
    fs.rmSync(sandbox, { recursive: true, force: true });
    process.exit(1);
  };
  const watchdog = setInterval(() => {
    const now = performance.now();
    const calls = Atomics.load(progress, P_CALLS);
    if (calls !== lastCalls) {
      lastCalls = calls;
      lastChange = now;
    } else if (now - lastChange > opts.hangSeconds * 1000) {
      failWith(`hang: call ${calls} (${OPS[Atomics.load(progress, P_OP)] ?? '?'}) has not returned in ${opts.hangSeconds} s;` +
        ` the last imports entered, oldest first:\n${lastImports(progress, importNamesSeen)}`);
    }
    const phase = Atomics.load(progress, P_PHASE);
    const rss = rssMb();
    if (phase >= 2 && phase < 3) {
      // The host's working set (socket memory freed when GC runs) takes a
      // while to level off (about 200 MB after a minute or two); the
      // baseline is taken a quarter into the run, and a leak is growth
      // beyond it.
      const part = (now - started) / 1000 / opts.seconds;
      if (baselineRss === null && part >= 0.25) baselineRss = rss;
      const tenth = Math.floor(part * 10);
      if (rssSamples.length <= tenth) rssSamples.push(rss);
      peakRss = Math.max(peakRss, rss);
      if (baselineRss !== null && rss - baselineRss > opts.rssGrowthMb) {
        failWith(`memory: RSS grew from ${baselineRss.toFixed(0)} MB to ${rss.toFixed(0)} MB (limit +${opts.rssGrowthMb} MB)`);
      }
    }
    if (now - started > (opts.seconds + opts.hangSeconds + 60) * 1000) failWith('the run did not end');
  }, 250);

  worker.on('error', (err) => failWith(`an exception escaped the host into the harness: ${err?.stack ?? err}`));
  worker.on('exit', (code) => {
    if (code !== 0) failWith(`the fuzzing thread exited with ${code}`);
  });
  worker.on('message', (result) => {
    if (result.importNames) {
      importNamesSeen = result.importNames;
      return;
    }
    clearInterval(watchdog);
    if (!result.ok) failWith(result.why);
    const calls = Atomics.load(progress, P_CALLS);
    const missing = result.coverage.filter(([, n]) => n === 0).map(([name]) => name);
    console.log('  the guest\'s calls:');
    for (const [name, n] of result.coverage) console.log(`    ${name.padEnd(28)} ${n}`);
    console.log('  imports entered (calls, of which answered 0):');
    for (const [name, n, ok] of result.imports) console.log(`    ${name.padEnd(42)} ${String(n).padStart(8)} ${String(ok).padStart(8)}`);
    if (missing.length) failWith(`never called: ${missing.join(', ')}`);
    const seconds = (performance.now() - started) / 1000;
    console.log(`  UDP datagrams lost: ${result.udpLost}`);
    console.log(`  RSS by tenths of the run (MB): ${rssSamples.map((r) => r.toFixed(0)).join(' ')}`);
    console.log(`guest fuzz ok: ${calls} calls in ${seconds.toFixed(1)} s, RSS ${baselineRss?.toFixed(0)} MB a quarter in, peak ${peakRss.toFixed(0)} MB`);
    console.log('1 passed, 0 failed');
    fs.rmSync(sandbox, { recursive: true, force: true });
    worker.unref();
  });
}

if (isMainThread) {
  await main();
} else {
  await fuzzThread(workerData);
}
