// What the benchmark measures and how its results read: the tests, the
// clients, medians and ratios, the issue's targets, the table. bench/run.mjs
// uses it; run alone it prints a results file again:
//
//   node bench/report.mjs [build/bench/results.json] [--markdown]
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';

const MiB = 2 ** 20;
const ALL = ['raw', 'native', 'wasm', 'emscripten', 'jsapi', 'node'];
// The promises client runs the rows where waiting is the point.
const WITH_ASYNC = [...ALL, 'jsapi-async'];
const COLUMNS = ['raw', 'native', 'wasm', 'emscripten', 'jsapi', 'jsapi-async', 'node'];
// The memory rows are about the host's memory: the clients that run in Node.
const IN_NODE = ['wasm', 'emscripten', 'jsapi', 'node'];

export const CLIENTS = {
  raw: 'raw POSIX (C)',
  native: 'native library',
  wasm: 'wasm32-wasi, Node host',
  emscripten: 'Emscripten',
  jsapi: 'JS API (npm package)',
  'jsapi-async': 'JS API, promises',
  node: "Node's net/dgram/dns",
  host: 'Node host itself',
};

// amount: round trips, bytes, connections or calls; milliseconds for the
// tests that run for a time. port: which of the peer's ports the test uses.
export const TESTS = [
  { name: 'echo', title: 'TCP echo round trip, 64 B', port: 'echo', amount: 20_000,
    unit: 'µs', better: 'lower', figure: (s) => (s.seconds / s.ops) * 1e6, clients: WITH_ASYNC },
  { name: 'bulk', title: 'TCP bulk, 1 GiB in 64 KiB writes', port: 'sink', amount: 1024 * MiB,
    unit: 'MiB/s', better: 'higher', figure: (s) => s.bytes / MiB / s.seconds, clients: WITH_ASYNC },
  { name: 'recv', title: 'TCP receive, 1 GiB in 64 KiB recv', port: 'source', amount: 1024 * MiB,
    unit: 'MiB/s', better: 'higher', figure: (s) => s.bytes / MiB / s.seconds, clients: ALL },
  { name: 'many', title: '1,000 connections, 64 B echoes over poll', port: 'echo', amount: 20,
    unit: 'req/s', better: 'higher', figure: (s) => s.ops / s.seconds, clients: ALL },
  { name: 'connect', title: 'connections: connect, accept, close', port: 'accept', amount: 5_000,
    unit: 'conn/s', better: 'higher', figure: (s) => s.ops / s.seconds, clients: WITH_ASYNC },
  { name: 'udp', title: 'UDP round trip, 64 B', port: 'udp', amount: 20_000,
    unit: 'µs', better: 'lower', figure: (s) => (s.seconds / s.ops) * 1e6, clients: ALL },
  { name: 'gai', title: 'getaddrinfo("localhost")', amount: 1_000,
    unit: 'calls/s', better: 'higher', figure: (s) => s.ops / s.seconds, clients: ALL },
  { name: 'serv', title: 'getservbyname("http", "tcp")', amount: 1_000,
    unit: 'calls/s', better: 'higher', figure: (s) => s.ops / s.seconds, clients: ALL },
  { name: 'serv_cached', title: 'getservbyname, Node: /etc/services read once', amount: 1_000,
    unit: 'calls/s', better: 'higher', figure: (s) => s.ops / s.seconds, clients: ['node'] },
  { name: 'sockopt', title: 'getsockopt(SO_TYPE): one call, no I/O', amount: 1_000_000,
    unit: 'ns', better: 'lower', figure: (s) => (s.seconds / s.ops) * 1e9, clients: ALL },
  { name: 'ping', title: 'host blocking round trip (SocketHost.ping)', amount: 20_000,
    unit: 'µs', better: 'lower', figure: (s) => (s.seconds / s.ops) * 1e6, clients: ['host'] },
  // Memory: RSS read by bench/run.mjs at the client's phases (once a run:
  // memory does not move with the machine's load as time does).
  { name: 'churn', title: 'memory: RSS after 100,000 connect/close', port: 'accept', amount: 100_000,
    unit: 'MiB', better: 'lower', figure: (s) => s.rssAfter / MiB, clients: IN_NODE, memory: true },
  { name: 'open', title: 'memory: RSS per open connection (1,000)', port: 'echo', amount: 1_000,
    unit: 'KiB', better: 'lower', figure: (s) => (s.rssAfter - s.rssBefore) / 1024 / 1000,
    clients: IN_NODE, memory: true },
];

// The clients bench/run.mjs runs back to back (ABBA), whose ratio is taken
// pair by pair.
export const PAIRED = [['raw', 'native'], ['wasm', 'node']];
const isPaired = (a, b) => PAIRED.some((p) => p.includes(a) && p.includes(b));

function median(values) {
  const v = values.slice().sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

// A 95% interval for the median of `values`: the bootstrap (2,000
// resamples, a fixed seed so that a results file always reads the same).
function medianInterval(values) {
  let seed = 12345;
  const random = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  const medians = [];
  for (let i = 0; i < 2000; i++) {
    medians.push(median(values.map(() => values[Math.floor(random() * values.length)])));
  }
  medians.sort((a, b) => a - b);
  return [medians[50], medians[1949]];
}

// The issue's targets, as bounds on a ratio of medians from the same run.
function targetList(tests) {
  const list = [];
  for (const test of tests) {
    if (!test.clients.includes('raw') || !test.clients.includes('native')) continue;
    list.push({
      what: `native library within 3% of raw POSIX: ${test.title}`,
      test: test.name, client: 'native', against: 'raw',
      ...(test.better === 'lower' ? { atMost: 1.03 } : { atLeast: 0.97 }),
    });
  }
  // Issue 12: the wasm build and the JS API at least as good as Node's own.
  const asNode = (client, names) => names.map((name) => {
    const test = TESTS.find((t) => t.name === name);
    return {
      what: `${client === 'wasm' ? 'wasm' : 'JS API'} at least Node's: ${test.title}`,
      test: name, client, against: 'node', ...(test.better === 'lower' ? { atMost: 1.0 } : { atLeast: 1.0 }),
    };
  });
  list.push(
    ...asNode('wasm', ['echo', 'bulk', 'recv', 'connect', 'udp', 'gai', 'many']),
    { what: "wasm getservbyname rate at least Node's (/etc/services per call)", test: 'serv', client: 'wasm', against: 'node', atLeast: 1.0 },
    ...asNode('jsapi', ['echo', 'bulk', 'recv', 'connect']),
  );
  for (const client of ['wasm', 'jsapi']) {
    const who = client === 'wasm' ? 'wasm' : 'JS API';
    list.push(
      { what: `${who}: Node's RSS under 200 MB after 100,000 connect/close`, test: 'churn', client, atMost: 200e6 / MiB },
      { what: `${who}: an open connection costs less than 1 MiB`, test: 'open', client, atMost: 1024 },
    );
  }
  return list.filter((t) => tests.some((x) => x.name === t.test));
}

// A bound on a figure itself (no `against`): the memory targets.
function checkAbsolute(target, mine, unit) {
  const bound = target.atMost;
  const ok = mine.median <= bound;
  const note = `${mine.median.toFixed(1)} ${unit}, needs ≤ ${bound.toFixed(1)} ${unit}` +
    (ok ? '' : `: missed by ${(((mine.median - bound) / bound) * 100).toFixed(1)}%`);
  return { ...target, status: ok ? 'PASS' : 'MISS', value: +mine.median.toFixed(3),
    missedBy: ok ? 0 : +((mine.median - bound) / bound).toFixed(4), note };
}

function checkTarget(target, byTest) {
  const cells = byTest[target.test]?.clients ?? {};
  const mine = cells[target.client];
  if (target.against === undefined) {
    if (!mine?.median) return { ...target, status: 'NOT MEASURED', note: mine?.problem ?? 'no figure' };
    return checkAbsolute(target, mine, byTest[target.test].unit);
  }
  const ref = cells[target.against];
  if (!mine?.median || !ref?.median) {
    return { ...target, status: 'NOT MEASURED', note: mine?.problem ?? ref?.problem ?? 'no figure' };
  }
  // Paired clients ran back to back (bench/run.mjs): sample i of one and
  // of the other saw the same machine, so the median of their ratios is
  // the steadier figure. Without equal counts, the ratio of the medians.
  const pairedRatios = isPaired(target.client, target.against) && mine.figures.length === ref.figures.length
    ? mine.figures.map((f, i) => f / ref.figures[i]) : null;
  const ratio = pairedRatios ? median(pairedRatios) : mine.median / ref.median;
  const bound = target.atMost ?? target.atLeast;
  const ok = target.atMost !== undefined ? ratio <= bound : ratio >= bound;
  const by = Math.abs(ratio - bound) / bound;
  const side = target.atMost !== undefined ? '≤' : '≥';
  // How sure the verdict is: does the ratio's 95% interval hold the bound?
  const interval = pairedRatios && pairedRatios.length >= 5 ? medianInterval(pairedRatios) : null;
  const noisy = interval !== null && interval[0] <= bound && bound <= interval[1];
  const range = interval ? `, 95% interval ${interval[0].toFixed(3)}–${interval[1].toFixed(3)}` : '';
  const note = ok ? `${ratio.toFixed(3)}× (${side} ${bound.toFixed(2)}×${range})`
    : `${ratio.toFixed(3)}×, needs ${side} ${bound.toFixed(2)}×: missed by ${(by * 100).toFixed(1)}%${range}` +
      (noisy ? ' (the bound is inside the interval: within this machine\'s noise)' : '');
  return { ...target, status: ok ? 'PASS' : 'MISS', ratio: +ratio.toFixed(4),
    ratioOf: pairedRatios ? 'median of back-to-back pairs' : 'medians',
    ...(interval ? { interval95: interval.map((r) => +r.toFixed(4)), withinNoise: noisy } : {}),
    ...(pairedRatios ? { pairedRatios: pairedRatios.map((r) => +r.toFixed(4)) } : {}),
    missedBy: ok ? 0 : +by.toFixed(4), note };
}

// CPU over the timed part, medians: the process (every thread), the
// client's own thread (the guest's under the host), and the process's CPU
// per operation. Absent where a client cannot measure it.
function cpuFigures(samples) {
  const out = {};
  if (samples.every((x) => typeof x.cpuSeconds === 'number')) {
    out.cpuSeconds = +median(samples.map((x) => x.cpuSeconds)).toFixed(4);
    out.cpuPerOpUs = +median(samples.map((x) => (x.cpuSeconds / x.ops) * 1e6)).toPrecision(4);
  }
  if (samples.every((x) => typeof x.threadCpuSeconds === 'number')) {
    out.threadCpuSeconds = +median(samples.map((x) => x.threadCpuSeconds)).toFixed(4);
  }
  return out;
}

/** The results file's content from the raw samples of a run. */
export function summarise({ machine, config, runs, problems, tests }) {
  const byTest = {};
  for (const test of tests) {
    const clients = {};
    for (const client of test.clients) {
      const samples = runs[test.name]?.[client] ?? [];
      const problem = problems[test.name]?.[client];
      if (samples.length === 0) {
        clients[client] = { problem: problem ?? 'no sample' };
        continue;
      }
      const figures = samples.map(test.figure);
      clients[client] = {
        median: median(figures),
        figures: figures.map((f) => +f.toPrecision(6)),
        ...cpuFigures(samples),
        ...(samples.every((x) => x.p99us !== undefined) ? { p99us: +median(samples.map((x) => x.p99us)).toFixed(1) } : {}),
        samples,
        ...(problem ? { problem } : {}),
      };
    }
    for (const cell of Object.values(clients)) {
      if (cell.median === undefined) continue;
      if (clients.node?.median) cell.vsNode = +(cell.median / clients.node.median).toFixed(4);
      if (clients.raw?.median) cell.vsRaw = +(cell.median / clients.raw.median).toFixed(4);
    }
    byTest[test.name] = {
      title: test.title, unit: test.unit, better: test.better,
      amount: test.amount, ...(test.memory ? { memory: true } : {}), clients,
    };
  }
  const targets = targetList(tests).map((t) => checkTarget(t, byTest));
  return { machine, config, tests: byTest, targets };
}

function formatFigure(x) {
  if (x >= 1000) return Math.round(x).toLocaleString('en-US');
  if (x >= 100) return x.toFixed(0);
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}

const ratioText = (r) => (r === undefined ? '' : `${r.toFixed(2)}×`);

function pad(text, width, right = false) {
  const s = String(text);
  const n = Math.max(0, width - [...s].length);
  return right ? ' '.repeat(n) + s : s + ' '.repeat(n);
}

/** The terminal table: one line per test and client, then the targets. */
export function printReport(results, out) {
  const m = results.machine;
  const lines = [];
  lines.push(`nativesockets benchmark: ${m.date}, ${m.cpu} (${m.cores} cores), ${m.kernel}, Node ${m.node}, commit ${m.commit}`);
  if (m.loadAverageAtStart) {
    // Other work on the machine moves every figure; say how much there was.
    lines.push(`load average (1, 5, 15 min) at the start ${m.loadAverageAtStart.join(' ')}, at the end ${(m.loadAverageAtEnd ?? []).join(' ')}; ${m.seconds ?? '?'} s`);
  }
  lines.push(`median of ${results.config.repetitions} repetitions (raw POSIX and native library: ${results.config.repetitions * (results.config.rawNativePairsPerRepetition ?? 1)}, run in back-to-back pairs)${results.config.quick ? ' (QUICK: a tenth of the work, not for figures)' : ''}; ratios are figure / figure (lower is better for µs and ns, higher for the rest)`);
  lines.push('');
  const head = [pad('test', 45), pad('client', 24), pad('median', 12, true), pad('unit', 8),
    pad('vs Node', 8, true), pad('vs raw', 8, true), pad('CPU s', 7, true), pad('(thread)', 9, true),
    pad('CPU/op', 9, true), '  spread (min–max)'];
  lines.push(head.join(' '));
  lines.push('-'.repeat(160));
  for (const test of Object.values(results.tests)) {
    let first = true;
    for (const [client, cell] of Object.entries(test.clients)) {
      const name = first ? test.title : '';
      first = false;
      if (cell.median === undefined) {
        lines.push([pad(name, 45), pad(CLIENTS[client], 24), ` ${cell.problem}`].join(' '));
        continue;
      }
      const spread = `${formatFigure(Math.min(...cell.figures))}–${formatFigure(Math.max(...cell.figures))}` +
        (cell.p99us !== undefined ? `; p99 ${formatFigure(cell.p99us)} µs` : '');
      lines.push([pad(name, 45), pad(CLIENTS[client], 24), pad(formatFigure(cell.median), 12, true),
        pad(test.unit, 8), pad(ratioText(cell.vsNode), 8, true), pad(ratioText(cell.vsRaw), 8, true),
        pad(cell.cpuSeconds === undefined ? '–' : cell.cpuSeconds.toFixed(2), 7, true),
        pad(cell.threadCpuSeconds === undefined ? '' : `(${cell.threadCpuSeconds.toFixed(2)})`, 9, true),
        pad(cell.cpuPerOpUs === undefined ? '' : `${formatFigure(cell.cpuPerOpUs)} µs`, 9, true),
        `  ${spread}`].join(' '));
    }
  }
  lines.push('');
  lines.push('CPU s: user + system seconds of the client process over the timed part, every thread (the host\'s worker, GC);');
  lines.push('(thread): the client\'s own thread (the guest\'s under the host); CPU/op: the process\'s CPU per operation.');
  lines.push('');
  lines.push('targets (from this run: the median of the ratios of back-to-back pairs for raw/native and wasm/Node, else ratios of medians):');
  for (const t of results.targets) {
    lines.push(`  ${pad(t.status, 12)} ${t.what}: ${t.note}`);
  }
  out.write(lines.join('\n') + '\n');
}

/** The same figures as a Markdown grid: a row per test, a column per client. */
export function markdownTable(results) {
  const columns = COLUMNS;
  const rows = [`| test | unit | ${columns.map((c) => CLIENTS[c]).join(' | ')} |`,
    `|---|---|${columns.map(() => '---:').join('|')}|`];
  for (const test of Object.values(results.tests)) {
    const cells = columns.map((c) => {
      const cell = test.clients[c] ?? (c === 'wasm' ? test.clients.host : undefined);
      if (!cell) return '';
      if (cell.median === undefined) return cell.problem.startsWith('not built') ? 'not built' : cell.problem.split(':')[0];
      const ratios = [cell.vsRaw !== undefined && c !== 'raw' ? `${cell.vsRaw.toFixed(2)}× raw` : '',
        cell.vsNode !== undefined && c !== 'node' ? `${cell.vsNode.toFixed(2)}× Node` : ''].filter(Boolean);
      const extra = [cell.p99us !== undefined ? `p99 ${formatFigure(cell.p99us)} µs` : '',
        cell.cpuPerOpUs !== undefined && !test.memory ? `CPU ${formatFigure(cell.cpuPerOpUs)} µs/op` : ''].filter(Boolean);
      return `${formatFigure(cell.median)}${ratios.length ? ` (${ratios.join(', ')})` : ''}` +
        (extra.length ? `<br>${extra.join(', ')}` : '');
    });
    rows.push(`| ${test.title} | ${test.unit} | ${cells.join(' | ')} |`);
  }
  return rows.join('\n') + '\n';
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const file = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'build/bench/results.json';
  const results = JSON.parse(fs.readFileSync(file, 'utf8'));
  // The targets again from the stored figures (as this version checks them).
  const tests = TESTS.filter((t) => results.tests[t.name]);
  results.targets = targetList(tests).map((t) => checkTarget(t, results.tests));
  if (process.argv.includes('--markdown')) process.stdout.write(markdownTable(results));
  else printReport(results, process.stdout);
}
