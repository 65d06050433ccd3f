// `nativesockets run`: runs a WASI command module under the host with
// wasmtime-style flags. The guest gets nothing it was not given: no
// directories but those named with --dir, no environment but --env, no
// network but what --allow-net allows, no name lookups without
// --allow-lookup. js/host/run-wasi.js is the same command.
import fs from 'node:fs';
import path from 'node:path';
import { runWasi } from './index.js';
import { NetworkPolicy, PolicyError } from './policy.js';

export const RUN_USAGE = `Usage: nativesockets run [options] app.wasm [args...]

Runs a WASI command module with sockets. Exit code: the guest's.

Options:
  --dir HOST[::GUEST]     preopen the directory HOST as GUEST (default: the
                          same name); repeatable. Nothing else is preopened.
  --env NAME[=VALUE]      set a guest environment variable (NAME alone: this
                          process's value); repeatable. Nothing else is set.
  --allow-net[=RULES]     allow the network: everything, or the comma-
                          separated RULES (see docs/sandbox.md), e.g.
                          127.0.0.1:8000-9000,[::1]:*,localhost:80,10.0.0.0/8,unix
  --deny-net=RULES        deny RULES even where --allow-net allows them
  --allow-lookup          allow name lookups (getaddrinfo of host names)
  --max-sockets N         sockets the guest may hold at once (default 1024)
  -h, --help              this text

Without --allow-net every socket operation is EACCES.`;

export class RunUsageError extends Error {}

function usage(message) {
  throw new RunUsageError(message);
}

// The value of a flag: "--flag=value" or "--flag value".
function takeValue(argv, i, name) {
  const arg = argv[i];
  if (arg.startsWith(`${name}=`)) return { value: arg.slice(name.length + 1), next: i + 1 };
  if (i + 1 >= argv.length) usage(`${name} needs a value`);
  return { value: argv[i + 1], next: i + 2 };
}

function addPreopen(preopens, spec) {
  const split = spec.indexOf('::');
  const host = split < 0 ? spec : spec.slice(0, split);
  const guest = split < 0 ? spec : spec.slice(split + 2);
  if (host === '' || guest === '') usage(`--dir needs HOST[::GUEST]: "${spec}"`);
  let stat;
  try {
    stat = fs.statSync(host);
  } catch {
    usage(`--dir: no such directory: ${host}`);
  }
  if (!stat.isDirectory()) usage(`--dir: not a directory: ${host}`);
  if (guest in preopens) usage(`--dir: ${guest} is given twice`);
  preopens[guest] = path.resolve(host);
}

function addEnv(env, spec) {
  const eq = spec.indexOf('=');
  const name = eq < 0 ? spec : spec.slice(0, eq);
  if (name === '' || name.includes('\0')) usage(`--env needs NAME=VALUE: "${spec}"`);
  if (eq >= 0) env[name] = spec.slice(eq + 1);
  else if (process.env[name] !== undefined) env[name] = process.env[name];
}

function maxSockets(text) {
  if (!/^\d{1,6}$/.test(text) || Number(text) < 1 || Number(text) > 65536) {
    usage(`--max-sockets must be a number from 1 to 65536: ${text}`);
  }
  return Number(text);
}

/**
 * The runner's command line → { help } or { file, args, options } for
 * runWasi. Throws RunUsageError.
 */
export function parseRunArgs(argv) {
  const preopens = {};
  const env = {};
  const allow = [];
  const deny = [];
  let lookup = false;
  let limit;
  let i = 0;
  while (i < argv.length) {
    const arg = argv[i];
    if (arg === '--') { i++; break; }
    if (!arg.startsWith('-') || arg === '-') break;
    if (arg === '-h' || arg === '--help') return { help: true };
    let taken;
    if (arg === '--dir' || arg.startsWith('--dir=')) {
      taken = takeValue(argv, i, '--dir');
      addPreopen(preopens, taken.value);
    } else if (arg === '--env' || arg.startsWith('--env=')) {
      taken = takeValue(argv, i, '--env');
      addEnv(env, taken.value);
    } else if (arg === '--allow-net') {
      allow.push('*', 'unix');
      taken = { next: i + 1 };
    } else if (arg.startsWith('--allow-net=')) {
      allow.push(...arg.slice('--allow-net='.length).split(',').filter((r) => r !== ''));
      taken = { next: i + 1 };
    } else if (arg === '--deny-net' || arg.startsWith('--deny-net=')) {
      taken = takeValue(argv, i, '--deny-net');
      deny.push(...taken.value.split(',').filter((r) => r !== ''));
    } else if (arg === '--allow-lookup') {
      lookup = true;
      taken = { next: i + 1 };
    } else if (arg === '--max-sockets' || arg.startsWith('--max-sockets=')) {
      taken = takeValue(argv, i, '--max-sockets');
      limit = maxSockets(taken.value);
    } else {
      usage(`unknown option: ${arg}`);
    }
    i = taken.next;
  }
  if (i >= argv.length) usage('no module given (app.wasm)');
  const network = { allow, deny, lookup };
  try {
    new NetworkPolicy(network); // eslint-disable-line no-new -- checks the rules now
  } catch (e) {
    if (e instanceof PolicyError) usage(e.message);
    throw e;
  }
  const file = argv[i];
  return {
    file,
    args: [path.basename(file), ...argv.slice(i + 1)],
    options: { preopens, env, network, maxSockets: limit },
  };
}

/**
 * Runs the command; resolves with the exit code (the guest's, 2 for a usage
 * error, 1 when the module cannot run).
 */
export async function runCommand(argv, stderr = process.stderr) {
  let parsed;
  try {
    parsed = parseRunArgs(argv);
  } catch (e) {
    if (!(e instanceof RunUsageError)) throw e;
    stderr.write(`nativesockets run: ${e.message} (see nativesockets run --help)\n`);
    return 2;
  }
  if (parsed.help) {
    process.stdout.write(`${RUN_USAGE}\n`);
    return 0;
  }
  let bytes;
  try {
    bytes = fs.readFileSync(parsed.file);
  } catch (e) {
    stderr.write(`nativesockets run: cannot read ${parsed.file}: ${e.code ?? e.message}\n`);
    return 2;
  }
  try {
    return await runWasi(bytes, { ...parsed.options, args: parsed.args });
  } catch (e) {
    stderr.write(`nativesockets run: ${parsed.file}: ${e?.message ?? e}\n`);
    return 1;
  }
}
