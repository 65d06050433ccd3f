// Bad input from JS: wrong types, out-of-range values, closed and never
// opened descriptors, huge lengths. Each is a clear TypeError, RangeError or
// NativeSocketsError; afterwards the library still works, nothing leaked.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ns from '../../js/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { AF_INET, SOCK_STREAM, SOCK_DGRAM, SOL_SOCKET, SO_REUSEADDR, NativeSocketsError } = ns;

function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected the call to throw');
}

function expectLibraryError(fn, code) {
  const e = thrown(fn);
  expect(e).toBeInstanceOf(NativeSocketsError);
  expect(e.code).toBe(code);
  expect(e.errno).toBe(ns.ErrorCode[code]);
  return e;
}

function roundTrip() {
  const server = ns.createNativeSocket();
  const client = ns.createNativeSocket();
  try {
    ns.bindAddr(server, '127.0.0.1', 0);
    ns.listen(server);
    ns.connect(client, '127.0.0.1', ns.getSockName(server));
    const { socket } = ns.accept(server);
    try {
      ns.send(client, 'still fine');
      return ns.recv(socket, 100).toString();
    } finally {
      ns.close(socket);
    }
  } finally {
    ns.close(client);
    ns.close(server);
  }
}

// The wasm instance's linear memory (through the host, which holds it).
const guestMemorySize = () => ns.getHost().memory.memory.buffer.byteLength;

let baseline;
beforeAll(() => {
  ns.init();
  baseline = ns.openSockets();
});
afterAll(() => ns.closeHost());

describe('wrong types', () => {
  const sock = () => ns.createNativeSocket();

  it.each([
    ['a string socket', () => ns.close('3')],
    ['a null socket', () => ns.recv(null)],
    ['an object socket', () => ns.send({}, 'x')],
    ['a bigint socket', () => ns.listen(3n)],
    ['a boolean socket', () => ns.getSockName(true)],
    ['undefined socket', () => ns.setBlocking(undefined, true)],
    ['a string port', () => ns.getServByPort('80', 'tcp')],
    ['a number for a name', () => ns.getServByName(80, 'tcp')],
    ['a number as proto', () => ns.getServByName('http', 6)],
    ['a number as host', () => ns.getAddrInfo(127001)],
    ['an object as host name', () => ns.getHostByName({ name: 'localhost' })],
    ['a number as blocking flag', () => ns.setBlocking(3, 1)],
    ['a string as inheritable', () => ns.createNativeSocket(AF_INET, SOCK_STREAM, undefined, 'yes')],
    ['a number as data', () => ns.send(3, 42)],
    ['null as data', () => ns.send(3, null)],
    ['a plain array as data', () => ns.send(3, [1, 2, 3])],
    ['a string as length', () => ns.recv(3, '10')],
    ['a string as flags', () => ns.recv(3, 10, 'peek')],
    ['a string option value', () => ns.setSockOptInt(3, SOL_SOCKET, SO_REUSEADDR, '1')],
    ['a string level', () => ns.getSockOptInt(3, 'SOL_SOCKET', SO_REUSEADDR)],
    ['a non-array to selectRead', () => ns.selectRead(3, 0)],
    ['a string inside the select array', () => ns.selectRead(['3'], 0)],
    ['a string timeout', () => ns.selectWrite([], '10')],
    ['an address that is a number', () => ns.connect(3, 127001, 80)],
    ['an address object with a numeric host', () => ns.bindAddr(3, { address: 1, port: 0 })],
    ['an unknown toInt kind', () => ns.toInt(2, 'colour')],
    ['a string to htons', () => ns.htons('80')],
    ['a string domain', () => ns.createNativeSocket('AF_INET')],
  ])('%s is a TypeError', (_, fn) => {
    const e = thrown(fn);
    expect(e).toBeInstanceOf(TypeError);
    expect(e.message.length).toBeGreaterThan(10);
  });

  it('NUL bytes inside strings are a TypeError, not a silently shorter name', () => {
    expect(thrown(() => ns.getServByName('http\0evil', 'tcp'))).toBeInstanceOf(TypeError);
    expect(thrown(() => ns.getAddrInfo('localhost\0.invalid'))).toBeInstanceOf(TypeError);
    expect(thrown(() => ns.getHostByName('localhost\0.attacker.example'))).toBeInstanceOf(TypeError);
    expect(thrown(() => ns.getProtoByName('tcp\0'))).toBeInstanceOf(TypeError);
    expect(thrown(() => ns.getServByPort(80, 'tcp\0x'))).toBeInstanceOf(TypeError);
    const s = sock();
    expect(thrown(() => ns.bindAddr(s, { path: '/tmp/a\0b' }))).toBeInstanceOf(TypeError);
    expect(thrown(() => ns.connect(s, 'localhost\0.attacker.example', 80))).toBeInstanceOf(TypeError);
    ns.close(s);
    const u = ns.createNativeSocket(ns.AF_UNIX, SOCK_STREAM);
    expect(thrown(() => ns.connect(u, { path: '/tmp/a\0b' }))).toBeInstanceOf(TypeError);
    ns.close(u);
  });

  it('an IP address for a unix socket and an empty path are TypeErrors', () => {
    const u = ns.createNativeSocket(ns.AF_UNIX, SOCK_STREAM);
    expect(thrown(() => ns.connect(u, '127.0.0.1', 80))).toBeInstanceOf(TypeError);
    expect(thrown(() => ns.bindAddr(u, { path: '' }))).toBeInstanceOf(TypeError);
    ns.close(u);
  });
});

describe('out-of-range values', () => {
  it.each([
    ['port 65536', () => ns.getServByPort(65536, 'tcp')],
    ['port -1', () => ns.getAddrInfo('127.0.0.1', -1)],
    ['port 1.5', () => ns.getAddrInfo('127.0.0.1', 1.5)],
    ['port NaN', () => ns.connect(3, '127.0.0.1', NaN)],
    ['port Infinity', () => ns.bindAddr(3, { address: '127.0.0.1', port: Infinity })],
    ['socket NaN', () => ns.close(NaN)],
    ['socket 2^40', () => ns.recv(2 ** 40)],
    ['socket 1.5', () => ns.send(1.5, 'x')],
    ['socket -2^31-1', () => ns.close(-(2 ** 31) - 1)],
    ['a huge recv length', () => ns.recv(3, 2 ** 40)],
    ['a recv length above MAX_IO', () => ns.recv(3, ns.MAX_IO + 1)],
    ['a negative recv length', () => ns.recvFrom(3, -1)],
    ['a timeout below -1', () => ns.selectRead([], -2)],
    ['a timeout of 1e12', () => ns.selectRead([], 1e12)],
    ['a fractional timeout', () => ns.selectRead([], 0.5)],
    ['domain 2^32 + 2 (which would wrap to AF_INET)', () => ns.createNativeSocket(2 ** 32 + 2)],
    ['htons(70000)', () => ns.htons(70000)],
    ['htonl(-1)', () => ns.htonl(-1)],
    ['an option value of 2^31', () => ns.setSockOptInt(3, SOL_SOCKET, SO_REUSEADDR, 2 ** 31)],
    ['a string longer than 64 KiB', () => ns.getServByName('x'.repeat(70_000), 'tcp')],
  ])('%s is a RangeError', (_, fn) => {
    expect(thrown(fn)).toBeInstanceOf(RangeError);
  });

  it('data larger than MAX_IO is a RangeError before any guest memory is used', () => {
    const s = ns.createNativeSocket();
    const before = guestMemorySize();
    expect(thrown(() => ns.send(s, new Uint8Array(ns.MAX_IO + 1)))).toBeInstanceOf(RangeError);
    expect(thrown(() => ns.sendTo(s, new Uint8Array(ns.MAX_IO + 1), '127.0.0.1', 9))).toBeInstanceOf(RangeError);
    expect(guestMemorySize()).toBe(before);
    ns.close(s);
  });
});

describe('values the library refuses', () => {
  it('enum values outside their enum are EINVAL', () => {
    expectLibraryError(() => ns.createNativeSocket(99, SOCK_STREAM), 'EINVAL');
    expectLibraryError(() => ns.createNativeSocket(AF_INET, 42), 'EINVAL');
    expectLibraryError(() => ns.createNativeSocket(AF_INET, SOCK_STREAM, 1000), 'EINVAL');
    expectLibraryError(() => ns.getAddrInfo('127.0.0.1', 0, 77), 'EINVAL');
  });

  it('unsupported combinations are library errors', () => {
    const e = thrown(() => ns.createNativeSocket(AF_INET, SOCK_DGRAM, ns.IPPROTO_TCP));
    expect(e).toBeInstanceOf(NativeSocketsError);
    expect(e.syscall).toBe('socket');
    expect(thrown(() => ns.createNativeSocketRaw(9999, 1, 0))).toBeInstanceOf(NativeSocketsError);
  });

  it('non-literal addresses for getHostByAddr are EINVAL; bad literals for connect are resolver errors', () => {
    expectLibraryError(() => ns.getHostByAddr('999.1.1.1'), 'EINVAL');
    const s = ns.createNativeSocket();
    const e = thrown(() => ns.connect(s, '300.1.2.3.invalid', 80));
    expect(e).toBeInstanceOf(NativeSocketsError);
    expect(e.syscall).toBe('getaddrinfo');
    ns.close(s);
  });

  it('listen on UDP, accept on a non-listener, send on an unconnected socket', () => {
    const u = ns.createNativeSocket(AF_INET, SOCK_DGRAM);
    expect(thrown(() => ns.listen(u))).toBeInstanceOf(NativeSocketsError);
    const t = ns.createNativeSocket();
    expect(thrown(() => ns.accept(t))).toBeInstanceOf(NativeSocketsError);
    const e = thrown(() => ns.send(t, 'nobody'));
    expect(['ENOTCONN', 'EPIPE', 'EDESTADDRREQ']).toContain(e.code);
    ns.close(u);
    ns.close(t);
  });

  it('selectRead([], -1) would wait forever: EINVAL', () => {
    expectLibraryError(() => ns.selectRead([], -1), 'EINVAL');
  });
});

describe('closed and never-opened descriptors', () => {
  it('every socket call on a closed socket is EBADF', () => {
    const s = ns.createNativeSocket();
    ns.close(s);
    const calls = [
      () => ns.close(s), () => ns.send(s, 'x'), () => ns.recv(s, 1), () => ns.listen(s),
      () => ns.accept(s), () => ns.bindAddr(s, '127.0.0.1', 0), () => ns.connect(s, '127.0.0.1', 1),
      () => ns.shutdown(s), () => ns.setBlocking(s, false), () => ns.setInheritable(s, true),
      () => ns.getSockOptInt(s, SOL_SOCKET, SO_REUSEADDR), () => ns.setSockOptInt(s, SOL_SOCKET, SO_REUSEADDR, 1),
      () => ns.getSockDomain(s), () => ns.getSockName(s), () => ns.getLocalAddr(s, AF_INET),
      () => ns.getPeerAddr(s, AF_INET), () => ns.sendTo(s, 'x', '127.0.0.1', 9), () => ns.recvFrom(s, 1),
      () => ns.ioctlsocket(s, ns.FIONREAD), () => ns.selectRead([s], 0), () => ns.selectWrite([s], 0),
    ];
    for (const fn of calls) {
      const e = thrown(fn);
      expect(e, String(fn)).toBeInstanceOf(NativeSocketsError);
      expect(e.code, String(fn)).toBe('EBADF');
    }
  });

  it('descriptors never opened: EBADF, or ENOTSOCK for stdio', () => {
    for (const fd of [-1, ns.osInvalidSocket, 999, 123456, 2 ** 31 - 1, -(2 ** 31)]) {
      expectLibraryError(() => ns.close(fd), 'EBADF');
      expectLibraryError(() => ns.recv(fd, 10), 'EBADF');
      expectLibraryError(() => ns.send(fd, 'x'), 'EBADF');
    }
    for (const fd of [0, 1, 2]) {
      const e = thrown(() => ns.recv(fd, 10));
      expect(e).toBeInstanceOf(NativeSocketsError);
      expect(['ENOTSOCK', 'EBADF']).toContain(e.code);
    }
  });

  it("stdio descriptors are not sockets: close is ENOTSOCK and the process's own stdio is untouched", () => {
    const script = `
      import * as ns from ${JSON.stringify(path.join(root, 'js/index.js'))};
      const codes = [];
      for (const fd of [0, 1, 2]) {
        try { ns.close(fd); codes.push('closed'); } catch (e) { codes.push(e.code); }
        try { ns.setBlocking(fd, false); } catch (e) { codes.push(e.code); }
      }
      console.log(codes.join(' '));
      console.error('stderr works');`;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-stdio-'));
    try {
      fs.writeFileSync(path.join(dir, 'main.mjs'), script);
      const r = spawnSync(process.execPath, [path.join(dir, 'main.mjs')], { encoding: 'utf8', timeout: 20_000 });
      expect(r.status).toBe(0);
      expect(r.stdout.trim().split(' ').slice(0, 1)).toEqual(['ENOTSOCK']);
      expect(r.stdout).not.toMatch(/closed/);
      expect(r.stderr.trim()).toBe('stderr works');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a closed socket among good ones makes select EBADF', () => {
    const good = ns.createNativeSocket();
    const gone = ns.createNativeSocket();
    ns.close(gone);
    expectLibraryError(() => ns.selectRead([good, gone], 0), 'EBADF');
    ns.close(good);
  });
});

describe('afterwards', () => {
  it('thousands of failing calls do not grow guest memory (nothing leaks on the error paths)', () => {
    const payload = Buffer.alloc(32 * 1024, 1);
    const failures = () => {
      try { ns.send(999, payload); } catch { /* EBADF */ }
      try { ns.recv(999, 64 * 1024); } catch { /* EBADF */ }
      try { ns.recvFrom(999, 64 * 1024); } catch { /* EBADF */ }
      try { ns.getServByName('no-such-service', 'tcp'); } catch { /* ENOENT */ }
      try { ns.getHostByAddr('not-an-address'); } catch { /* EINVAL */ }
      try { ns.connect(999, '127.0.0.1', 1); } catch { /* EBADF */ }
      try { ns.selectRead([999, 998, 997], 0); } catch { /* EBADF */ }
      try { ns.bindAddr(unix, { path: `/tmp/${'x'.repeat(300)}` }); } catch { /* ENAMETOOLONG */ }
    };
    const unix = ns.createNativeSocket(ns.AF_UNIX, SOCK_STREAM);
    roundTrip();
    failures();
    const before = guestMemorySize();
    for (let i = 0; i < 2000; i++) failures();
    expect(guestMemorySize()).toBe(before);
    ns.close(unix);
    expect(roundTrip()).toBe('still fine');
  });

  it('the library still works and no socket leaked', () => {
    expect(roundTrip()).toBe('still fine');
    expect(ns.openSockets()).toBe(baseline);
  });
});
