// The guest boundary against a hostile guest that passes any 32-bit value
// to the imports (test/js/guests/hostile.c's raw_* exports): counts of 2^31,
// lengths near 2^32, tables that end past memory, names with NULs. Each case
// was a host bug (issue 10, findings 2–6); each answer is the errno a kernel
// would give, at once, with nothing written.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { instantiateReactor } from '../../js/host/index.js';
import { guarded, setHostDebug, takeUnexpectedFaults } from '../../js/host/guest/guard.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

const EFAULT = 21, EINVAL = 28;
const EAI_NONAME = 6, EAI_SERVICE = 7;
const AF_INET = 1, SOCK_STREAM = 1, SOCK_DGRAM = 2, NONBLOCK = 1;
const AI_CANONNAME = 2, AI_NUMERICHOST = 4;
const PAGE = 65536;
// poll_oneoff's limit (docs/host-safety.md): a read and a write for each of
// 65,536 descriptors, and a clock.
const MAX_SUBSCRIPTIONS = 2 * 65536 + 1;
const FILL = 0xaa;

let hostile;
beforeAll(() => {
  hostile = new WebAssembly.Module(fs.readFileSync(path.join(root, 'build/wasi/hostile.wasm')));
});

const hosts = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

/** A hostile guest: its raw exports, and pages of its memory to build in. */
function load() {
  const { exports: x, host } = instantiateReactor(hostile);
  hosts.push(host);
  const g = {
    x, host,
    get end() { return x.memory.buffer.byteLength; },
    view: () => new DataView(x.memory.buffer),
    bytes: () => new Uint8Array(x.memory.buffer),
    /** `size` fresh bytes past everything the guest uses; returns their address. */
    grow(size) {
      const base = x.memory.grow(Math.ceil(size / PAGE)) * PAGE;
      return base;
    },
    putString(at, text) {
      const encoded = Buffer.from(text, 'utf8');
      g.bytes().set(encoded, at);
      return encoded.length;
    },
    u32: (at) => g.view().getUint32(at, true),
    fill(at, len) { g.bytes().fill(FILL, at, at + len); },
    untouched(at, len) { return g.bytes().subarray(at, at + len).every((b) => b === FILL); },
  };
  return g;
}

// Writes clock subscription `i` (relative, `timeoutNs` from now) at `table`.
function clock(g, table, i, userdata, timeoutNs = 0n) {
  const v = g.view();
  const at = table + i * 48;
  v.setBigUint64(at, BigInt(userdata), true);
  v.setUint8(at + 8, 0);
  v.setUint32(at + 16, 1, true); // monotonic
  v.setBigUint64(at + 24, timeoutNs, true);
  v.setUint16(at + 40, 0, true);
}

function fdRead(g, table, i, userdata, fd) {
  const v = g.view();
  const at = table + i * 48;
  v.setBigUint64(at, BigInt(userdata), true);
  v.setUint8(at + 8, 1);
  v.setUint32(at + 16, fd, true);
}

// A loopback address record (wasm/ABI.md) at `at`.
function loopback(g, at, port = 0) {
  g.bytes().fill(0, at, at + 136);
  const v = g.view();
  v.setUint16(at, AF_INET, true);
  v.setUint16(at + 2, port, true);
  g.bytes().set([127, 0, 0, 1], at + 8);
}

function openSocket(g, type, flags, scratch) {
  expect(g.x.raw_socket_open(AF_INET, type, 0, flags, scratch)).toBe(0);
  return g.u32(scratch);
}

describe('poll_oneoff: the count and every table are checked before anything is built', () => {
  it('a count of 2^31 or more is EINVAL at once, not an endless wait', () => {
    const g = load();
    const base = g.grow(PAGE);
    clock(g, base, 0, 1);
    for (const count of [0x80000000, 0xffffffff, 0xfffffffe]) {
      expect(g.x.raw_poll_oneoff(base, base + 4096, count, base + 8192)).toBe(EINVAL);
    }
  });

  it('more than MAX_SUBSCRIPTIONS is EINVAL even when the whole table fits in memory', () => {
    const g = load();
    const count = MAX_SUBSCRIPTIONS + 1;
    const base = g.grow(count * 80 + 8);
    // zeroed pages: every entry is a clock subscription due now
    expect(g.x.raw_poll_oneoff(base, base + count * 48, count, base + count * 80)).toBe(EINVAL);
  });

  it(`the largest table (${MAX_SUBSCRIPTIONS} clocks) works: every due clock fires, userdata intact`, () => {
    const g = load();
    const count = MAX_SUBSCRIPTIONS;
    const base = g.grow(count * 80 + 8);
    const out = base + count * 48, nevents = base + count * 80;
    for (let i = 0; i < count; i++) clock(g, base, i, 0x1_0000_0000 + i);
    expect(g.x.raw_poll_oneoff(base, out, count, nevents)).toBe(0);
    expect(g.u32(nevents)).toBe(count);
    const v = g.view();
    for (const k of [0, 1, 65535, count - 1]) {
      expect(v.getBigUint64(out + k * 32, true)).toBe(0x1_0000_0000n + BigInt(k));
      expect(v.getUint8(out + k * 32 + 10)).toBe(0); // EVENTTYPE_CLOCK
    }
  });

  it('an event table that overlaps the subscriptions: each event carries the userdata of its own subscription', () => {
    const g = load();
    const base = g.grow(PAGE);
    clock(g, base, 0, 0x1111);
    clock(g, base, 1, 0x2222);
    // event 0 lands on subscription 1: written first, it must not be read back
    const out = base + 48, nevents = base + 4096;
    expect(g.x.raw_poll_oneoff(base, out, 2, nevents)).toBe(0);
    expect(g.u32(nevents)).toBe(2);
    const v = g.view();
    expect([v.getBigUint64(out, true), v.getBigUint64(out + 32, true)]).toEqual([0x1111n, 0x2222n]);
  });

  it('tables that end past memory are EFAULT: subscriptions, events, the count out', () => {
    const g = load();
    const base = g.grow(PAGE);
    clock(g, base, 0, 7);
    const end = g.end;
    expect(g.x.raw_poll_oneoff(end - 47, base + 4096, 1, base + 8192)).toBe(EFAULT);
    expect(g.x.raw_poll_oneoff(base, end - 31, 1, base + 8192)).toBe(EFAULT);
    expect(g.x.raw_poll_oneoff(base, base + 4096, 1, end - 3)).toBe(EFAULT);
    expect(g.x.raw_poll_oneoff(0xffffffff, base + 4096, 1, base + 8192)).toBe(EFAULT);
    // a count whose table is larger than all of memory
    expect(g.x.raw_poll_oneoff(base, base, 100_000, base + 8192)).toBe(EFAULT);
  });

  it('an unknown subscription type is EINVAL', () => {
    const g = load();
    const base = g.grow(PAGE);
    clock(g, base, 0, 1);
    clock(g, base, 1, 2);
    g.view().setUint8(base + 48 + 8, 3);
    expect(g.x.raw_poll_oneoff(base, base + 4096, 2, base + 8192)).toBe(EINVAL);
  });

  it('over 1,000 sockets, only the ready one is reported, with its byte count', () => {
    const g = load();
    const base = g.grow(4 * PAGE);
    const scratch = base, addr = base + 16, subs = base + 1024, events = subs + 1100 * 48;
    const idle = [];
    for (let i = 0; i < 1000; i++) idle.push(openSocket(g, SOCK_DGRAM, NONBLOCK, scratch));
    const ready = openSocket(g, SOCK_DGRAM, NONBLOCK, scratch);
    loopback(g, addr);
    expect(g.x.raw_socket_bind(ready, addr, 136)).toBe(0);
    expect(g.x.raw_socket_local_addr(ready, addr)).toBe(0);
    g.putString(scratch + 8, 'hello');
    expect(g.x.raw_socket_send_to(ready, scratch + 8, 5, 0, addr, scratch)).toBe(0);
    idle.forEach((fd, i) => fdRead(g, subs, i, i, fd));
    fdRead(g, subs, 1000, 1000, ready);
    clock(g, subs, 1001, 1001, 10_000_000_000n); // a bound, should the datagram be lost
    expect(g.x.raw_poll_oneoff(subs, events, 1002, scratch)).toBe(0);
    expect(g.u32(scratch)).toBe(1);
    expect(g.view().getBigUint64(events, true)).toBe(1000n);
    expect(g.view().getUint32(events + 16, true)).toBe(5);
  });
});

describe('scatter/gather lists: counts over IOV_MAX (1024) are EINVAL', () => {
  // `count` zero-length iovecs at `table`.
  function iovecs(g, table, count) {
    g.bytes().fill(0, table, table + count * 8);
    return table;
  }

  it('fd_read, fd_write, fd_pread, fd_pwrite on stdio never reach node:wasi with 1025', () => {
    const g = load();
    const base = g.grow(2 * PAGE);
    const table = iovecs(g, base + 64, 1025);
    const out = base;
    expect(g.x.raw_fd_write(1, table, 1024, out)).toBe(0); // the limit itself is fine
    for (const count of [1025, 2 ** 29, 0x80000000, 0xffffffff]) {
      expect(g.x.raw_fd_write(1, table, count, out)).toBe(EINVAL);
      expect(g.x.raw_fd_read(0, table, count, out)).toBe(EINVAL);
      expect(g.x.raw_fd_pread(1, table, count, out)).toBe(EINVAL);
      expect(g.x.raw_fd_pwrite(2, table, count, out)).toBe(EINVAL);
    }
  });

  it('on a socket with data waiting, 0x80000000 iovecs is EINVAL (not 0 bytes), and the data is still there', () => {
    const g = load();
    const base = g.grow(PAGE);
    const scratch = base, addr = base + 64, iov = base + 256, buf = base + 512;
    const listener = openSocket(g, SOCK_STREAM, 0, scratch);
    loopback(g, addr);
    expect(g.x.raw_socket_bind(listener, addr, 136)).toBe(0);
    expect(g.x.raw_socket_listen(listener, 4)).toBe(0);
    expect(g.x.raw_socket_local_addr(listener, addr)).toBe(0);
    const client = openSocket(g, SOCK_STREAM, 0, scratch);
    expect(g.x.raw_socket_connect(client, addr, 136)).toBe(0);
    expect(g.x.raw_sock_accept(listener, 0, scratch)).toBe(0);
    const server = g.u32(scratch);
    const v = g.view();
    g.putString(buf, 'hello');
    v.setUint32(iov, buf, true);
    v.setUint32(iov + 4, 5, true);
    expect(g.x.raw_sock_send(server, iov, 1, 0, scratch)).toBe(0);
    expect(g.u32(scratch)).toBe(5);
    v.setUint32(iov + 4, 64, true);
    g.fill(scratch, 8);
    expect(g.x.raw_fd_read(client, iov, 0x80000000, scratch)).toBe(EINVAL);
    expect(g.x.raw_sock_recv(client, iov, 0x80000000, 0, scratch, scratch + 4)).toBe(EINVAL);
    expect(g.x.raw_fd_read(client, iov, 1025, scratch)).toBe(EINVAL);
    expect(g.untouched(scratch, 8)).toBe(true);
    expect(g.x.raw_fd_read(client, iov, 1, scratch)).toBe(0);
    expect(g.u32(scratch)).toBe(5);
    expect(Buffer.from(g.bytes().subarray(buf, buf + 5)).toString()).toBe('hello');
  });
});

describe('counts and lengths are unsigned 32-bit', () => {
  function hints(g, at, flags, family = AF_INET, type = SOCK_STREAM) {
    const v = g.view();
    v.setInt32(at, flags, true);
    v.setInt32(at + 4, family, true);
    v.setInt32(at + 8, type, true);
    v.setInt32(at + 12, 0, true);
  }

  it('resolve with out_count 2^31 is -EFAULT and reports no records', () => {
    const g = load();
    const base = g.grow(PAGE);
    const node = base, hint = base + 64, count = base + 128, out = base + 256;
    const len = g.putString(node, '127.0.0.1');
    hints(g, hint, AI_NUMERICHOST);
    g.fill(count, 4);
    expect(g.x.raw_resolve(node, len, 0, 0, hint, out, 0x80000000, count, 0, 0)).toBe(-EFAULT);
    expect(g.untouched(count, 4)).toBe(true);
    // and the same call with a true count works
    expect(g.x.raw_resolve(node, len, 0, 0, hint, out, 4, count, 0, 0)).toBe(0);
    expect(g.u32(count)).toBe(1);
  });

  it('a string length of 2^31 is over the ABI limit: EINVAL, as a length of 1025 is', () => {
    const g = load();
    const base = g.grow(PAGE);
    expect(g.x.raw_service_by_name(base, 0x80000000, 0, 0, base + 4096, 1024)).toBe(EINVAL);
    expect(g.x.raw_service_by_name(base, 1025, 0, 0, base + 4096, 1024)).toBe(EINVAL);
    expect(g.x.raw_protocol_by_name(base, 0xffffffff, base + 4096, 1024)).toBe(EINVAL);
    const hint = base + 2048;
    hints(g, hint, 0);
    expect(g.x.raw_resolve(base, 0x80000000, 0, 0, hint, base + 4096, 1, base + 8000, 0, 0)).toBe(-EINVAL);
  });
});

describe('names with a NUL are no names', () => {
  it('resolve: a host name with a NUL is EAI_NONAME, a service EAI_SERVICE', () => {
    const g = load();
    const base = g.grow(PAGE);
    const node = base, service = base + 128, hint = base + 256, out = base + 512, count = base + 300;
    const v = g.view();
    v.setInt32(hint, 0, true);
    v.setInt32(hint + 4, AF_INET, true);
    v.setInt32(hint + 8, SOCK_STREAM, true);
    v.setInt32(hint + 12, 0, true);
    const evil = g.putString(node, 'localhost\0.attacker.example');
    expect(g.x.raw_resolve(node, evil, 0, 0, hint, out, 4, count, 0, 0)).toBe(EAI_NONAME);
    const literal = g.putString(node, '127.0.0.1\0.attacker.example');
    expect(g.x.raw_resolve(node, literal, 0, 0, hint, out, 4, count, 0, 0)).toBe(EAI_NONAME);
    const port = g.putString(service, '80\0');
    const plain = g.putString(node, '127.0.0.1');
    expect(g.x.raw_resolve(node, plain, service, port, hint, out, 4, count, 0, 0)).toBe(EAI_SERVICE);
    expect(g.x.raw_resolve(node, plain, service, 2, hint, out, 4, count, 0, 0)).toBe(0);
  });

  it('service and protocol names with a NUL are EINVAL', () => {
    const g = load();
    const base = g.grow(PAGE);
    const out = base + 1024;
    expect(g.x.raw_service_by_name(base, g.putString(base, 'http\0evil'), 0, 0, out, 1024)).toBe(EINVAL);
    const proto = base + 256;
    expect(g.x.raw_service_by_name(base, g.putString(base, 'http'), proto, g.putString(proto, 'tcp\0'), out, 1024)).toBe(EINVAL);
    expect(g.x.raw_service_by_port(80, proto, g.putString(proto, 'tcp\0x'), out, 1024)).toBe(EINVAL);
    expect(g.x.raw_protocol_by_name(base, g.putString(base, 'tcp\0'), out, 1024)).toBe(EINVAL);
    expect(g.x.raw_protocol_by_name(base, g.putString(base, 'tcp'), out, 1024)).toBe(0);
  });
});

describe('output regions are checked whole before anything is written', () => {
  it('host_name: a buffer that ends past memory is EFAULT, even when the name would fit', () => {
    const g = load();
    g.grow(PAGE);
    const at = g.end - 64;
    g.fill(at, 64);
    expect(g.x.raw_host_name(at, 4096)).toBe(EFAULT);
    expect(g.untouched(at, 64)).toBe(true);
    expect(g.x.raw_host_name(at, 64)).toBe(0);
  });

  it('service_by_name, service_by_port, protocol_by_name, protocol_by_number: the whole out_len is checked', () => {
    const g = load();
    const base = g.grow(PAGE);
    const at = g.end - 200;
    const name = g.putString(base, 'http');
    const proto = base + 64, protoLen = g.putString(proto, 'tcp');
    g.fill(at, 200);
    expect(g.x.raw_service_by_name(base, name, 0, 0, at, 4096)).toBe(EFAULT);
    expect(g.x.raw_service_by_port(80, proto, protoLen, at, 4096)).toBe(EFAULT);
    expect(g.x.raw_protocol_by_name(proto, protoLen, at, 0xffffffff)).toBe(EFAULT);
    // checked before the lookup: a number no entry has is EFAULT too
    expect(g.x.raw_protocol_by_number(6, at, 4096)).toBe(EFAULT);
    expect(g.x.raw_protocol_by_number(253, at, 4096)).toBe(EFAULT);
    expect(g.untouched(at, 200)).toBe(true);
    expect(g.x.raw_protocol_by_number(6, at, 200)).toBe(0);
    expect(g.x.raw_service_by_name(base, name, 0, 0, at, 200)).toBe(0);
  });

  it('resolve: the whole record table and the whole canonical-name buffer', () => {
    const g = load();
    const base = g.grow(PAGE);
    const node = base, hint = base + 64, count = base + 128, out = base + 256;
    const len = g.putString(node, '127.0.0.1');
    const v = g.view();
    v.setInt32(hint, AI_CANONNAME | AI_NUMERICHOST, true);
    v.setInt32(hint + 4, AF_INET, true);
    v.setInt32(hint + 8, SOCK_STREAM, true);
    v.setInt32(hint + 12, 0, true);
    const tail = g.end - 144;
    g.fill(tail, 144);
    g.fill(count, 4);
    // one record would fit in the last 144 bytes, but the caller said two
    expect(g.x.raw_resolve(node, len, 0, 0, hint, tail, 2, count, base + 1024, 64)).toBe(-EFAULT);
    // the name would fit in the last 144 bytes, but the caller said 4096
    expect(g.x.raw_resolve(node, len, 0, 0, hint, out, 1, count, tail, 4096)).toBe(-EFAULT);
    expect(g.untouched(tail, 144)).toBe(true);
    expect(g.untouched(count, 4)).toBe(true);
    expect(g.x.raw_resolve(node, len, 0, 0, hint, out, 1, count, tail, 144)).toBe(0);
    expect(g.u32(count)).toBe(1);
  });
});

describe("stdio: the guest's descriptor, never the host's", () => {
  it('a guest that closes its stdout and stderr closes nothing of the host, and writes nowhere after', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-stdio-'));
    const out = fs.openSync(path.join(dir, 'out'), 'w');
    try {
      // one descriptor for both, as embedders often pass
      const { exports: x, host } = instantiateReactor(hostile, { stdout: out, stderr: out });
      hosts.push(host);
      expect(x.close_descriptor(1)).toBe(0);
      expect(x.close_descriptor(2)).toBe(0);
      expect(x.close_descriptor(2)).toBe(8); // EBADF: the guest's is gone
      // the host's is not: had it been closed, the next file or socket the
      // process opens would take its number, and the guest's stderr with it
      expect(() => fs.fstatSync(out)).not.toThrow();
      const base = x.memory.grow(1) * PAGE;
      const v = new DataView(x.memory.buffer);
      v.setUint32(base, base + 64, true);
      v.setUint32(base + 4, 5, true);
      expect(x.raw_fd_write(2, base, 1, base + 8)).toBe(8);
      expect(x.raw_fd_write(1, base, 1, base + 8)).toBe(8);
    } finally {
      fs.closeSync(out);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('host debugging (the suite runs with NATIVESOCKETS_DEBUG=1)', () => {
  it('is on in this suite', () => {
    expect(process.env.NATIVESOCKETS_DEBUG).toBeTruthy();
  });

  it('a guest fault is an errno and no host fault; a host bug is EIO, recorded and loud', () => {
    const imports = guarded({
      fault: () => load().x.raw_host_name(0xfffffff0, 64),
      bug: () => { throw new TypeError('a host bug'); },
    });
    expect(imports.fault()).toBe(EFAULT);
    expect(takeUnexpectedFaults().total).toBe(0);
    const errors = [];
    const print = console.error;
    console.error = (...args) => errors.push(args);
    try {
      expect(imports.bug()).toBe(29); // EIO
    } finally {
      console.error = print;
    }
    const { faults, total } = takeUnexpectedFaults();
    expect(total).toBe(1);
    expect(faults[0].name).toBe('bug');
    expect(faults[0].error.message).toBe('a host bug');
    expect(String(errors[0][0])).toMatch(/unexpected exception in import bug/);
  });

  it('off, a host bug is only EIO and nothing is recorded', () => {
    setHostDebug(false);
    try {
      expect(guarded({ bug: () => { throw new Error('x'); } }).bug()).toBe(29);
      expect(takeUnexpectedFaults().total).toBe(0);
    } finally {
      setHostDebug(null);
    }
  });
});
