// The host's blocking round trip on its own: SocketHost.ping() is one empty
// request to the worker thread and its answer, the price that bind, connect
// and name lookups of the wasm build pay on top of the work itself.
//
//   node bench/client_host.mjs ping - 0 AMOUNT
//
// prints one JSON line as the C clients do (bench/client_common.mjs).
import { SocketHost } from '../js/host/index.js';
import { runClient, warmThenTime } from './client_common.mjs';

const tests = {
  async ping(host, port, amount) {
    const socketHost = new SocketHost();
    const result = warmThenTime(amount, (n) => {
      for (let i = 0; i < n; i++) socketHost.ping();
    });
    await socketHost.close();
    return result;
  },
};

await runClient(tests, { unsupported: () => 'only ping' });
