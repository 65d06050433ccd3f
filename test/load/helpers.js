// What the load and fault tests share: the guest under the host in its own
// process (so a host that hangs or grows cannot take the test runner with
// it), its lines on stdout, its memory from /proc.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const GUEST = path.join(ROOT, 'build/load/load_guest.wasm');
export const NATIVE_GUEST = path.join(ROOT, 'build/load/load_guest');
export const RUNNER = path.join(ROOT, 'js/host/run-wasi.js');
export const LONG = process.env.LOAD_LONG === '1';
export const MB = 1e6;
export const MiB = 2 ** 20;

/** `short` in ./build.sh test, `long` under ./build.sh load. */
export const size = (short, long) => (LONG ? long : short);

// The runner denies the guest the network unless told (docs/sandbox.md).
const RUNNER_NETWORK = ['--allow-net', '--allow-lookup'];

/** The resident set of `pid` in bytes (`field`: VmRSS, or VmHWM for its
 * peak), or null once the process is gone. */
export function memoryOf(pid, field = 'VmRSS') {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'latin1');
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
    return kb ? Number(kb[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/**
 * Starts test/load/guests/load_guest.c (wasm, under the Node host) with
 * `args`. Returns { child, line(regex, ms), exited, stderr() }: line waits for
 * the next stdout line matching `regex` (earlier lines that do not match are
 * skipped) and resolves with its match; exited resolves with the exit code.
 * `onLine` sees every line as it comes. `native`: the native build of the
 * same program instead (a peer, or a kernel to compare with).
 */
export function startGuest(args, { deadlineMs = 600_000, onLine = null, native = false } = {}) {
  const argv = native ? [NATIVE_GUEST, ...args] : [process.execPath, RUNNER, ...RUNNER_NETWORK, GUEST, ...args];
  const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const queue = [];
  const waiters = [];
  const lines = readline.createInterface({ input: child.stdout });
  lines.on('line', (text) => {
    onLine?.(text);
    queue.push(text);
    while (waiters.length > 0 && waiters[0].take()) waiters.shift();
  });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  // A guest never outlives its test: a hang is a failure, not a stuck run.
  const killer = setTimeout(() => child.kill('SIGKILL'), deadlineMs);
  exited.then(() => clearTimeout(killer));

  function line(regex, ms = 60_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no line ${regex} in ${ms} ms; stderr: ${stderr.slice(-500)}`)), ms);
      const waiter = {
        take() {
          while (queue.length > 0) {
            const m = regex.exec(queue.shift());
            if (m) {
              clearTimeout(timer);
              resolve(m);
              return true;
            }
          }
          return false;
        },
      };
      exited.then((code) => {
        clearTimeout(timer);
        if (!waiter.take()) reject(new Error(`the guest exited (${code}) before ${regex}; stderr: ${stderr.slice(-500)}`));
      });
      if (!waiter.take()) waiters.push(waiter);
    });
  }
  return { child, line, exited, stderr: () => stderr };
}

/** Samples `pid`'s RSS every `everyMs` until stop() is called; stop()
 * returns the largest sample (bytes). */
export function sampleMemory(pid, everyMs = 100) {
  let peak = memoryOf(pid) ?? 0;
  const timer = setInterval(() => {
    const rss = memoryOf(pid);
    if (rss !== null && rss > peak) peak = rss;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const rss = memoryOf(pid);
      return rss !== null && rss > peak ? rss : peak;
    },
    get peak() { return peak; },
  };
}

/** The byte at offset i of what load_guest's send-exit sends. */
export function patternByte(i) {
  return (i * 7 + Math.floor(i / 65536)) & 0xff;
}

/** A net server on 127.0.0.1 with `onConnection`; resolves with { server, port }. */
export async function listen(net, onConnection) {
  const server = net.createServer(onConnection);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: server.address().port };
}
