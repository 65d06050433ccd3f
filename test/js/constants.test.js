// The native constants of js/constants.js against the C headers themselves:
// a tiny C program, compiled for wasm32-wasi against csrc/include and the
// WASI add-on's headers, prints the NS_* values and the struct layouts the
// JS API reads; it runs under the host and its output must equal what the
// JS module exports. (api.test.js checks the same constants by behaviour.)
import { afterAll, describe, expect, it } from 'vitest';
import * as ns from '../../js/index.js';
import * as layouts from '../../js/layouts.js';
import { printedByC, wasiClang } from './wasi-c.js';

const PROGRAM = String.raw`#include <nativesockets.h>
#include <stdio.h>
#include <stddef.h>
#include <netinet/in.h>
#include <sys/un.h>
int main(void) {
  printf("{\"SOL_SOCKET\":%d,\"SO_DEBUG\":%d,\"SO_REUSEADDR\":%d,\"SO_TYPE\":%d,\"SO_ERROR\":%d,\"SO_DONTROUTE\":%d,\"SO_BROADCAST\":%d,\"SO_SNDBUF\":%d,\"SO_RCVBUF\":%d,\"SO_KEEPALIVE\":%d,\"SO_OOBINLINE\":%d,\"SO_REUSEPORT\":%d,\"SO_ACCEPTCONN\":%d,",
    NS_SOL_SOCKET, NS_SO_DEBUG, NS_SO_REUSEADDR, NS_SO_TYPE, NS_SO_ERROR, NS_SO_DONTROUTE, NS_SO_BROADCAST, NS_SO_SNDBUF, NS_SO_RCVBUF, NS_SO_KEEPALIVE, NS_SO_OOBINLINE, NS_SO_REUSEPORT, NS_SO_ACCEPTCONN);
  printf("\"IPPROTO_TCP_LEVEL\":%d,\"TCP_NODELAY\":%d,\"IPPROTO_IPV6_LEVEL\":%d,\"IPV6_V6ONLY\":%d,\"MSG_PEEK\":%d,\"SOMAXCONN\":%d,\"INADDR_ANY\":%lu,\"SHUT_RD\":%d,\"SHUT_WR\":%d,\"SHUT_RDWR\":%d,\"FIONREAD\":%lu,\"FIONBIO\":%lu,\"IOCPARM_MASK\":%lu,\"IOC_IN\":%lu,",
    NS_IPPROTO_TCP_LEVEL, NS_TCP_NODELAY, NS_IPPROTO_IPV6_LEVEL, NS_IPV6_V6ONLY, NS_MSG_PEEK, NS_SOMAXCONN, (unsigned long)NS_INADDR_ANY, NS_SHUT_RD, NS_SHUT_WR, NS_SHUT_RDWR, NS_FIONREAD, NS_FIONBIO, NS_IOCPARM_MASK, NS_IOC_IN);
  printf("\"servent\":{\"size\":%zu,\"name\":%zu,\"aliases\":%zu,\"aliasCount\":%zu,\"port\":%zu,\"proto\":%zu},",
    sizeof(ns_servent), offsetof(ns_servent, name), offsetof(ns_servent, aliases), offsetof(ns_servent, alias_count), offsetof(ns_servent, port), offsetof(ns_servent, proto));
  printf("\"hostent\":{\"size\":%zu,\"name\":%zu,\"aliases\":%zu,\"aliasCount\":%zu,\"addrtype\":%zu,\"length\":%zu,\"addrList\":%zu,\"addrCount\":%zu},",
    sizeof(ns_hostent), offsetof(ns_hostent, name), offsetof(ns_hostent, aliases), offsetof(ns_hostent, alias_count), offsetof(ns_hostent, addrtype), offsetof(ns_hostent, length), offsetof(ns_hostent, addr_list), offsetof(ns_hostent, addr_count));
  printf("\"addrinfo\":{\"family\":%zu,\"socktype\":%zu,\"protocol\":%zu,\"addrlen\":%zu,\"addr\":%zu,\"canonname\":%zu,\"next\":%zu},",
    offsetof(struct addrinfo, ai_family), offsetof(struct addrinfo, ai_socktype), offsetof(struct addrinfo, ai_protocol), offsetof(struct addrinfo, ai_addrlen), offsetof(struct addrinfo, ai_addr), offsetof(struct addrinfo, ai_canonname), offsetof(struct addrinfo, ai_next));
  printf("\"sockaddr\":{\"family\":%zu,\"port\":%zu,\"inAddr\":%zu,\"sunPath\":%zu,\"in6Family\":%zu,\"in6Port\":%zu,\"unFamily\":%zu},",
    offsetof(struct sockaddr_in, sin_family), offsetof(struct sockaddr_in, sin_port), offsetof(struct sockaddr_in, sin_addr), offsetof(struct sockaddr_un, sun_path),
    offsetof(struct sockaddr_in6, sin6_family), offsetof(struct sockaddr_in6, sin6_port), offsetof(struct sockaddr_un, sun_family));
  printf("\"sockaddrSizes\":[%zu,%zu,%zu,%zu],\"familySize\":%zu}\n",
    sizeof(struct sockaddr_in), sizeof(struct sockaddr_in6), sizeof(struct sockaddr_un), sizeof(struct sockaddr_storage), sizeof(((struct sockaddr_in *)0)->sin_family));
  return 0;
}
`;

afterAll(() => ns.closeHost());

describe.skipIf(wasiClang === null)('native constants equal the WASI headers (needs clang for wasm32-wasi)', () => {
  let printed;
  it('the header program builds and runs', async () => {
    printed = await printedByC(PROGRAM, ['csrc/wasi/include', 'csrc/include']);
  });

  it('every option, flag and ioctl constant', () => {
    const { servent, hostent, addrinfo, sockaddr, sockaddrSizes, familySize, ...values } = printed;
    expect(values).toEqual({ ...ns.constants });
    for (const [name, value] of Object.entries(values)) expect(ns[name], name).toBe(value);
  });

  it('the struct layouts the JS API reads are js/layouts.js\'s (ns_servent, ns_hostent, addrinfo, sockaddrs)', () => {
    expect(printed.servent).toEqual({ ...layouts.SERVENT });
    expect(printed.hostent).toEqual({ ...layouts.HOSTENT });
    expect(printed.addrinfo).toEqual({ ...layouts.ADDRINFO });
    const { in6Family, in6Port, unFamily, ...sockaddr } = printed.sockaddr;
    expect(sockaddr).toEqual({ ...layouts.SOCKADDR });
    // The family leads every sockaddr as a u16, and sockaddr_in6 has its port where sockaddr_in has.
    expect([in6Family, unFamily, printed.familySize]).toEqual([layouts.SOCKADDR.family, layouts.SOCKADDR.family, 2]);
    expect(in6Port).toBe(layouts.SOCKADDR.port);
    for (const size of printed.sockaddrSizes) expect(size).toBeLessThanOrEqual(layouts.SOCKADDR_MAX);
  });
});
