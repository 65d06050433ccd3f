#!/usr/bin/env node
// Checks every fenced code block of README.md and docs/*.md (or of the files
// named on the command line) by its info string, and each file's relative
// links; the rules are in docs/README.md ("Every code block is tested"). Run
// through test/docs/run.sh, which installs the library for the C blocks:
//   node test/docs/blocks.mjs --work DIR --prefix PREFIX [--must-fail FILE.md] [FILE.md...]
// Prints "ok", "FAIL" or "skip" per check, then "N passed, N failed, N skipped".

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeBlocks } from './markdown.mjs';
import { checkLinks } from './links.mjs';
import { checkShell, existsInRepo, isPackageBin } from './shell.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const RUN_TIMEOUT_MS = 60_000;
const SH_RUN_TIMEOUT_MS = 180_000;

// Files the examples may name, put in every block's scratch folder.
const FIXTURES = {
  'app.c': 'test/js/guests/posix_echo.c',
  'app.wasm': 'build/wasi/posix-echo.wasm',
};

const options = parseArgs(process.argv.slice(2));
const cc = process.env.CC || 'gcc';
let blockCount = 0;

class Skip extends Error {}

const checkers = {
  c: checkC,
  js: checkJs,
  mjs: checkJs,
  javascript: checkJs,
  cjs: checkJs,
  sh: checkSh,
  bash: checkSh,
  shell: checkSh,
  console: checkConsole,
  json: checkJson,
  text: checkText,
};

const counts = { passed: 0, failed: 0, skipped: 0 };
const pkgConfigCache = new Map();

function main() {
  for (const file of options.mustFail) {
    checkBlocksOf(file, mustFail);
    report({ file, info: 'links' }, everyLinkBroken(file));
  }
  for (const file of options.files) {
    checkBlocksOf(file, (result) => result);
    const rel = path.relative(root, path.resolve(root, file));
    report({ file: rel, info: 'links' }, linksOf(rel));
    if (rel === 'docs/README.md') report({ file: rel, info: 'index' }, indexIsComplete(rel));
    if (rel === 'README.md') report({ file: rel, info: 'size' }, readmeIsShort(rel));
  }
  console.log(`${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped`);
  process.exitCode = counts.failed === 0 ? 0 : 1;
}

function checkBlocksOf(file, verdict) {
  for (const block of blocksOf(file)) {
    const server = background; // started by the previous block
    const result = checkBlock(block);
    if (background?.block === block) continue; // reported after its client
    report(block, verdict(result));
    if (server) report(server.block, verdict(stopBackground()));
  }
  if (background) report(background.block, verdict(stopBackground('no block after it to be its client')));
}

function blocksOf(file) {
  const rel = path.relative(root, path.resolve(root, file));
  return codeBlocks(rel, fs.readFileSync(path.join(root, rel), 'utf8'));
}

// --must-fail FILE: blocks that are wrong on purpose, to prove the checks can
// fail. A failure is a pass; a pass or a skip is a failure.
function mustFail({ status, detail }) {
  if (status === 'FAIL') return { status: 'ok', detail: `fails as it must (${detail.split('\n')[0]})` };
  return { status: 'FAIL', detail: `must fail, but the check said ${status}${detail ? `: ${detail}` : ''}` };
}

function parseArgs(argv) {
  const opts = { work: null, prefix: null, files: [], mustFail: [] };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--work') opts.work = argv[++i];
    else if (argv[i] === '--must-fail') opts.mustFail.push(argv[++i]);
    else if (argv[i] === '--prefix') opts.prefix = argv[++i];
    else opts.files.push(argv[i]);
  }
  opts.work ??= fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'docs-blocks-'));
  if (opts.files.length === 0) {
    const docs = fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort();
    opts.files = ['README.md', ...docs.map((f) => `docs/${f}`)];
  }
  return opts;
}

// → { status: 'ok' | 'FAIL' | 'skip', detail }
function checkBlock(block) {
  try {
    if (block.attrs.has('skip')) throw new Skip(block.attrs.get('skip') || 'marked skip');
    checkRequirements(block);
    const checker = checkers[block.lang];
    if (!checker) throw new Skip(block.lang ? `"${block.lang}" blocks are not checked` : 'no language: not code');
    return { status: 'ok', detail: checker(block) ?? '' };
  } catch (err) {
    if (err instanceof Skip) return { status: 'skip', detail: err.message };
    return { status: 'FAIL', detail: err.message };
  }
}

function report(block, { status, detail }) {
  const key = { ok: 'passed', FAIL: 'failed', skip: 'skipped' }[status];
  counts[key]++;
  const where = `${block.file}${block.line ? `:${block.line}` : ''} ${block.info || '(no info string)'}`;
  if (status === 'FAIL') {
    console.log(`FAIL ${where}`);
    console.log(indent(detail));
  } else {
    console.log(`${status.padEnd(4)} ${where}${detail ? `: ${detail}` : ''}`);
  }
}

function indent(text) {
  const lines = text.trimEnd().split('\n');
  const shown = lines.length > 40 ? [...lines.slice(0, 40), `... (${lines.length - 40} more lines)`] : lines;
  return shown.map((l) => `    ${l}`).join('\n');
}

// In a --must-fail file every relative link is wrong on purpose.
function everyLinkBroken(file) {
  const rel = path.relative(root, path.resolve(root, file));
  const { count, broken } = checkLinks(rel, fs.readFileSync(path.join(root, rel), 'utf8'), root);
  if (count > 0 && broken.length === count) return { status: 'ok', detail: `all ${count} links fail as they must` };
  return { status: 'FAIL', detail: `${count - broken.length} of ${count} links must fail but did not` };
}

// Relative links resolve; a docs/ page still being written is a skip.
function linksOf(file) {
  const { count, broken, pending } = checkLinks(file, fs.readFileSync(path.join(root, file), 'utf8'), root);
  if (broken.length) return { status: 'FAIL', detail: broken.join('\n') };
  if (pending.length) return { status: 'skip', detail: `links to pages not written yet: ${[...new Set(pending)].join(', ')}` };
  return { status: 'ok', detail: `relative links resolve: ${count}` };
}

// The README is the first page a user reads: what it is, install, quick
// starts, links. Everything else belongs in docs/.
const README_LIMIT = 8 * 1024;
function readmeIsShort(file) {
  const size = fs.statSync(path.join(root, file)).size;
  if (size > README_LIMIT) return { status: 'FAIL', detail: `${size} bytes, more than ${README_LIMIT}: move the rest to docs/` };
  return { status: 'ok', detail: `${size} bytes (at most ${README_LIMIT})` };
}

// The index names every page of docs/.
function indexIsComplete(file) {
  const index = fs.readFileSync(path.join(root, file), 'utf8');
  const pages = fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md') && f !== 'README.md');
  const missing = pages.filter((f) => !index.includes(`](${f})`) && !index.includes(`](${f}#`));
  if (missing.length) return { status: 'FAIL', detail: `docs/README.md does not link to ${missing.join(', ')}` };
  return { status: 'ok', detail: `links to all ${pages.length} pages` };
}

// requires=PATH[,bin:NAME...]: a feature still being written.
function checkRequirements(block) {
  const required = block.attrs.get('requires');
  if (!required) return;
  for (const need of required.split(',')) {
    if (need.startsWith('bin:')) {
      if (!isPackageBin(need.slice(4), root, pkg)) throw new Skip(`needs the package's bin ${need.slice(4)}, not there yet`);
    } else if (!fs.existsSync(path.join(root, need))) {
      throw new Skip(`needs ${need}, not there yet`);
    }
  }
}

// ---- C -------------------------------------------------------------------

function checkC(block) {
  const dir = scratch(block);
  if (block.flags.has('fragment')) return checkCFragment(block, dir);
  const src = path.join(dir, 'block.c');
  fs.writeFileSync(src, block.text);
  const exe = path.join(dir, 'block');
  run(cc, ['-Wall', '-Werror', src, ...pkgConfig('--cflags', '--libs'), '-o', exe], { what: 'compile' });
  const done = ['compiled and linked against the installed library'];
  if (block.flags.has('wasi')) done.push(compileForWasi(src, dir));
  if (block.flags.has('run')) {
    run(exe, [], { cwd: dir, what: 'run', env: { LD_LIBRARY_PATH: path.join(options.prefix ?? '', 'lib') } });
    done.push('ran');
  }
  return done.join('; ');
}

const FRAGMENT_HEADERS = `#include <nativesockets.h>
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
`;

// Statements inside a function, or else declarations at file scope. The C
// suite's test.h is included too, so a test from test/c can be shown.
function checkCFragment(block, dir) {
  const src = path.join(dir, 'fragment.c');
  const headers = FRAGMENT_HEADERS + (fs.existsSync(path.join(root, 'test/c/test.h')) ? '#include "test.h"\n' : '');
  const attempts = [
    ['as statements', `${headers}void docs_fragment(void) {\n${block.text}}\n`],
    ['as declarations', `${headers}${block.text}`],
  ];
  const errors = [];
  for (const [how, text] of attempts) {
    fs.writeFileSync(src, text);
    const r = spawnSync(cc, ['-fsyntax-only', ...pkgConfig('--cflags'), `-I${root}/test/c`, src], { encoding: 'utf8' });
    if (r.status === 0) return `fragment: syntax checked ${how}`;
    errors.push(`${how}:\n${r.stderr}`);
  }
  throw new Error(`the fragment does not compile\n${errors.join('\n')}`);
}

function compileForWasi(src, dir) {
  const lib = path.join(root, 'wasm/lib/libnativesockets_wasi.a');
  if (!fs.existsSync(lib)) throw new Skip('wasm/lib is missing: run ./build.sh wasi');
  run('clang-16', ['--target=wasm32-wasi', `-I${root}/wasm/include`, src, `-L${root}/wasm/lib`,
    '-lnativesockets', '-lnativesockets_wasi', '-o', path.join(dir, 'block.wasm')], { what: 'compile for wasm32-wasi' });
  return 'compiled for wasm32-wasi';
}

function pkgConfig(...args) {
  const key = args.join(' ');
  if (!pkgConfigCache.has(key)) {
    const env = { PKG_CONFIG_PATH: path.join(options.prefix ?? '', 'lib/pkgconfig') };
    const out = run('pkg-config', [...args, 'nativesockets'], { env, what: 'pkg-config' });
    pkgConfigCache.set(key, out.trim().split(/\s+/).filter(Boolean));
  }
  return pkgConfigCache.get(key);
}

// ---- JS ------------------------------------------------------------------

function checkJs(block) {
  const dir = scratch(block);
  const file = path.join(dir, block.lang === 'cjs' ? 'block.cjs' : 'block.mjs');
  fs.writeFileSync(file, block.text);
  if (block.flags.has('fragment')) {
    run(process.execPath, ['--check', file], { what: 'node --check' });
    return 'fragment: syntax checked';
  }
  if (!fs.existsSync(path.join(root, 'wasm/nativesockets.wasm'))) {
    throw new Skip('wasm/nativesockets.wasm is missing: run ./build.sh wasi');
  }
  needFixtures(block);
  if (block.flags.has('background')) return startBackground(block, file, dir);
  run(process.execPath, [file], { cwd: dir, what: 'node' });
  return 'ran with node';
}

// `js background`: a server that runs until it is stopped. It starts, must
// print a line, and keeps running while the next block of the same file (its
// client) is checked; then it is stopped, and must not have died meanwhile.
// Its own result is reported after the client's.
let background = null;
const BACKGROUND_READY_MS = 20_000;

function startBackground(block, file, dir) {
  if (background) throw new Error('two background blocks in a row: the first has no client');
  const log = path.join(dir, 'output.log');
  const out = fs.openSync(log, 'w');
  const child = spawn(process.execPath, [file], { cwd: dir, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  background = { block, child, log };
  const deadline = Date.now() + BACKGROUND_READY_MS;
  while (fs.statSync(log).size === 0 && exitStatus(child) === null && Date.now() < deadline) sleep(50);
  if (fs.statSync(log).size === 0 || exitStatus(child) !== null) {
    const { detail } = stopBackground(`did not start: it exited, or printed nothing within ${BACKGROUND_READY_MS / 1000} s`);
    background = null;
    throw new Error(detail);
  }
  return 'started';
}

function stopBackground(problem = null) {
  const { child, log } = background;
  background = null;
  const exited = exitStatus(child);
  if (exited === null) child.kill('SIGKILL');
  const output = fs.readFileSync(log, 'utf8');
  if (problem) return { status: 'FAIL', detail: `${problem}\n${output}` };
  if (exited !== null) return { status: 'FAIL', detail: `exited before its client was done\n${output}` };
  return { status: 'ok', detail: 'served in the background while the next block ran' };
}

// The child's exit as the kernel knows it: its 'exit' event cannot fire
// while this synchronous loop runs, so ask /proc.
function exitStatus(child) {
  try {
    const stat = fs.readFileSync(`/proc/${child.pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z' ? 'exited' : null;
  } catch {
    return 'gone';
  }
}

function sleep(ms) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// ---- shell ---------------------------------------------------------------

function checkSh(block) {
  const { problems, missingTools } = checkShell(block.text, root);
  if (problems.length) throw new Error(problems.join('\n'));
  if (missingTools.length) throw new Skip(`not installed here: ${missingTools.join(', ')}`);
  if (!block.flags.has('run')) return 'commands and paths exist';
  const dir = scratch(block);
  needFixtures(block);
  fs.writeFileSync(path.join(dir, 'block.sh'), block.text);
  run('bash', ['-e', 'block.sh'], { cwd: dir, what: 'bash', timeout: SH_RUN_TIMEOUT_MS });
  return 'commands and paths exist; ran';
}

// A terminal transcript: the lines after "$ " are commands.
function checkConsole(block) {
  const text = block.text.split('\n').filter((l) => l.startsWith('$ ')).map((l) => l.slice(2)).join('\n');
  if (!text) throw new Skip('no "$ " command lines');
  return checkSh({ ...block, text, flags: new Set() });
}

// ---- data ----------------------------------------------------------------

function checkJson(block) {
  if (block.flags.has('fragment')) throw new Skip('a JSON fragment');
  JSON.parse(block.text);
  return 'parses';
}

// "text paths": a table of files whose first column is paths.
function checkText(block) {
  if (!block.flags.has('paths')) throw new Skip('text, not code');
  const missing = [];
  let count = 0;
  for (const line of block.text.split('\n')) {
    if (!line || /^\s/.test(line)) continue;
    const column = line.split(/\s{2,}/)[0];
    for (const p of column.split(/[\s,]+/).filter((w) => w.includes('/') || w.includes('.'))) {
      count++;
      if (!globExists(p)) missing.push(p);
    }
  }
  if (missing.length) throw new Error(`no such file or directory: ${missing.join(', ')}`);
  return `${count} paths exist`;
}

function globExists(p) {
  if (!p.includes('*')) return existsInRepo(p, root);
  const dir = path.join(root, path.dirname(p));
  const re = new RegExp(`^${path.basename(p).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return fs.existsSync(dir) && fs.readdirSync(dir).some((f) => re.test(f));
}

// ---- scratch folders and processes ----------------------------------------

// A folder per block: the package as node_modules/nativesockets (and its
// bins), links to the repository's top-level folders, and the fixtures.
function scratch(block) {
  const dir = path.join(options.work, 'blocks', `${++blockCount}-${path.basename(block.file, '.md')}-${block.line}`);
  fs.mkdirSync(path.join(dir, 'node_modules', '.bin'), { recursive: true });
  fs.symlinkSync(root, path.join(dir, 'node_modules', 'nativesockets'));
  for (const [name, target] of Object.entries(pkg.bin ?? {})) {
    fs.symlinkSync(path.join('..', 'nativesockets', target), path.join(dir, 'node_modules', '.bin', name));
  }
  for (const entry of fs.readdirSync(root)) {
    if (entry.startsWith('.') || entry === 'node_modules' || entry.endsWith('.sh')) continue;
    if (fs.statSync(path.join(root, entry)).isDirectory()) fs.symlinkSync(path.join(root, entry), path.join(dir, entry));
  }
  for (const [name, source] of Object.entries(FIXTURES)) {
    if (fs.existsSync(path.join(root, source))) fs.copyFileSync(path.join(root, source), path.join(dir, name));
  }
  return dir;
}

function needFixtures(block) {
  for (const [name, source] of Object.entries(FIXTURES)) {
    if (block.text.includes(name) && !fs.existsSync(path.join(root, source))) {
      throw new Skip(`the fixture ${name} needs ${source}: run ./build.sh wasi`);
    }
  }
}

// Runs a program; returns its stdout, or throws with what it printed.
function run(command, args, { cwd = root, env = {}, what, timeout = RUN_TIMEOUT_MS }) {
  const r = spawnSync(command, args, {
    cwd,
    env: { ...process.env, npm_config_offline: 'true', npm_config_update_notifier: 'false', ...env },
    encoding: 'utf8',
    timeout,
    killSignal: 'SIGKILL',
  });
  if (r.error?.code === 'ETIMEDOUT') throw new Error(`${what}: no exit within ${timeout / 1000} s\n${r.stdout}${r.stderr}`);
  if (r.error) throw new Error(`${what}: ${r.error.message}`);
  if (r.status !== 0) {
    const how = r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
    throw new Error(`${what}: ${how}\n${r.stdout}${r.stderr}`);
  }
  return r.stdout;
}

main();
