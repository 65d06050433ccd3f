// The native constants of js/constants.js against the C headers themselves:
// a tiny C program, compiled for wasm32-wasi against csrc/include and the
// WASI add-on's headers, prints the NS_* values and the struct layouts the
// JS API reads; it runs under the host and its output must equal what the
// JS module exports. (api.test.js checks the same constants by behaviour.)
import { afterAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ns from '../../js/index.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const addonInclude = path.join(root, 'csrc/wasi/include');

// A clang that compiles *and links* for wasm32-wasi (some have no wasi runtime library).
function findClang() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-clang-'));
  try {
    fs.writeFileSync(path.join(dir, 't.c'), 'int main(void) { return 0; }\n');
    for (const cc of [process.env.WASI_CC, 'clang-16', 'clang', 'clang-17', 'clang-18', 'clang-15']) {
      if (!cc) continue;
      try {
        execFileSync(cc, ['--target=wasm32-wasi', '--sysroot=/usr', path.join(dir, 't.c'), '-o', path.join(dir, 't.wasm')], { stdio: 'ignore' });
        return cc;
      } catch { /* the next one */ }
    }
    return null;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
const clang = fs.existsSync(addonInclude) ? findClang() : null;

const PROGRAM = String.raw`#include <nativesockets.h>
#include <stdio.h>
#include <stddef.h>
int main(void) {
  printf("{\"SOL_SOCKET\":%d,\"SO_DEBUG\":%d,\"SO_REUSEADDR\":%d,\"SO_TYPE\":%d,\"SO_ERROR\":%d,\"SO_DONTROUTE\":%d,\"SO_BROADCAST\":%d,\"SO_SNDBUF\":%d,\"SO_RCVBUF\":%d,\"SO_KEEPALIVE\":%d,\"SO_OOBINLINE\":%d,\"SO_REUSEPORT\":%d,\"SO_ACCEPTCONN\":%d,",
    NS_SOL_SOCKET, NS_SO_DEBUG, NS_SO_REUSEADDR, NS_SO_TYPE, NS_SO_ERROR, NS_SO_DONTROUTE, NS_SO_BROADCAST, NS_SO_SNDBUF, NS_SO_RCVBUF, NS_SO_KEEPALIVE, NS_SO_OOBINLINE, NS_SO_REUSEPORT, NS_SO_ACCEPTCONN);
  printf("\"IPPROTO_TCP_LEVEL\":%d,\"TCP_NODELAY\":%d,\"IPPROTO_IPV6_LEVEL\":%d,\"IPV6_V6ONLY\":%d,\"MSG_PEEK\":%d,\"SOMAXCONN\":%d,\"INADDR_ANY\":%lu,\"SHUT_RD\":%d,\"SHUT_WR\":%d,\"SHUT_RDWR\":%d,\"FIONREAD\":%lu,\"FIONBIO\":%lu,\"IOCPARM_MASK\":%lu,\"IOC_IN\":%lu,",
    NS_IPPROTO_TCP_LEVEL, NS_TCP_NODELAY, NS_IPPROTO_IPV6_LEVEL, NS_IPV6_V6ONLY, NS_MSG_PEEK, NS_SOMAXCONN, (unsigned long)NS_INADDR_ANY, NS_SHUT_RD, NS_SHUT_WR, NS_SHUT_RDWR, NS_FIONREAD, NS_FIONBIO, NS_IOCPARM_MASK, NS_IOC_IN);
  printf("\"servent\":[%zu,%zu,%zu,%zu,%zu],\"hostent\":[%zu,%zu,%zu,%zu,%zu,%zu,%zu],\"addrinfo\":[%zu,%zu,%zu,%zu,%zu,%zu],\"sun_path\":%zu,\"storage\":%zu}\n",
    sizeof(ns_servent), offsetof(ns_servent, aliases), offsetof(ns_servent, alias_count), offsetof(ns_servent, port), offsetof(ns_servent, proto),
    sizeof(ns_hostent), offsetof(ns_hostent, aliases), offsetof(ns_hostent, alias_count), offsetof(ns_hostent, addrtype), offsetof(ns_hostent, length), offsetof(ns_hostent, addr_list), offsetof(ns_hostent, addr_count),
    offsetof(struct addrinfo, ai_family), offsetof(struct addrinfo, ai_socktype), offsetof(struct addrinfo, ai_protocol), offsetof(struct addrinfo, ai_addrlen), offsetof(struct addrinfo, ai_addr), offsetof(struct addrinfo, ai_next),
    offsetof(struct sockaddr_un, sun_path), sizeof(struct sockaddr_storage));
  return 0;
}
`;

afterAll(() => ns.closeHost());

describe.skipIf(clang === null)('native constants equal the WASI headers (needs clang for wasm32-wasi)', () => {
  let printed;
  it('the header program builds and runs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-constants-'));
    try {
      fs.writeFileSync(path.join(dir, 'k.c'), PROGRAM);
      execFileSync(clang, ['--target=wasm32-wasi', '--sysroot=/usr', `-I${addonInclude}`, `-I${path.join(root, 'csrc/include')}`,
        '-O1', path.join(dir, 'k.c'), '-o', path.join(dir, 'k.wasm')]);
      const out = fs.openSync(path.join(dir, 'out.json'), 'w');
      try {
        expect(await ns.runWasi(fs.readFileSync(path.join(dir, 'k.wasm')), { stdout: out })).toBe(0);
      } finally {
        fs.closeSync(out);
      }
      printed = JSON.parse(fs.readFileSync(path.join(dir, 'out.json'), 'utf8'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('every option, flag and ioctl constant', () => {
    const { servent, hostent, addrinfo, sun_path: sunPath, storage, ...values } = printed;
    expect(values).toEqual({ ...ns.constants });
    for (const [name, value] of Object.entries(values)) expect(ns[name], name).toBe(value);
  });

  it('the struct layouts js/index.js reads (ns_servent, ns_hostent, addrinfo, sockaddr_un)', () => {
    expect(printed.servent).toEqual([20, 4, 8, 12, 16]);
    expect(printed.hostent).toEqual([28, 4, 8, 12, 16, 20, 24]);
    expect(printed.addrinfo).toEqual([4, 8, 12, 16, 20, 28]);
    expect(printed.sun_path).toBe(2);
    expect(printed.storage).toBeLessThanOrEqual(256);
  });
});
