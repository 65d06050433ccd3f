// The benchmark client on Node's own net, dgram and dns: what a Node user
// would otherwise write. Idiomatic and fast: callbacks, no promise per
// round trip, writes that respect backpressure.
//
//   node bench/client_node.mjs TEST HOST PORT AMOUNT
//
// prints one JSON line as the C clients do (bench/client_common.mjs), after
// the same untimed warm-up of a tenth of the work.
import dgram from 'node:dgram';
import dns from 'node:dns';
import fs from 'node:fs';
import net from 'node:net';
import {
  CHUNK, MESSAGE, message, now, p99us, phase, runClient, startClock, stopClock, timedCalls,
  warmThenTimeAsync,
} from './client_common.mjs';

const MANY = 1000; // connections of "many" and "open"

function connectTcp(host, port) {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host, port, noDelay: true });
    sock.once('connect', () => resolve(sock));
    sock.once('error', reject);
  });
}

// `rounds` writes of 64 bytes, each after the whole previous echo came back.
function echoRounds(sock, rounds) {
  return new Promise((resolve, reject) => {
    let done = 0;
    let pending = MESSAGE;
    const onData = (chunk) => {
      pending -= chunk.length;
      if (pending > 0) return;
      pending = MESSAGE;
      if (++done === rounds) {
        sock.off('data', onData);
        resolve();
      } else {
        sock.write(message);
      }
    };
    sock.on('data', onData);
    sock.once('error', reject);
    if (rounds === 0) resolve();
    else sock.write(message);
  });
}

async function echo(host, port, amount) {
  const sock = await connectTcp(host, port);
  const result = await warmThenTimeAsync(amount, (n) => echoRounds(sock, n));
  sock.destroy();
  return result;
}

// Writes `total` bytes in 64 KiB writes, waiting for 'drain' when write()
// says the buffer is full.
function sendBytes(sock, chunk, total) {
  return new Promise((resolve) => {
    let left = total;
    const pump = () => {
      while (left > 0) {
        const piece = left < CHUNK ? chunk.subarray(0, left) : chunk;
        left -= piece.length;
        if (!sock.write(piece) && left > 0) {
          sock.once('drain', pump);
          return;
        }
      }
      resolve();
    };
    pump();
  });
}

async function bulk(host, port, amount) {
  const chunk = Buffer.alloc(CHUNK, 'x');
  const warm = Math.floor(amount / 10);
  const sock = await connectTcp(host, port);
  const answer = new Promise((resolve, reject) => {
    const parts = [];
    sock.on('data', (d) => parts.push(d));
    sock.on('end', () => resolve(Buffer.concat(parts)));
    sock.on('error', reject);
  });
  await sendBytes(sock, chunk, warm);
  const clock = startClock();
  await sendBytes(sock, chunk, amount);
  sock.end();
  const counted = await answer;
  const timed = stopClock(clock);
  if (counted.length !== 8 || Number(counted.readBigUInt64LE(0)) !== warm + amount) {
    throw new Error('the sink counted a different number of bytes');
  }
  return { ops: amount / CHUNK, bytes: amount, ...timed };
}

// The source sends what it is asked for and closes. Node reads in its own
// 64 KiB reads; the 'data' handler only counts, as the C clients' recv loop.
async function recv(host, port, amount) {
  const warm = Math.floor(amount / 10);
  const sock = await connectTcp(host, port);
  const request = Buffer.alloc(8);
  request.writeBigUInt64LE(BigInt(warm + amount));
  let got = 0;
  let clock = null;
  let timed = null;
  await new Promise((resolve, reject) => {
    sock.on('data', (d) => {
      got += d.length;
      if (clock === null && got >= warm) {
        clock = startClock();
        got -= warm;
      }
    });
    sock.on('end', () => {
      timed = stopClock(clock ?? startClock());
      resolve();
    });
    sock.on('error', reject);
    sock.write(request);
  });
  sock.destroy();
  if (got !== amount) throw new Error('recv: a different number of bytes');
  return { ops: amount / CHUNK, bytes: amount, ...timed };
}

// MANY connections, each doing `rounds` 64-byte round trips at once; the
// event loop is Node's poll. Every echo is checked and its round trip kept.
function manyRounds(socks, rounds, latencies) {
  if (rounds === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    let active = socks.length;
    for (const sock of socks) {
      let left = rounds;
      let parts = [];
      let got = 0;
      let sentAt = now();
      const onData = (d) => {
        parts.push(d);
        got += d.length;
        if (got < MESSAGE) return;
        const back = parts.length === 1 ? parts[0] : Buffer.concat(parts);
        if (got !== MESSAGE || !back.equals(message)) return reject(new Error('many: wrong bytes back'));
        latencies?.push(now() - sentAt);
        parts = [];
        got = 0;
        if (--left === 0) {
          sock.off('data', onData);
          if (--active === 0) resolve();
          return;
        }
        sentAt = now();
        sock.write(message);
      };
      sock.on('data', onData);
      sock.write(message);
    }
  });
}

async function openMany(host, port) {
  const socks = [];
  for (let i = 0; i < MANY; i++) {
    const sock = await connectTcp(host, port);
    sock.on('error', (err) => { throw err; });
    socks.push(sock);
  }
  return socks;
}

async function many(host, port, amount) {
  const socks = await openMany(host, port);
  await manyRounds(socks, Math.floor(amount / 10), null);
  const latencies = [];
  const clock = startClock();
  await manyRounds(socks, amount, latencies);
  const timed = stopClock(clock);
  for (const sock of socks) sock.destroy();
  return { ops: MANY * amount, bytes: 0, ...timed, p99us: p99us(latencies) };
}

// `amount` connections in a row, the RSS read before and after.
async function churn(host, port, amount) {
  phase('before');
  const clock = startClock();
  await connections(host, port, amount);
  const timed = stopClock(clock);
  phase('after');
  return { ops: amount, bytes: 0, ...timed };
}

// MANY connections open at once, each with one echo done.
async function open(host, port) {
  phase('before');
  const clock = startClock();
  const socks = await openMany(host, port);
  await manyRounds(socks, 1, null);
  const timed = stopClock(clock);
  phase('after');
  for (const sock of socks) sock.destroy();
  return { ops: MANY, bytes: 0, ...timed };
}

// `count` connections one after the other: connect, see the peer's close,
// close.
function connections(host, port, count) {
  return new Promise((resolve, reject) => {
    let done = 0;
    const next = () => {
      if (done === count) return resolve();
      const sock = net.connect({ host, port });
      sock.on('error', reject);
      sock.on('end', () => {
        sock.destroy();
        done++;
        next();
      });
      sock.resume();
    };
    next();
  });
}

function connect(host, port, amount) {
  return warmThenTimeAsync(amount, (n) => connections(host, port, n));
}

function udpRounds(sock, host, port, rounds) {
  return new Promise((resolve, reject) => {
    let done = 0;
    const onMessage = () => {
      if (++done === rounds) {
        sock.off('message', onMessage);
        resolve();
      } else {
        sock.send(message, port, host);
      }
    };
    sock.on('message', onMessage);
    sock.once('error', reject);
    if (rounds === 0) resolve();
    else sock.send(message, port, host);
  });
}

async function udp(host, port, amount) {
  const sock = dgram.createSocket('udp4');
  // Bound first, as every client does (see bench/README.md).
  await new Promise((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const result = await warmThenTimeAsync(amount, (n) => udpRounds(sock, host, port, n));
  sock.close();
  return result;
}

// Calls `call(done)` one after the other for `ms` milliseconds.
function runFor(call, ms) {
  return new Promise((resolve, reject) => {
    const clock = startClock();
    const end = clock.wall + ms / 1000;
    let ops = 0;
    const done = (err) => {
      if (err) return reject(err);
      ops++;
      if (now() >= end) resolve({ ops, bytes: 0, ...stopClock(clock) });
      else call(done);
    };
    call(done);
  });
}

async function timed(call, amount) {
  await runFor(call, amount / 10);
  return runFor(call, amount);
}

// getaddrinfo("localhost"): dns.lookup, every address, as the C clients ask.
const lookupLocalhost = (done) => dns.lookup('localhost', { all: true }, done);

// getservbyname("http", "tcp"). Node has none; the closest a Node program
// gets to the system's services database is reading /etc/services, and this
// does what the C library's call does: read the file at every call (a
// blocking call, as in C) and stop at the first matching line.
function servicePort(text, name, proto) {
  for (let start = 0; start < text.length;) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const fields = text.slice(start, end).replace(/#.*/, '').trim().split(/\s+/);
    start = end + 1;
    if (fields.length < 2) continue;
    const [port, protocol] = fields[1].split('/');
    if (protocol === proto && (fields[0] === name || fields.slice(2).includes(name))) {
      return Number(port);
    }
  }
  return -1;
}

const serviceHttp = () => {
  if (servicePort(fs.readFileSync('/etc/services', 'latin1'), 'http', 'tcp') !== 80) {
    throw new Error('no http/tcp');
  }
};

// The same question answered from a table read once: what a program that
// asks often would keep. Reported on its own row, for Node only.
let services = null;
const serviceHttpCached = () => {
  services ??= new Map(fs.readFileSync('/etc/services', 'latin1').split('\n').flatMap((line) => {
    const fields = line.replace(/#.*/, '').trim().split(/\s+/);
    if (fields.length < 2) return [];
    const [port, proto] = fields[1].split('/');
    return [fields[0], ...fields.slice(2)].map((n) => [`${n}/${proto}`, Number(port)]);
  }).reverse());
  if (services.get('http/tcp') !== 80) throw new Error('no http/tcp');
};

const tests = {
  echo,
  bulk,
  recv,
  many,
  churn,
  open,
  connect,
  udp,
  gai: (host, port, amount) => timed(lookupLocalhost, amount),
  serv: (host, port, amount) => timedCalls(serviceHttp, amount),
  serv_cached: (host, port, amount) => timedCalls(serviceHttpCached, amount),
};

await runClient(tests, {
  unsupported: (test) => (test === 'sockopt' ? "Node's net has no getsockopt" : 'no such test'),
});
