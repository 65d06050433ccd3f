// The JS API's lookups and conversions on the wasm build: the resolver, the
// services/protocols/hosts databases, byte order and enum conversions,
// error names, constants, and the module's life cycle (closeHost, exiting).
import { afterAll, describe, expect, it } from 'vitest';
import { catchError } from './catch-error.js';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ns from '../../js/index.js';

const {
  AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM, SOCK_DGRAM, SOCK_RAW, IPPROTO_UDP, IPPROTO_TCP,
  IPPROTO_ICMP, NativeSocketsError,
} = ns;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

afterAll(() => ns.closeHost());

describe('resolver and databases', () => {
  it('getAddrInfo: localhost, literals, the port and the kind of socket', () => {
    const local = ns.getAddrInfo('localhost');
    expect(local.length).toBeGreaterThan(0);
    expect(local.map((a) => a.address)).toContain('127.0.0.1');
    for (const a of local) expect(a.family).toBe(AF_INET);
    const [lit] = ns.getAddrInfo('127.0.0.1', 8080);
    expect(lit).toMatchObject({ family: AF_INET, sockType: SOCK_STREAM, protocol: IPPROTO_TCP, address: '127.0.0.1', port: 8080 });
    const [dgram] = ns.getAddrInfo('10.1.2.3', 53, AF_INET, SOCK_DGRAM, IPPROTO_UDP);
    expect(dgram).toMatchObject({ sockType: SOCK_DGRAM, protocol: IPPROTO_UDP, address: '10.1.2.3', port: 53 });
    const [six] = ns.getAddrInfo('::1', 443, AF_INET6);
    expect(six).toMatchObject({ family: AF_INET6, address: '::1', port: 443 });
    for (const entry of [...local, lit, six]) expect(Object.getPrototypeOf(entry)).toBe(Object.prototype);
  });

  it('an .invalid name is EAI_NONAME', () => {
    const e = catchError(() => ns.getAddrInfo('no-such-host.invalid'));
    expect(e).toBeInstanceOf(NativeSocketsError);
    expect(e.code).toBe('EAI_NONAME');
    expect(e.errno).toBe(ns.ErrorCode.EAI_NONAME);
    expect(e.syscall).toBe('getaddrinfo');
    expect(e.hostname).toBe('no-such-host.invalid');
    expect(e.message).toBe('getaddrinfo EAI_NONAME no-such-host.invalid');
  });

  it('services by name and by port, host byte order', () => {
    const http = ns.getServByName('http', 'tcp');
    expect(http).toMatchObject({ name: 'http', port: 80, proto: 'tcp' });
    expect(Array.isArray(http.aliases)).toBe(true);
    expect(ns.getServByName('http').port).toBe(80);
    const https = ns.getServByPort(443, 'tcp');
    expect(https).toMatchObject({ name: 'https', port: 443, proto: 'tcp' });
    expect(ns.getServByPort(53, 'udp').name).toBe('domain');
    const e = catchError(() => ns.getServByName('no-such-service', 'tcp'));
    expect(e.code).toBe('ENOENT');
    expect(e.syscall).toBe('getservbyname');
    expect(catchError(() => ns.getServByPort(1, 'no-such-proto')).code).toBe('ENOENT');
  });

  it('protocols', () => {
    expect(ns.getProtoByName('udp')).toBe(17);
    expect(ns.getProtoByName('tcp')).toBe(6);
    expect(catchError(() => ns.getProtoByName('no-such-protocol')).code).toBe('ENOENT');
  });

  it('host entries by address and by name; the host name', () => {
    const byAddr = ns.getHostByAddr('127.0.0.1');
    expect(byAddr.name).toBe('localhost');
    expect(byAddr.addrtype).toBe(AF_INET);
    expect(byAddr.length).toBe(4);
    expect(byAddr.addrList).toContain('127.0.0.1');
    const byName = ns.getHostByName('localhost');
    expect(byName).toMatchObject({ addrtype: AF_INET, length: 4 });
    expect(byName.addrList).toContain('127.0.0.1');
    expect(catchError(() => ns.getHostByAddr('not-an-address')).code).toBe('EINVAL');
    expect(catchError(() => ns.getHostByName('no-such-host.invalid')).code).toBe('EAI_NONAME');
    expect(ns.getHostname()).toBe(os.hostname());
  });
});

describe('conversions, errors and the module', () => {
  it('byte order, enums and address text', () => {
    expect(ns.htons(0x1234)).toBe(0x3412);
    expect(ns.ntohs(0x3412)).toBe(0x1234);
    expect(ns.htonl(0x01020304)).toBe(0x04030201);
    expect(ns.ntohl(0xfffefdfc)).toBe(0xfcfdfeff);
    expect(ns.inetNtoa(ns.htonl(0x7f000001))).toBe('127.0.0.1');
    expect(ns.toKnownDomain(ns.toInt(AF_INET6, ns.Domain))).toBe(AF_INET6);
    expect(ns.toKnownDomain(ns.domainToInt(AF_UNIX))).toBe(AF_UNIX);
    expect(ns.toKnownDomain(12345)).toBeNull();
    expect(ns.toInt(99, 'domain')).toBe(-1);
    expect(ns.protocolToInt(ns.IPPROTO_UDP)).toBe(17);
    expect(ns.protocolToInt(ns.IPPROTO_IPV6)).toBe(41);
    expect(ns.toSockType(IPPROTO_TCP)).toBe(SOCK_STREAM);
    expect(ns.toSockType(IPPROTO_UDP)).toBe(SOCK_DGRAM);
    expect(ns.toSockType(IPPROTO_ICMP)).toBe(SOCK_RAW);
    expect(ns.portToString(8080)).toBe('8080');
    expect(ns.getAddrString('::ffff:10.1.2.3')).toBe('10.1.2.3');
    expect(ns.getAddrString({ address: '::1', port: 1 })).toBe('::1');
    expect(ns.getAddrString({ path: '/tmp/x.sock' })).toBe('unix');
  });

  it('every ErrorCode has its name; strerror gives sentences', () => {
    for (const [name, code] of Object.entries(ns.ErrorCode)) expect(ns.errName(code)).toBe(name);
    expect(ns.errName(-4242)).toBe('EUNKNOWN');
    expect(ns.strerror(ns.ErrorCode.ECONNREFUSED)).toMatch(/refused/i);
    expect(ns.errorFromNative(0)).toBe(0);
  });

  it('constants are frozen numbers; version matches package.json', () => {
    expect(Object.isFrozen(ns.Domain) && Object.isFrozen(ns.SockType) && Object.isFrozen(ns.Protocol)).toBe(true);
    expect(ns.Domain).toEqual({ AF_UNSPEC: 0, AF_UNIX: 1, AF_INET: 2, AF_INET6: 23 });
    expect(ns.osInvalidSocket).toBe(-1);
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(ns.version()).toBe(pkg.version);
  });

  const script = `
    import * as ns from ${JSON.stringify(path.join(root, 'js/index.js'))};
    const s = ns.createNativeSocket(); ns.bindAddr(s, '127.0.0.1', 0); ns.listen(s);
    const c = ns.createNativeSocket(); ns.connect(c, '127.0.0.1', ns.getSockName(s));
    const a = ns.accept(s).socket; ns.send(c, 'bye'); console.log(ns.recv(a, 3).toString());`;

  it('a process that never calls closeHost still exits by itself', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-exit-'));
    try {
      fs.writeFileSync(path.join(dir, 'main.mjs'), script);
      const out = execFileSync(process.execPath, [path.join(dir, 'main.mjs')], { timeout: 20_000 });
      expect(out.toString().trim()).toBe('bye');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  // Node's own flags: under Deno or Bun (scripts/runtimes.sh) there is no `node` to run.
  it.skipIf(globalThis.Deno || process.versions.bun)('works from `node --input-type=module -e` (the host worker must not inherit --input-type)', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 40_000, encoding: 'utf8' });
    expect({ status: r.status, stdout: r.stdout.trim(), stderr: r.stderr.split('\n').slice(0, 6).join('\n') })
      .toEqual({ status: 0, stdout: 'bye', stderr: '' });
  }, 60_000);

  it('closeHost stops the worker; the next call loads a fresh instance', async () => {
    const s = ns.createNativeSocket();
    expect(ns.openSockets()).toBeGreaterThan(0);
    await ns.closeHost();
    expect(ns.openSockets()).toBe(0);
    expect(catchError(() => ns.close(s)).code).toBe('EBADF');
    const again = ns.createNativeSocket();
    expect(ns.openSockets()).toBe(1);
    ns.close(again);
  });
});
