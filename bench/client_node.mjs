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
  CHUNK, MESSAGE, message, now, runClient, timedCalls, warmThenTimeAsync,
} from './client_common.mjs';

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
  const start = now();
  await sendBytes(sock, chunk, amount);
  sock.end();
  const counted = await answer;
  const seconds = now() - start;
  if (counted.length !== 8 || Number(counted.readBigUInt64LE(0)) !== warm + amount) {
    throw new Error('the sink counted a different number of bytes');
  }
  return { ops: amount / CHUNK, bytes: amount, seconds };
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
    const start = now();
    const end = start + ms / 1000;
    let ops = 0;
    const done = (err) => {
      if (err) return reject(err);
      ops++;
      const t = now();
      if (t >= end) resolve({ ops, bytes: 0, seconds: t - start });
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
  connect,
  udp,
  gai: (host, port, amount) => timed(lookupLocalhost, amount),
  serv: (host, port, amount) => timedCalls(serviceHttp, amount),
  serv_cached: (host, port, amount) => timedCalls(serviceHttpCached, amount),
};

await runClient(tests, {
  unsupported: (test) => (test === 'sockopt' ? "Node's net has no getsockopt" : 'no such test'),
});
