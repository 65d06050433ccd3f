// The benchmark client on the npm package's JS API (js/index.js: the C
// library compiled to wasm, under the host). Its calls block as C's do, so
// this is bench/client.c written in JS, call for call.
//
//   node bench/client_jsapi.mjs TEST HOST PORT AMOUNT
//
// prints one JSON line as the C clients do (bench/client_common.mjs).
import * as ns from '../js/index.js';
import {
  CHUNK, MESSAGE, message, now, runClient, timedCalls, warmThenTime,
} from './client_common.mjs';
import { connectOnce, connectTcp, sendAll } from './jsapi_common.mjs';

function recvExactly(sock, length) {
  const parts = [];
  for (let left = length; left > 0;) {
    const got = ns.recv(sock, left);
    if (got.length === 0) throw new Error('recv: end of stream');
    parts.push(got);
    left -= got.length;
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}

function echoRounds(sock, rounds) {
  for (let i = 0; i < rounds; i++) {
    sendAll(sock, message);
    recvExactly(sock, MESSAGE);
  }
}

function sendBytes(sock, chunk, total) {
  for (let left = total; left > 0; left -= CHUNK) {
    sendAll(sock, left < CHUNK ? chunk.subarray(0, left) : chunk);
  }
}


function udpRounds(sock, host, port, rounds) {
  for (let i = 0; i < rounds; i++) {
    ns.sendTo(sock, message, { address: host, port });
    if (ns.recvFrom(sock, MESSAGE).data.length !== MESSAGE) throw new Error('recvfrom: short');
  }
}

const tests = {
  echo(host, port, amount) {
    const sock = connectTcp(host, port);
    const result = warmThenTime(amount, (n) => echoRounds(sock, n));
    ns.close(sock);
    return result;
  },
  bulk(host, port, amount) {
    const chunk = Buffer.alloc(CHUNK, 'x');
    const warm = Math.floor(amount / 10);
    const sock = connectTcp(host, port);
    sendBytes(sock, chunk, warm);
    const start = now();
    sendBytes(sock, chunk, amount);
    ns.shutdown(sock, ns.SHUT_WR);
    const answer = recvExactly(sock, 8);
    const seconds = now() - start;
    ns.close(sock);
    if (Number(answer.readBigUInt64LE(0)) !== warm + amount) {
      throw new Error('the sink counted a different number of bytes');
    }
    return { ops: amount / CHUNK, bytes: amount, seconds };
  },
  connect(host, port, amount) {
    return warmThenTime(amount, (n) => {
      for (let i = 0; i < n; i++) connectOnce(host, port);
    });
  },
  udp(host, port, amount) {
    const sock = ns.createNativeSocket(ns.AF_INET, ns.SOCK_DGRAM, ns.IPPROTO_UDP);
    ns.bindAddr(sock, { address: '127.0.0.1', port: 0 }); // as every client does
    const result = warmThenTime(amount, (n) => udpRounds(sock, host, port, n));
    ns.close(sock);
    return result;
  },
  gai(host, port, amount) {
    const call = () => ns.getAddrInfo('localhost', 0, ns.AF_UNSPEC, ns.SOCK_STREAM, ns.IPPROTO_TCP);
    return timedCalls(call, amount);
  },
  serv(host, port, amount) {
    const call = () => {
      if (ns.getServByName('http', 'tcp').port !== 80) throw new Error('no http/tcp');
    };
    return timedCalls(call, amount);
  },
  sockopt(host, port, amount) {
    const sock = ns.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM, ns.IPPROTO_TCP);
    const stream = ns.toInt(ns.SOCK_STREAM, 'sockType');
    const result = warmThenTime(amount, (n) => {
      for (let i = 0; i < n; i++) {
        if (ns.getSockOptInt(sock, ns.SOL_SOCKET, ns.SO_TYPE) !== stream) throw new Error('SO_TYPE');
      }
    });
    ns.close(sock);
    return result;
  },
};

await runClient(tests, { setUp: () => ns.init(), tearDown: () => ns.closeHost() });
