// The `nativesockets` command, run as a child process.
import { afterEach, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
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
  ])('%j is a usage error: exit 2', async (args) => {
    const r = await run(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: nativesockets/);
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
