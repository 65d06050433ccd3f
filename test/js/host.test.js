// The host against guests: a hostile one that passes bad pointers, lengths
// and descriptors straight to the imports, one that opens and closes many
// sockets, a worker that dies under a blocked guest, and a plain POSIX C
// program built with the WASI add-on.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { instantiateReactor, runWasi } from '../../js/host/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const guest = (name) => fs.readFileSync(path.join(root, 'build/wasi', name));

const EBADF = 8, EFAULT = 21, EINVAL = 28, ENETDOWN = 38, ENOTSOCK = 57;

let hostile;
beforeAll(() => {
  hostile = new WebAssembly.Module(guest('hostile.wasm'));
});

const hosts = [];
function load() {
  const loaded = instantiateReactor(hostile);
  hosts.push(loaded.host);
  return { x: loaded.exports, host: loaded.host };
}
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
});

describe('bad pointers are EFAULT, nothing else happens', () => {
  it('socket_open with its result outside memory creates nothing', () => {
    const { x, host } = load();
    expect(x.open_with_bad_result_pointer()).toBe(EFAULT);
    expect(host.openSockets()).toBe(0);
  });

  it('addresses, option values and buffers outside memory', () => {
    const { x } = load();
    const fd = x.open_tcp_socket();
    expect(fd).toBeGreaterThanOrEqual(3);
    expect(x.bind_with_bad_address(fd)).toBe(EFAULT);
    expect(x.listen_on_loopback(fd)).toBe(0);
    expect(x.local_addr_to_bad_pointer(fd)).toBe(EFAULT);
    expect(x.option_to_bad_pointer(fd)).toBe(EFAULT);
    expect(x.send_with_huge_length(fd)).toBe(EFAULT);
    expect(x.close_descriptor(fd)).toBe(0);
  });

  it('scatter/gather lists and poll subscriptions outside memory', () => {
    const { x } = load();
    const fd = x.open_tcp_socket();
    expect(x.recv_into_bad_iovec(fd)).toBe(EFAULT);
    expect(x.recv_with_bad_iovec_table(fd)).toBe(EFAULT);
    expect(x.poll_with_bad_subscriptions()).toBe(EFAULT);
    expect(x.close_descriptor(fd)).toBe(0);
  });

  it('resolver and database calls: bad names are EFAULT, overlong EINVAL', () => {
    const { x } = load();
    expect(x.lookup_with_bad_name()).toBe(EFAULT);
    expect(x.lookup_with_overlong_name()).toBe(EINVAL);
    expect(x.resolve_with_bad_hints()).toBe(-EFAULT); // resolver calls answer -errno
  });
});

describe('descriptors the guest was not given', () => {
  it('unknown numbers are EBADF, files and stdio are ENOTSOCK', () => {
    const { x } = load();
    expect(x.send_on_descriptor(9999)).toBe(EBADF);
    expect(x.close_descriptor(12345)).toBe(EBADF);
    expect(x.accept_on_descriptor(1)).toBe(ENOTSOCK);
    expect(x.bind_on_descriptor(0)).toBe(ENOTSOCK);
  });

  it('a closed socket is EBADF and its number is given out again', () => {
    const { x } = load();
    const fd = x.open_tcp_socket();
    expect(x.close_descriptor(fd)).toBe(0);
    expect(x.send_on_descriptor(fd)).toBe(EBADF);
    expect(x.close_descriptor(fd)).toBe(EBADF);
    expect(x.open_tcp_socket()).toBe(fd);
  });

  it('bad lengths and counts are EINVAL', () => {
    const { x } = load();
    const fd = x.open_tcp_socket();
    expect(x.bind_with_short_length(fd)).toBe(EINVAL);
    expect(x.poll_with_no_subscriptions()).toBe(EINVAL);
  });
});

describe('resources', () => {
  it('1000 sockets opened and closed leave nothing behind in the host', () => {
    const { x, host } = load();
    const before = host.debug('count').endpoints;
    expect(x.open_and_close_many(1000)).toBe(0);
    expect(host.openSockets()).toBe(0);
    expect(host.debug('count').endpoints).toBe(before);
    // and again: numbers are reused, nothing accumulates
    expect(x.open_and_close_many(1000)).toBe(0);
    expect(host.debug('count').endpoints).toBe(before);
  });
});

describe('a dead worker', () => {
  it('wakes a guest blocked in accept with ENETDOWN', () => {
    const { x, host } = load();
    const fd = x.open_tcp_socket();
    expect(x.listen_on_loopback(fd)).toBe(0);
    host.debug('exit', { afterMs: 100 });
    expect(x.accept_blocking(fd)).toBe(ENETDOWN);
    expect(x.open_tcp_socket()).toBe(-ENETDOWN);
  });

  it('after close(), calls fail instead of hanging', async () => {
    const { x, host } = load();
    const fd = x.open_tcp_socket();
    await host.close();
    expect(x.listen_on_loopback(fd)).toBe(ENETDOWN);
  });
});

describe('a plain POSIX C program built with the add-on', () => {
  it('serves and connects to itself over loopback', async () => {
    const lines = [];
    const out = path.join(fs.mkdtempSync(path.join(root, 'build/wasi/run-')), 'stdout');
    const fd = fs.openSync(out, 'w');
    const code = await runWasi(guest('posix-echo.wasm'), { args: ['posix-echo'], stdout: fd, network: true });
    fs.closeSync(fd);
    lines.push(...fs.readFileSync(out, 'utf8').trim().split('\n'));
    expect(code).toBe(0);
    expect(lines.at(-1)).toMatch(/^posix-echo ok \d+$/);
  });
});
