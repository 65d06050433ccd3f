// The network policy: its rule syntax (js/host/policy.js) and the JS API
// under a policy, with real sockets on loopback.
import { afterEach, describe, expect, it } from 'vitest';
import net from 'node:net';
import * as ns from '../../js/index.js';
import * as nsp from '../../js/promises.js';
import { NetworkPolicy, PolicyError, parseRule } from '../../js/host/policy.js';

const AF_INET = 1, AF_INET6 = 2, AF_UNIX = 3; // the host's address records
const v4 = (address, port = 0) => ({ family: AF_INET, address, port });
const v6 = (address, port = 0) => ({ family: AF_INET6, address, port });
const EACCES = 2;

describe('rule syntax', () => {
  it.each([
    ['127.0.0.1', 'ip', null],
    ['127.0.0.1:8000-9000', 'ip', [8000, 9000]],
    ['10.0.0.0/8:*', 'ip', null],
    ['[::1]:*', 'ip', null],
    ['[fe80::/10]:443', 'ip', [443, 443]],
    ['::1', 'ip', null],
    ['*:53', 'ip', [53, 53]],
    ['localhost:80', 'name', [80, 80]],
    ['unix', 'unix', undefined],
    ['unix:/run/app', 'unix', undefined],
  ])('%s', (text, kind, ports) => {
    const rule = parseRule(text);
    expect(rule.kind).toBe(kind);
    if (ports !== undefined) expect(rule.ports).toEqual(ports);
    expect([...rule.ops]).toEqual(['connect', 'bind', 'send', 'accept']);
  });

  it('operations prefix a rule', () => {
    expect([...parseRule('connect+send:*:53').ops]).toEqual(['connect', 'send']);
    expect([...parseRule('bind:0.0.0.0:8080').ops]).toEqual(['bind']);
    expect([...parseRule('accept:unix').ops]).toEqual(['accept']);
  });

  it.each([
    '', '1.2.3', '300.0.0.1', '127.0.0.1/33', '[::1', '[::1]x', '[::1/129]', '*:70000', '*:9-1',
    '*:http', '*:', 'localhost:', '[::1]:', 'a host', 'unix:', 'connect+bogus:*', 'host:1:2',
    // an operation alone is no host name: "deny connect" must not deny nothing
    'connect', 'send', 'bind+accept', 'accept:send',
  ])('%j is refused with a message', (text) => {
    expect(() => parseRule(text)).toThrow(PolicyError);
  });

  it('a policy object: unknown fields and wrong types are refused', () => {
    expect(() => new NetworkPolicy({ alow: [] })).toThrow(/alow/);
    expect(() => new NetworkPolicy({ lookup: 'yes' })).toThrow(/lookup/);
    expect(() => new NetworkPolicy({ check: 1 })).toThrow(/check/);
    expect(() => new NetworkPolicy('all')).toThrow(PolicyError);
  });
});

describe('decisions', () => {
  const resolveName = (name) => (name === 'svc.test' ? [{ address: '127.0.0.9', family: 4 }] : []);
  const policy = (spec) => new NetworkPolicy(spec, resolveName);

  it('deny wins; allow defaults to everything in the object form', () => {
    const p = policy({ deny: ['127.0.0.2'] });
    expect(p.check('connect', v4('127.0.0.1', 1))).toBe(0);
    expect(p.check('connect', v4('127.0.0.2', 1))).toBe(EACCES);
    expect(p.check('bind', { family: AF_UNIX, path: '/x' })).toBe(0);
    expect(policy(false).check('connect', v4('127.0.0.1', 1))).toBe(EACCES);
    expect(policy({ allow: [] }).check('connect', v4('127.0.0.1', 1))).toBe(EACCES);
  });

  it('a peer without an address (it reset first) passes only where every peer would', () => {
    const listener = v4('127.0.0.1', 8080);
    expect(policy({ allow: ['*'] }).acceptsAnyPeer(listener)).toBe(true);
    expect(policy({ allow: ['accept:*:8080'] }).acceptsAnyPeer(listener)).toBe(true);
    expect(policy({ allow: ['accept:*:8000-8100', 'connect:*'] }).acceptsAnyPeer(listener)).toBe(true);
    const refused = [
      { allow: ['accept:*:9090'] }, { allow: ['connect:*'] }, { allow: ['accept:127.0.0.1'] },
      { allow: ['*'], deny: ['accept:10.0.0.0/8'] }, { allow: ['*'], check: () => true },
    ];
    for (const spec of refused) expect(policy(spec).acceptsAnyPeer(listener)).toBe(false);
    expect(policy({ allow: ['*'], deny: ['connect:10.0.0.0/8'] }).acceptsAnyPeer(listener)).toBe(true);
    expect(policy(true).acceptsAnyPeer(listener)).toBe(true);
    expect(policy(false).acceptsAnyPeer(listener)).toBe(false);
  });

  it('only rules that allow every address, port, path and operation skip judging', () => {
    // The fast path (--allow-net) must not swallow a narrower rule.
    expect(policy({ allow: ['*', 'unix'] }).everything).toBe(true);
    expect(policy({}).everything).toBe(true);
    const narrower = [
      { allow: ['*'] }, { allow: ['*:1-100', 'unix'] }, { allow: ['connect:*', 'unix'] },
      { allow: ['*', 'unix:/tmp'] }, { allow: ['*', 'unix'], deny: ['127.0.0.2'] },
      { allow: ['*', 'unix'], check: () => true },
    ];
    for (const spec of narrower) expect(policy(spec).everything).toBe(false);
    expect(policy({ allow: ['*:1-100', 'unix'] }).check('send', v4('127.0.0.1', 101))).toBe(EACCES);
    expect(policy({ allow: ['connect:*', 'unix'] }).check('send', v4('127.0.0.1', 1))).toBe(EACCES);
    expect(policy({ allow: ['*', 'unix'], check: () => false }).check('send', v4('127.0.0.1', 1))).toBe(EACCES);
  });

  it('accept matches the peer address and the listening port', () => {
    const p = policy({ allow: ['127.0.0.1:8000'] });
    expect(p.check('accept', v4('127.0.0.1', 40000), v4('127.0.0.1', 8000))).toBe(0);
    expect(p.check('accept', v4('127.0.0.2', 40000), v4('127.0.0.1', 8000))).toBe(EACCES);
    expect(p.check('accept', v4('127.0.0.1', 40000), v4('127.0.0.1', 8001))).toBe(EACCES);
  });

  it('host names are their addresses, resolved once', () => {
    let asked = 0;
    const p = new NetworkPolicy({ allow: ['svc.test:80'] }, (n) => {
      asked++;
      return resolveName(n);
    });
    expect(p.check('connect', v4('127.0.0.9', 80))).toBe(0);
    expect(p.check('connect', v4('127.0.0.9', 81))).toBe(EACCES);
    expect(p.check('connect', v4('127.0.0.8', 80))).toBe(EACCES);
    expect(asked).toBe(1);
  });

  it('mapped and unspecified addresses cannot slip past IPv4 rules', () => {
    const p = policy({ deny: ['127.0.0.0/8'] });
    expect(p.check('connect', v6('::ffff:7f00:1', 80))).toBe(EACCES);
    expect(p.check('connect', v6('::ffff:127.0.0.1', 80))).toBe(EACCES);
    expect(p.check('send', v4('0.0.0.0', 53))).toBe(EACCES);
    const q = policy({ deny: ['::1'] });
    expect(q.check('connect', v6('::', 80))).toBe(EACCES);
    expect(q.check('bind', v6('::', 80))).toBe(0); // binding the wildcard is not loopback
  });

  it('an IPv6 wildcard bind is also an IPv4 wildcard bind unless IPV6_V6ONLY', () => {
    const p = policy({ deny: ['bind:0.0.0.0'] });
    expect(p.check('bind', v6('::', 80))).toBe(EACCES);
    expect(p.check('bind', v6('0:0:0:0:0:0:0:0', 80))).toBe(EACCES);
    expect(p.check('bind', { ...v6('::', 80), v6Only: true })).toBe(0);
    expect(p.check('bind', v6('::1', 80))).toBe(0);
    const only6 = policy({ allow: ['bind:[::]'] });
    expect(only6.check('bind', v6('::', 80))).toBe(EACCES);
    expect(only6.check('bind', { ...v6('::', 80), v6Only: true })).toBe(0);
  });

  it('unix path prefixes stop at a path component', () => {
    const p = policy({ allow: ['unix:/run/app'] });
    expect(p.check('connect', { family: AF_UNIX, path: '/run/app/s.sock' })).toBe(0);
    expect(p.check('connect', { family: AF_UNIX, path: '/run/app' })).toBe(0);
    expect(p.check('connect', { family: AF_UNIX, path: '/run/apple.sock' })).toBe(EACCES);
    expect(p.check('connect', { family: AF_UNIX, path: '/run/app/../x.sock' })).toBe(EACCES);
  });
});

describe('the JS API', () => {
  afterEach(async () => {
    await ns.closeHost();
  });

  it('allows everything unless given a policy', () => {
    const s = ns.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM);
    ns.bindAddr(s, { address: '127.0.0.2', port: 0 });
    ns.close(s);
    expect(ns.getAddrInfo('localhost', 0, ns.AF_INET).length).toBeGreaterThan(0);
  });

  it('with a policy: denied operations throw EACCES, allowed ones work', () => {
    ns.init({ network: { allow: ['127.0.0.1', 'send:127.0.0.3:9'], lookup: false } });
    const s = ns.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM);
    expect(() => ns.bindAddr(s, { address: '127.0.0.2', port: 0 })).toThrow(expect.objectContaining({ code: 'EACCES' }));
    ns.bindAddr(s, { address: '127.0.0.1', port: 0 });
    ns.close(s);
    const u = ns.createNativeSocket(ns.AF_INET, ns.SOCK_DGRAM, ns.IPPROTO_UDP);
    expect(ns.sendTo(u, Buffer.from('x'), '127.0.0.3', 9)).toBe(1);
    expect(() => ns.sendTo(u, Buffer.from('x'), '127.0.0.3', 10)).toThrow(expect.objectContaining({ code: 'EACCES' }));
    ns.close(u);
    expect(() => ns.getAddrInfo('localhost', 0, ns.AF_INET)).toThrow(ns.NativeSocketsError);
    expect(ns.getAddrInfo('127.0.0.1', 0, ns.AF_INET)[0].address).toBe('127.0.0.1');
  });

  it('lookup: false holds for nativesockets/promises too (its helper thread has an instance of its own)', async () => {
    ns.init({ network: { lookup: false } });
    await expect(nsp.getAddrInfo('localhost', 0, ns.AF_INET)).rejects.toThrow(expect.objectContaining({ code: 'EAI_FAIL' }));
    await expect(nsp.getHostByName('localhost')).rejects.toThrow(expect.objectContaining({ code: 'EAI_FAIL' }));
    expect((await nsp.getAddrInfo('127.0.0.1', 0, ns.AF_INET))[0].address).toBe('127.0.0.1');
  });

  it('deny bind:0.0.0.0 holds for a dual-stack IPv6 socket on [::] (it listens on IPv4 too)', () => {
    ns.init({ network: { deny: ['bind:0.0.0.0'] } });
    const dual = ns.createNativeSocket(ns.AF_INET6, ns.SOCK_STREAM);
    expect(() => ns.bindAddr(dual, { address: '::', port: 0 })).toThrow(expect.objectContaining({ code: 'EACCES' }));
    ns.close(dual);
    const only6 = ns.createNativeSocket(ns.AF_INET6, ns.SOCK_STREAM);
    ns.setSockOptInt(only6, ns.IPPROTO_IPV6_LEVEL, ns.IPV6_V6ONLY, 1);
    ns.bindAddr(only6, { address: '::', port: 0 });
    ns.close(only6);
  });

  it('accept: a denied peer is closed, the allowed one is accepted', async () => {
    ns.init({ network: { allow: ['bind:127.0.0.0/8', 'connect:127.0.0.1', 'accept:127.0.0.1'] } });
    const server = ns.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM);
    ns.bindAddr(server, { address: '127.0.0.1', port: 0 });
    ns.listen(server);
    const port = ns.getLocalAddr(server).port;
    // from 127.0.0.2 (denied): a Node client whose fate we watch
    const denied = await new Promise((resolve) => {
      const c = net.connect({ host: '127.0.0.1', port, localAddress: '127.0.0.2' }, () => resolve(c));
    });
    const deniedClosed = new Promise((resolve) => {
      denied.on('error', () => {});
      denied.on('close', resolve);
    });
    ns.setBlocking(server, false);
    // The denied connection is queued; accept drops it and finds nothing.
    for (let i = 0; i < 50; i++) {
      try {
        ns.accept(server);
        throw new Error('a denied peer was accepted');
      } catch (e) {
        if (!(e instanceof ns.NativeSocketsError)) throw e;
        expect(e.code).toBe('EAGAIN');
      }
      await new Promise((r) => setTimeout(r, 10));
    }
    await deniedClosed;
    const allowed = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => allowed.on('connect', r));
    ns.setBlocking(server, true);
    const { socket, address } = ns.accept(server);
    expect(address).toBe('127.0.0.1');
    ns.close(socket);
    allowed.destroy();
    ns.close(server);
  });

  it('bad options throw when the host is made', () => {
    expect(() => ns.init({ maxSockets: 0 })).toThrow(RangeError);
    expect(() => ns.init({ maxSockets: 1.5 })).toThrow(RangeError);
    expect(() => ns.init({ network: { allow: ['no such rule'] } })).toThrow(PolicyError);
    expect(() => ns.init({ network: 'everything' })).toThrow(PolicyError);
  });

  it('maxSockets: socket() past the limit is EMFILE', () => {
    ns.init({ maxSockets: 2 });
    const a = ns.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM);
    const b = ns.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM);
    expect(() => ns.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM)).toThrow(expect.objectContaining({ code: 'EMFILE' }));
    ns.close(a);
    ns.close(ns.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM));
    ns.close(b);
  });
});
