// The host's blocking round trip on its own: SocketHost.ping() is one empty
// request to the worker thread and its answer, the price that bind, connect
// and name lookups of the wasm build pay on top of the work itself.
//
//   node bench/client_host.mjs ping - 0 AMOUNT
//
// prints one JSON line as the C clients do (bench/bench.h).
import { SocketHost } from '../js/host/index.js';

const [test, , , amountText] = process.argv.slice(2);
const amount = Number(amountText);
if (test !== 'ping') {
  console.log(JSON.stringify({ test, unsupported: 'only ping' }));
} else {
  const host = new SocketHost();
  for (let i = 0; i < amount / 10; i++) host.ping();
  const start = performance.now();
  for (let i = 0; i < amount; i++) host.ping();
  const seconds = (performance.now() - start) / 1000;
  await host.close();
  console.log(JSON.stringify({ test, ops: amount, bytes: 0, seconds }));
}
