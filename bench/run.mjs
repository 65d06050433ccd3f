// The benchmark driver: starts the one peer, runs every client on every test
// several times, and writes build/bench/results.json, then prints the table
// and the target checks (bench/report.mjs). Started by `./build.sh bench`,
// which builds the programs first.
//
//   node bench/run.mjs [--out build/bench/results.json]
//
// Environment: BENCH_REPS (repetitions, default 5), BENCH_QUICK=1 (a tenth
// of the work, 2 repetitions: for development, not for figures),
// BENCH_EMSCRIPTEN (the Emscripten client's .js) or BENCH_EMSCRIPTEN_MISSING
// (why there is none), BENCH_ROWS or BENCH_ONLY (comma-separated test names:
// a subset), BENCH_PAIRS (raw POSIX + native library pairs per repetition,
// default 3).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { PAIRED, TESTS, markdownTable, printReport, summarise } from './report.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BUILD = path.join(ROOT, 'build', 'bench');
const quick = process.env.BENCH_QUICK === '1';
const reps = Number(process.env.BENCH_REPS ?? (quick ? 2 : 5));
const PAIRS = Number(process.env.BENCH_PAIRS ?? (quick ? 1 : 3));
const rows = process.env.BENCH_ROWS || process.env.BENCH_ONLY;
const only = rows ? rows.split(',').map((r) => r.trim()).filter(Boolean) : null;
const outArg = process.argv.indexOf('--out');
const outFile = outArg > 0 ? process.argv[outArg + 1] : path.join(BUILD, 'results.json');
const CLIENT_TIMEOUT_MS = 120_000; // the slowest timed client run takes a few seconds
const MEMORY_TIMEOUT_MS = 600_000; // 100,000 connections take the host 30 s; room for a loaded machine

// The runner denies the guest the network unless told (docs/sandbox.md).
const RUNNER_NETWORK = ['--allow-net', '--allow-lookup'];

// How each client is started; null with a reason when it cannot be.
// `byTest` names another program for some tests.
function clientCommands() {
  const node = process.execPath;
  const emscripten = process.env.BENCH_EMSCRIPTEN;
  const runner = path.join(ROOT, 'js/host/run-wasi.js');
  const jsapiMore = [node, path.join(ROOT, 'bench/client_jsapi_more.mjs')];
  return {
    raw: { argv: [path.join(BUILD, 'client-raw')] },
    native: { argv: [path.join(BUILD, 'client-native')] },
    wasm: { argv: [node, runner, ...RUNNER_NETWORK, path.join(BUILD, 'client.wasm')] },
    emscripten: emscripten
      ? { argv: [node, emscripten] }
      : { missing: process.env.BENCH_EMSCRIPTEN_MISSING || 'not built' },
    jsapi: {
      argv: [node, path.join(ROOT, 'bench/client_jsapi.mjs')],
      byTest: { recv: jsapiMore, many: jsapiMore, churn: jsapiMore, open: jsapiMore },
    },
    'jsapi-async': { argv: [node, path.join(ROOT, 'bench/client_jsapi_async.mjs')] },
    node: { argv: [node, path.join(ROOT, 'bench/client_node.mjs')] },
    host: { argv: [node, path.join(ROOT, 'bench/client_host.mjs')] },
  };
}

// The clients of one repetition. The order turns with each repetition, so
// that none always runs first (or right after the most demanding one). The
// clients a target compares run back to back, in ABBA order: raw POSIX and
// the native library (PAIRS pairs per repetition: their difference is the
// smallest the benchmark must see) and the wasm build and Node (one pair).
// Each pair sees one machine state, so its ratio is steadier than a ratio
// of figures taken minutes apart (PAIRED, in bench/report.mjs).

function clientOrder(clients, rep) {
  const groups = [];
  const placed = new Set();
  for (const c of clients) {
    if (placed.has(c)) continue;
    const pair = PAIRED.find((p) => p.includes(c) && p.every((x) => clients.includes(x)));
    if (!pair) {
      groups.push([c]);
      continue;
    }
    const times = pair[0] === 'raw' ? PAIRS : 1;
    const seq = [];
    for (let i = 0; i < times; i++) seq.push(...((rep + i) % 2 ? [pair[1], pair[0]] : pair));
    pair.forEach((x) => placed.add(x));
    groups.push(seq);
  }
  for (let i = 0; i < rep % groups.length; i++) groups.push(groups.shift());
  return groups.flat();
}

function startPeer() {
  const peer = spawn(path.join(BUILD, 'peer'), [], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: peer.stdout });
    lines.once('line', (line) => resolve({ process: peer, ports: JSON.parse(line) }));
    peer.once('exit', (code) => reject(new Error(`the peer exited (${code}) before serving`)));
  });
}

// The figures a client's result line carries into the samples.
const SAMPLE_FIELDS = ['ops', 'bytes', 'seconds', 'cpuSeconds', 'threadCpuSeconds', 'p99us'];

function sampleOf(line, extra = {}) {
  const result = JSON.parse(line);
  if (result.unsupported) return { unsupported: result.unsupported };
  const sample = { ...extra };
  for (const key of SAMPLE_FIELDS) if (result[key] !== undefined) sample[key] = result[key];
  return sample;
}

function clientArgv(command, test, ports) {
  const amount = quick ? Math.max(1, Math.floor(test.amount / 10)) : test.amount;
  const port = test.port ? ports[test.port] : 0;
  const argv = command.byTest?.[test.name] ?? command.argv;
  return [...argv, test.name, '127.0.0.1', String(port), String(amount)];
}

// The resident set of process `pid`, in bytes (VmRSS), or null.
function rssOf(pid) {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'latin1');
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return kb ? Number(kb[1]) * 1024 : null;
  } catch {
    return null;
  }
}

// A memory test's run: the client prints {"phase":"before"} and
// {"phase":"after"} and waits for a line on its input after each; the RSS
// of its process is read then. { ..., rssBefore, rssAfter } or { error }.
function runPhasedClient(command, test, ports) {
  const [file, ...args] = clientArgv(command, test, ports);
  const child = spawn(file, args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const rss = {};
  let stderr = '';
  let last = null;
  child.stderr.on('data', (d) => { stderr += d; });
  const lines = readline.createInterface({ input: child.stdout });
  lines.on('line', (line) => {
    if (!line.startsWith('{')) return;
    const msg = JSON.parse(line);
    if (msg.phase) {
      rss[msg.phase] = rssOf(child.pid);
      child.stdin.write('go\n');
    } else last = line;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), MEMORY_TIMEOUT_MS);
  return new Promise((resolve) => {
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && last && (rss.before || JSON.parse(last).unsupported)) {
        return resolve(sampleOf(last, { rssBefore: rss.before, rssAfter: rss.after }));
      }
      resolve({ error: failure(stderr, code === null ? `killed (${signal})` : `exit ${code}`) });
    });
  });
}

// The line that says what went wrong: the client's own message or the
// error a runtime threw, not the stack trace around it.
function failure(stderr, fallback) {
  const lines = (stderr || '').split('\n').map((l) => l.trim()).filter(Boolean);
  const why = lines.find((l) => /^client:|error/i.test(l)) ?? lines.pop() ?? fallback;
  return why.slice(0, 300);
}

// One run of one client on one test: { ops, bytes, seconds, ... } or { error }.
async function runClient(command, test, ports) {
  if (test.memory) return runPhasedClient(command, test, ports);
  const [file, ...args] = clientArgv(command, test, ports);
  const run = spawnSync(file, args, {
    cwd: ROOT, encoding: 'utf8', timeout: CLIENT_TIMEOUT_MS, maxBuffer: 1 << 20,
  });
  const last = run.stdout?.trim().split('\n').filter((l) => l.startsWith('{') && !l.includes('"phase"')).pop();
  if (run.status === 0 && last) return sampleOf(last);
  return { error: run.error ? run.error.message.slice(0, 300) : failure(run.stderr, `exit ${run.status ?? run.signal}`) };
}

function toolVersion(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0].trim() : null;
}

function machine() {
  const cpus = os.cpus();
  return {
    date: new Date().toISOString(),
    hostname: os.hostname(),
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: +(os.totalmem() / 2 ** 30).toFixed(1),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    gcc: toolVersion('gcc', ['--version']),
    clang: toolVersion('clang-16', ['--version']),
    commit: toolVersion('git', ['-C', ROOT, 'rev-parse', '--short', 'HEAD']),
    loadAverageAtStart: os.loadavg().map((x) => +x.toFixed(2)),
  };
}

async function main() {
  const commands = clientCommands();
  const tests = TESTS.filter((t) => !only || only.includes(t.name));
  const info = machine();
  const runs = {}; // test → client → [sample]
  const problems = {}; // test → client → reason (unsupported, missing, failed)
  const peer = await startPeer();
  const started = Date.now();
  process.stderr.write(`bench: peer on ${JSON.stringify(peer.ports)}; ${reps} repetitions${quick ? ' (quick)' : ''}\n`);
  try {
    for (let rep = 0; rep < reps; rep++) {
      for (const test of tests) {
        // Memory is read once a run: it does not move with the load.
        if (test.memory && rep > 0) continue;
        const clients = clientOrder(test.clients, rep);
        for (const client of clients) {
          const command = commands[client];
          runs[test.name] ??= {};
          problems[test.name] ??= {};
          if (command.missing) {
            problems[test.name][client] = `not built: ${command.missing}`;
            continue;
          }
          if (problems[test.name][client]) continue; // failed or unsupported before
          const result = await runClient(command, test, peer.ports);
          if (result.unsupported) problems[test.name][client] = `n/a: ${result.unsupported}`;
          else if (result.error) problems[test.name][client] = `failed: ${result.error}`;
          else (runs[test.name][client] ??= []).push(result);
        }
        process.stderr.write(`bench: repetition ${rep + 1}/${reps}: ${test.name} done (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
      }
    }
  } finally {
    peer.process.stdin.end('quit\n');
  }
  info.loadAverageAtEnd = os.loadavg().map((x) => +x.toFixed(2));
  info.seconds = Math.round((Date.now() - started) / 1000);
  const results = summarise({
    machine: info,
    config: { repetitions: reps, rawNativePairsPerRepetition: PAIRS, quick, peer: 'bench/peer.c, one process for every client' },
    runs, problems, tests,
  });
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, JSON.stringify(results, null, 2) + '\n');
  const markdown = outFile.replace(/\.json$/, '') + '.md';
  fs.writeFileSync(markdown, markdownTable(results));
  printReport(results, process.stdout);
  process.stdout.write(`\nresults: ${path.relative(process.cwd(), outFile)}, the same as a Markdown table: ${path.relative(process.cwd(), markdown)}\n`);
  // A client that failed is an error of the run; a missed target is not:
  // it is reported above, with by how much.
  const failed = Object.entries(problems).flatMap(([test, byClient]) =>
    Object.entries(byClient).filter(([, why]) => why.startsWith('failed')).map(([c]) => `${test}/${c}`));
  if (failed.length > 0) {
    process.stderr.write(`bench: failed: ${failed.join(', ')}\n`);
    process.exitCode = 1;
  }
}

await main();
