// The benchmark client on nativesockets/promises (js/promises.js): the JS
// API's calls awaited, as a Node program that must not block its event loop
// would make them. The rows where waiting is the point: echo, bulk and
// connections; each call's wait is Atomics.waitAsync on the host's event
// counter, not a blocked thread.
//
//   node bench/client_jsapi_async.mjs TEST HOST PORT AMOUNT
//
// prints one JSON line as the other clients do (bench/client_common.mjs).
import * as ns from '../js/promises.js';
import {
  CHUNK, MESSAGE, message, now, runClient, warmThenTimeAsync,
} from './client_common.mjs';

async function connectTcp(host, port) {
  const sock = ns.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM, ns.IPPROTO_TCP);
  await ns.connect(sock, { address: host, port });
  ns.setSockOptInt(sock, ns.IPPROTO_TCP_LEVEL, ns.TCP_NODELAY, 1);
  return sock;
}

// One buffer for every reply: recvInto reuses it.
const reply = Buffer.alloc(MESSAGE);

async function recvExactlyInto(sock, buffer) {
  for (let got = 0; got < buffer.length;) {
    const n = await ns.recvInto(sock, got === 0 ? buffer : buffer.subarray(got));
    if (n === 0) throw new Error('recv: end of stream');
    got += n;
  }
  return buffer;
}

async function echoRounds(sock, rounds) {
  for (let i = 0; i < rounds; i++) {
    await ns.send(sock, message);
    await recvExactlyInto(sock, reply);
  }
}

async function sendBytes(sock, chunk, total) {
  for (let left = total; left > 0; left -= CHUNK) {
    await ns.send(sock, left < CHUNK ? chunk.subarray(0, left) : chunk);
  }
}

async function connectOnce(host, port) {
  const sock = ns.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM, ns.IPPROTO_TCP);
  await ns.connect(sock, { address: host, port });
  const got = await ns.recvInto(sock, reply.subarray(0, 1));
  ns.close(sock);
  if (got !== 0) throw new Error('connect: the peer did not close');
}

const tests = {
  async echo(host, port, amount) {
    const sock = await connectTcp(host, port);
    const result = await warmThenTimeAsync(amount, (n) => echoRounds(sock, n));
    ns.close(sock);
    return result;
  },
  async bulk(host, port, amount) {
    const chunk = Buffer.alloc(CHUNK, 'x');
    const warm = Math.floor(amount / 10);
    const sock = await connectTcp(host, port);
    await sendBytes(sock, chunk, warm);
    const start = now();
    await sendBytes(sock, chunk, amount);
    ns.shutdown(sock, ns.SHUT_WR);
    const answer = await recvExactlyInto(sock, Buffer.alloc(8));
    const seconds = now() - start;
    ns.close(sock);
    if (Number(answer.readBigUInt64LE(0)) !== warm + amount) {
      throw new Error('the sink counted a different number of bytes');
    }
    return { ops: amount / CHUNK, bytes: amount, seconds };
  },
  connect(host, port, amount) {
    return warmThenTimeAsync(amount, async (n) => {
      for (let i = 0; i < n; i++) await connectOnce(host, port);
    });
  },
};

await runClient(tests, {
  unsupported: (test) => `the promises client runs echo, bulk and connect only (${test}: see the blocking JS API)`,
  setUp: () => ns.init(),
  tearDown: () => ns.closeHost(),
});
