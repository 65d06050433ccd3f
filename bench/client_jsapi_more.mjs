// The JS API's (js/index.js) receive, many-connection and memory tests:
// bench/client_c's "recv", "many", "churn" and "open" written with the npm
// package's blocking calls, call for call. bench/client_jsapi.mjs has the
// other tests; bench/run.mjs starts this file for these four.
//
//   node bench/client_jsapi_more.mjs TEST HOST PORT AMOUNT
//
// prints one JSON line as the C clients do (bench/client_common.mjs).
import * as ns from '../js/index.js';
import {
  CHUNK, MESSAGE, message, now, p99us, phase, runClient, startClock, stopClock,
} from './client_common.mjs';
import { connectOnce, connectTcp, sendAll } from './jsapi_common.mjs';

const MANY = 1000; // connections of "many" and "open"

// recv calls of CHUNK bytes until `limit` bytes (or the end of the stream
// when limit is Infinity): the count.
function recvBytes(sock, limit) {
  let total = 0;
  while (total < limit) {
    const got = ns.recv(sock, Math.min(CHUNK, limit - total));
    if (got.length === 0) {
      if (limit === Infinity) return total;
      throw new Error('recv: end of stream too early');
    }
    total += got.length;
  }
  return total;
}

function recv(host, port, amount) {
  const warm = Math.floor(amount / 10);
  const sock = connectTcp(host, port);
  const request = Buffer.alloc(8);
  request.writeBigUInt64LE(BigInt(warm + amount));
  sendAll(sock, request);
  recvBytes(sock, warm);
  const clock = startClock();
  const got = recvBytes(sock, Infinity);
  const timed = stopClock(clock);
  ns.close(sock);
  if (got !== amount) throw new Error('recv: a different number of bytes');
  return { ops: amount / CHUNK, bytes: amount, ...timed };
}

// Every connection does `rounds` round trips at once; selectRead (the C
// library's ns_select_read, poll underneath) says which have data.
function manyRounds(socks, rounds, latencies) {
  if (rounds === 0) return;
  const state = new Map(socks.map((s) => [s, { left: rounds, parts: [], got: 0, sentAt: 0 }]));
  const sendNext = (s, st) => {
    st.sentAt = now();
    sendAll(s, message);
  };
  for (const [s, st] of state) sendNext(s, st);
  while (state.size > 0) {
    const ready = [...state.keys()];
    if (ns.selectRead(ready, 10_000) === 0) throw new Error('many: no echo for 10 s');
    for (const s of ready) {
      const st = state.get(s);
      const got = ns.recv(s, MESSAGE - st.got);
      if (got.length === 0) throw new Error('many: end of stream');
      st.parts.push(got);
      st.got += got.length;
      if (st.got < MESSAGE) continue;
      if (!Buffer.concat(st.parts).equals(message)) throw new Error('many: wrong bytes back');
      latencies?.push(now() - st.sentAt);
      st.parts = [];
      st.got = 0;
      if (--st.left === 0) state.delete(s);
      else sendNext(s, st);
    }
  }
}

function openMany(host, port) {
  const socks = [];
  for (let i = 0; i < MANY; i++) socks.push(connectTcp(host, port));
  return socks;
}

function many(host, port, amount) {
  const socks = openMany(host, port);
  manyRounds(socks, Math.floor(amount / 10), null);
  const latencies = [];
  const clock = startClock();
  manyRounds(socks, amount, latencies);
  const timed = stopClock(clock);
  for (const s of socks) ns.close(s);
  return { ops: MANY * amount, bytes: 0, ...timed, p99us: p99us(latencies) };
}


function churn(host, port, amount) {
  phase('before');
  const clock = startClock();
  for (let i = 0; i < amount; i++) connectOnce(host, port);
  const timed = stopClock(clock);
  phase('after');
  return { ops: amount, bytes: 0, ...timed };
}

function open(host, port) {
  phase('before');
  const clock = startClock();
  const socks = openMany(host, port);
  manyRounds(socks, 1, null);
  const timed = stopClock(clock);
  phase('after');
  for (const s of socks) ns.close(s);
  return { ops: MANY, bytes: 0, ...timed };
}

await runClient({ recv, many, churn, open }, {
  setUp: () => ns.init(), tearDown: () => ns.closeHost(),
});
