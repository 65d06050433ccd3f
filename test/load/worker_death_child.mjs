// One blocked call whose host worker dies under it, in a process of its own
// (a call that never returns must not hang the test runner):
//
//   node test/load/worker_death_child.mjs CALL KILL PORT
//
// CALL: recv (nothing arrives), accept (nobody connects), send (the peer
// at PORT reads nothing, so the buffers are full) or select (selectRead
// with no timeout). KILL: exit (the worker exits by itself 500 ms into the
// call: SocketHost.debug('exit')) or terminate (worker.terminate() from the
// guest's thread, just before the call). Prints one JSON line: { code,
// afterDeathMs } — the error the call ended with and how long after the
// worker's death — or { returned } when the call returned instead.
import * as ns from '../../js/index.js';

const [call, kill, port] = process.argv.slice(2);
const EXIT_AFTER_MS = 500;

function connected() {
  const sock = ns.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM, ns.IPPROTO_TCP);
  ns.connect(sock, { address: '127.0.0.1', port: Number(port) });
  return sock;
}

// Fills the kernel's buffers and the host's ring without blocking, so the
// next blocking send waits.
function filled(sock) {
  ns.setBlocking(sock, false);
  const chunk = Buffer.alloc(64 * 1024, 1);
  for (let i = 0; i < 100_000; i++) {
    try {
      ns.send(sock, chunk);
    } catch (err) {
      if (err.code === 'EAGAIN' || err.code === 'EWOULDBLOCK') break;
      throw err;
    }
  }
  ns.setBlocking(sock, true);
  return sock;
}

// Sets up the call; returns the blocking call itself.
function prepare() {
  switch (call) {
    case 'recv': {
      const sock = connected();
      return () => ns.recv(sock, 1024);
    }
    case 'accept': {
      const server = ns.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM, ns.IPPROTO_TCP);
      ns.bindAddr(server, { address: '127.0.0.1', port: 0 });
      ns.listen(server, 8);
      return () => ns.accept(server);
    }
    case 'send': {
      const sock = filled(connected());
      const chunk = Buffer.alloc(1024 * 1024, 2);
      return () => { for (;;) ns.send(sock, chunk); };
    }
    case 'select': {
      const sock = connected();
      return () => ns.selectRead([sock], -1);
    }
    default:
      throw new Error(`no call ${call}`);
  }
}

ns.init();
const blockingCall = prepare();
const host = ns.getHost();
let deathAt;
if (kill === 'exit') {
  host.debug('exit', { afterMs: EXIT_AFTER_MS });
  deathAt = performance.now() + EXIT_AFTER_MS;
} else {
  host.worker.terminate();
  deathAt = performance.now();
}
let outcome;
try {
  outcome = { returned: String(blockingCall()) };
} catch (err) {
  outcome = { code: err.code ?? String(err), afterDeathMs: Math.round(performance.now() - deathAt) };
}
console.log(JSON.stringify(outcome));
process.exit(0);
