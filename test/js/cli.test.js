// The `nativesockets` command, run as a child process.
import { afterEach, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'js/cli.js');

// { code, stdout, stderr } of one run.
async function run(...args) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [cli, ...args], { timeout: 20_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    if (typeof e.code !== 'number') throw e;
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const children = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill();
});

// Starts echo-server and resolves with its port once it prints it.
function echoServer(...args) {
  const child = spawn(process.execPath, [cli, 'echo-server', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve({ code, out, err })));
  const port = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = /listening on (\S+):(\d+)/.exec(out);
      if (m) resolve({ host: m[1], port: Number(m[2]) });
    });
    child.on('exit', (code) => reject(new Error(`echo-server exited with ${code}: ${err}`)));
  });
  return { child, port, exited };
}

describe('lookups', () => {
  it('lookup localhost prints 127.0.0.1', async () => {
    const r = await run('lookup', 'localhost');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^127\.0\.0\.1\tIPv4$/m);
  });

  it('lookup --family 6 of an IPv6 literal', async () => {
    const r = await run('lookup', '::1', '--family', '6');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe('::1\tIPv6');
  });

  it('serv http tcp → 80; serv 443 tcp → https; proto udp → 17', async () => {
    const http = await run('serv', 'http', 'tcp');
    expect(http.code).toBe(0);
    expect(http.stdout).toMatch(/^http\t80\/tcp/);
    const https = await run('serv', '443', 'tcp');
    expect(https.stdout).toMatch(/^https\t443\/tcp/);
    const udp = await run('proto', 'udp');
    expect(udp.code).toBe(0);
    expect(udp.stdout.trim()).toBe('17');
  });

  it('hostname prints the host name', async () => {
    const r = await run('hostname');
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(os.hostname());
  });

  it('--help and --version', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/Usage: nativesockets/);
    expect(help.stdout).toMatch(/echo-client/);
    const version = await run('--version');
    expect(version.stdout.trim()).toBe('0.1.0');
  });
});

describe('bad input', () => {
  it.each([
    [['lookup', 'no-such-host.invalid'], /EAI_NONAME/],
    [['serv', 'no-such-service', 'tcp'], /ENOENT/],
    [['proto', 'no-such-protocol'], /ENOENT/],
  ])('%j fails with exit 1 and a message', async (args, message) => {
    const r = await run(...args);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it.each([
    [[]],
    [['frobnicate']],
    [['lookup']],
    [['lookup', 'a', 'b']],
    [['lookup', 'localhost', '--family', '5']],
    [['lookup', 'localhost', '--bogus']],
    [['serv', 'http', 'sctp']],
    [['serv', '70000', 'tcp']],
    [['echo-server', '--port', 'abc']],
    [['echo-client', 'localhost', '80']],
    [['echo-client', 'localhost', 'http', 'x']],
    [['hostname', 'extra']],
  ])('%j is a usage error: exit 2, one line', async (args) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nativesockets: .+ \(see nativesockets --help\)\n$/);
    expect(r.stdout).toBe('');
  });

  it('a 70,000-character host name is a usage error, not a crash', async () => {
    const r = await run('lookup', 'a'.repeat(70_000));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('nativesockets: host name too long: 70000 bytes (at most 1024) (see nativesockets --help)\n');
  });

  it('echo-client to a port nobody listens on: ECONNREFUSED, exit 1', async () => {
    const { port, exited, child } = echoServer('--once');
    const { port: p } = await port;
    child.kill();
    await exited;
    const r = await run('echo-client', '127.0.0.1', String(p), 'hello');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/ECONNREFUSED/);
  });
});

describe('echo-server and echo-client', () => {
  it('talk to each other; --once makes the server exit after one connection', async () => {
    const server = echoServer('--once');
    const { host, port } = await server.port;
    expect(host).toBe('127.0.0.1');
    const r = await run('echo-client', '127.0.0.1', String(port), 'hello, echo');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hello, echo\n');
    const done = await server.exited;
    expect(done.code).toBe(0);
    expect(done.err).toMatch(/echoed 11 bytes/);
  });

  it('serves several clients in turn, by name (localhost)', async () => {
    const server = echoServer('--host', '127.0.0.1');
    const { port } = await server.port;
    for (const text of ['one', 'two', 'three']) {
      const r = await run('echo-client', 'localhost', String(port), text);
      expect(r.stdout).toBe(`${text}\n`);
    }
  });
});

describe('echo-server serves clients concurrently', () => {
  // A raw client: connects, and resolves each echo of what it sends.
  function client(port) {
    const sock = net.connect({ host: '127.0.0.1', port });
    let got = '';
    let waiting = null;
    sock.on('data', (d) => {
      got += d;
      if (waiting && got.length >= waiting.n) {
        waiting.resolve(got);
        waiting = null;
      }
    });
    sock.on('error', () => {});
    const connected = new Promise((r) => sock.on('connect', r));
    return {
      sock,
      connected,
      echo(text) {
        got = '';
        return new Promise((resolve) => {
          waiting = { n: text.length, resolve };
          sock.write(text);
        });
      },
    };
  }

  it('an idle client does not stall the others', async () => {
    const server = echoServer();
    const { port } = await server.port;
    const idle = client(port);
    await idle.connected;
    // The idle one connected first and sends nothing; the others still get
    // their answers, interleaved.
    const a = client(port);
    const b = client(port);
    await Promise.all([a.connected, b.connected]);
    expect(await a.echo('first from a')).toBe('first from a');
    expect(await b.echo('first from b')).toBe('first from b');
    expect(await a.echo('second from a')).toBe('second from a');
    const r = await run('echo-client', '127.0.0.1', String(port), 'via the CLI');
    expect(r.stdout).toBe('via the CLI\n');
    // and the idle client is served too when it speaks
    expect(await idle.echo('late')).toBe('late');
    for (const c of [idle, a, b]) c.sock.destroy();
  }, 30_000);

  it('echoes 4 MiB to a client that reads slowly while another is served', async () => {
    const server = echoServer();
    const { port } = await server.port;
    const big = client(port);
    await big.connected;
    const data = Buffer.alloc(4 * 1024 * 1024, 'x').toString();
    const bigDone = big.echo(data);
    big.sock.pause();
    const small = client(port);
    await small.connected;
    expect(await small.echo('still served')).toBe('still served');
    big.sock.resume();
    expect((await bigDone).length).toBe(data.length);
    big.sock.destroy();
    small.sock.destroy();
  }, 60_000);
});

describe('run: the WASI runner', () => {
  const probe = path.join(root, 'build/wasi/netprobe.wasm');

  it('exit code is the guest\'s', async () => {
    const r = await run('run', probe, 'exit', '7');
    expect(r.code).toBe(7);
  });

  it('arguments after the module are the guest\'s, --help included', async () => {
    const r = await run('run', probe, '--help');
    expect(r.code).toBe(2); // netprobe's own answer to an unknown command
    expect(r.stdout).toBe('');
  });

  it('--help', async () => {
    const r = await run('run', '--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: nativesockets run/);
    expect(r.stdout).toMatch(/--allow-net/);
  });

  it('the network is denied unless --allow-net', async () => {
    expect((await run('run', probe, 'tcp-bind', '127.0.0.1', '0')).stdout).toBe('EACCES\n');
    expect((await run('run', '--allow-net', probe, 'tcp-bind', '127.0.0.1', '0')).stdout).toMatch(/^ok \d+\n$/);
    expect((await run('run', '--allow-net=127.0.0.2', probe, 'tcp-bind', '127.0.0.1', '0')).stdout).toBe('EACCES\n');
    expect((await run('run', '--allow-net', '--deny-net=127.0.0.1', probe, 'tcp-bind', '127.0.0.1', '0')).stdout).toBe('EACCES\n');
    expect((await run('run', '--allow-lookup', probe, 'lookup', 'localhost')).stdout).toMatch(/^ok /);
    expect((await run('run', '--max-sockets', '5', probe, 'open-many', '9')).stdout).toBe('opened 5 EMFILE\n');
  });

  it('--env sets the guest\'s environment, nothing else is passed', async () => {
    expect((await run('run', '--env', 'A=1', probe, 'getenv', 'A')).stdout).toBe('1\n');
    expect((await run('run', '--env', 'A=x=y', probe, 'getenv', 'A')).stdout).toBe('x=y\n');
    expect((await run('run', '--env', 'PATH', probe, 'getenv', 'PATH')).stdout).toBe(`${process.env.PATH}\n`);
    expect((await run('run', probe, 'getenv', 'PATH')).stdout).toBe('(unset)\n');
  });

  it('--dir HOST::GUEST preopens a directory for the guest', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-run-'));
    try {
      const r = await run('run', `--dir=${dir}::/d`, probe, 'write-file', '/d/f');
      expect(r.stdout).toBe('ok\n');
      expect(fs.readFileSync(path.join(dir, 'f'), 'utf8')).toBe('written by a guest\n');
      expect((await run('run', probe, 'write-file', '/d/g')).stdout).toBe('ENOTCAPABLE\n');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [['run']],
    [['run', '--dir']],
    [['run', '--dir', '/no/such/dir', 'x.wasm']],
    [['run', '--dir', '/etc/hostname', 'x.wasm']],
    [['run', '--env', '=1', 'x.wasm']],
    [['run', '--allow-net=300.0.0.1', 'x.wasm']],
    [['run', '--allow-net=*:99999', 'x.wasm']],
    [['run', '--max-sockets', '0', 'x.wasm']],
    [['run', '--bogus', 'x.wasm']],
    [['run', '/no/such/module.wasm']],
  ])('%j is a usage error: exit 2, one line', async (args) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^nativesockets run: [^\n]+\n$/);
  });
});
