// Type-checked by `deno check` (scripts/runtimes.sh): the declarations of
// nativesockets/promises (js/promises.d.ts) accept this and reject the line
// marked @ts-expect-error. Never run.
import * as ns from '../../js/promises.js';
import type { AddrInfo } from '../../js/index.js';
const s: number = ns.createNativeSocket();
const c = new AbortController();
const a: { socket: number; address: string } = await ns.accept(s, { signal: c.signal });
await ns.connect(s, '127.0.0.1', 80, { signal: c.signal });
const b: Buffer = await ns.recv(a.socket, 10);
const n: number = await ns.recvInto(a.socket, new Uint8Array(4));
const m: number = await ns.send(s, 'x');
const k: number = await ns.selectRead([s], 10);
const ai: AddrInfo[] = await ns.getAddrInfo('localhost', 80);
const e = new ns.AbortError();
const code: 'ABORT_ERR' = e.code;
// @ts-expect-error recv resolves to a Buffer, not a number
const wrong: number = await ns.recv(s);
console.log(b, n, m, k, ai, code, wrong);
