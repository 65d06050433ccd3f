// The network worker: owns every Node socket of one host and answers the
// guest's requests. It must survive anything the guest sends: each handler's
// failure becomes an error reply, and an 'exit' of any kind marks the
// control block dead so no guest waits for a worker that is gone.
import { workerData } from 'node:worker_threads';
import { WorkerChannel } from '../channel.js';
import { E, ENDPOINT, OP } from '../abi.js';
import { errnoFromNode } from '../errno.js';
import { F_KICKED, H_FLAGS } from '../layout.js';
import { WorkerPool } from '../pool.js';
import { StreamEndpoint } from './streams.js';
import { DatagramEndpoint } from './datagrams.js';
import { nameInfo, resolve } from './resolver.js';

const ctrl = new Int32Array(workerData.control);
const endpoints = new Map();
// A slot id the guest names may be in a chunk whose announcement is still
// in the message queue: take the queue first.
const pool = new WorkerPool(() => channel.drain());

// Stream endpoints whose kernel descriptor the guest may write to.
const published = new Set();

// Closed stream sockets still handing their bytes to the kernel, and the
// host's exit waiting for them.
const lingering = new Set();
let finishing = [];

const hub = {
  event: () => channel.event(),
  published,
  lingering,
  lingerDone: () => {
    if (lingering.size === 0) for (const reply of finishing.splice(0)) reply({ errno: 0 });
  },
  register: (ep) => endpoints.set(ep.id, ep),
  unregister: (ep) => {
    if (endpoints.get(ep.id) === ep) endpoints.delete(ep.id);
  },
  pool,
};

function open(msg) {
  const views = pool.views(msg.id);
  if (views === null) return;
  const ep = msg.type === ENDPOINT.STREAM
    ? new StreamEndpoint(msg.id, views, msg.family, hub)
    : new DatagramEndpoint(msg.id, views, msg.family, hub);
  endpoints.set(msg.id, ep);
  for (const [name, value] of Object.entries(msg.options ?? {})) ep.setOption(name, value);
}

// Operations that answer; each gets `reply(body)` exactly once.
const requests = {
  [OP.BIND]: (ep, msg, reply) => ep.bind(msg.addr, reply),
  [OP.LISTEN]: (ep, msg, reply) => ep.listen(msg.backlog, reply),
  [OP.CONNECT]: (ep, msg, reply) => ep.connect(msg.addr, reply), // datagram sockets
  // A datagram socket's option must be in force before its next send,
  // which reaches the worker as a kick, apart from messages.
  [OP.SET_OPTION]: (ep, msg, reply) => {
    ep.setOption(msg.name, msg.value);
    reply({ errno: 0 });
  },
  [OP.MEMBERSHIP]: (ep, msg, reply) => (ep.membership ? ep.membership(msg, reply) : reply({ errno: E.NOPROTOOPT })),
  // Asked (rather than told) for a socket holding an address: the answer
  // comes once the kernel socket is closed, so a bind that follows finds
  // the address free, as after close(2).
  [OP.CLOSE]: (ep, msg, reply) => {
    ep.close(msg.reset);
    reply({ errno: 0 });
  },
};

// Operations that do not answer: a failure is the socket's error.
const notices = {
  [OP.SHUTDOWN]: (ep, msg) => ep.shutdown(msg.how),
  [OP.OPTION]: (ep, msg) => ep.setOption(msg.name, msg.value),
  [OP.DIAL]: (ep, msg) => ep.connect(msg.addr), // stream sockets
  [OP.CLOSE]: (ep, msg) => ep.close(msg.reset),
};

function handle(msg) {
  // Once only: a late second answer would be taken for another request's.
  let answered = false;
  const reply = (body) => {
    if (answered) return;
    answered = true;
    channel.reply(msg.seq, body);
  };
  try {
    if (msg.open !== undefined) open(msg.open); // a socket's first message opens it
    switch (msg.op) {
      case OP.OPEN: return open(msg);
      case OP.CHUNK: return pool.addChunk(msg.number, msg.sab);
      case OP.RESOLVE: return resolve(msg, reply);
      case OP.NAME_INFO: return nameInfo(msg, reply);
      case OP.DEBUG: return debug(msg, reply);
      case OP.PING: return reply({ errno: 0 });
      case OP.FINISH: return finish(reply);
      default: break;
    }
    const ep = endpoints.get(msg.id);
    if (msg.seq !== undefined) {
      if (!ep || !(msg.op in requests)) return reply({ errno: E.BADF });
      return requests[msg.op](ep, msg, reply);
    }
    if (msg.op in notices && ep) notices[msg.op](ep, msg);
  } catch (err) {
    if (msg.seq !== undefined) reply({ errno: errnoFromNode(err), eai: 3 });
    else endpoints.get(msg.id)?.fail?.(errnoFromNode(err));
  }
}

// The guest has exited: close what it left open as its exit would (unread
// data resets), and answer once every closed socket has handed what send()
// took to the kernel (each within its linger time).
function finish(reply) {
  channel.takeKicks();
  for (const ep of [...endpoints.values()]) ep.close(ep.hasUnread ? ep.hasUnread() : false);
  if (lingering.size === 0) reply({ errno: 0 });
  else finishing.push(reply);
}

// Hooks the tests use to prove a dead worker never hangs its guest.
function debug(msg, reply) {
  if (msg.what === 'exit') {
    reply({ errno: 0 });
    setTimeout(() => process.exit(1), msg.afterMs ?? 0);
  } else if (msg.what === 'ignore') {
    // never answered: a wedged worker, as the guest's deadline sees it
  } else if (msg.what === 'count') {
    // Connections listeners hold for the guest, with a slot or waiting.
    // and received bytes held for full rings.
    let held = 0, heldBytes = 0;
    for (const ep of endpoints.values()) {
      held += (ep.accepted?.size ?? 0) + (ep.waiting?.length ?? 0);
      heldBytes += ep.pendingBytes ?? 0;
    }
    reply({ errno: 0, endpoints: endpoints.size, held, heldBytes });
  } else reply({ errno: E.INVAL });
}

// A kick for a socket already closed (or whose slot is reused) is harmless:
// kicking only means "look at the rings".
function kick(id) {
  const ep = endpoints.get(id);
  if (!ep) return;
  Atomics.and(ep.hdr, H_FLAGS, ~F_KICKED);
  ep.kick();
}

const channel = new WorkerChannel(ctrl, workerData.port, {
  request: handle,
  kick,
  kickAll: () => {
    for (const id of endpoints.keys()) kick(id);
  },
});

// The descriptors close with this thread: revoke each (waiting out a write
// the guest has under way) before saying so.
process.on('exit', () => {
  for (const ep of published) ep.revokeDescriptor();
  channel.die();
});
process.on('uncaughtException', () => {
  // A socket's asynchronous failure that escaped its handlers: the worker
  // stays up; the affected socket has already been given its error.
});
channel.start();
