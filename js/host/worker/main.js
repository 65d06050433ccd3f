// The network worker: owns every Node socket of one host and answers the
// guest's requests. It must survive anything the guest sends: each handler's
// failure becomes an error reply, and an 'exit' of any kind marks the
// control block dead so no guest waits for a worker that is gone.
import { workerData } from 'node:worker_threads';
import { WorkerChannel } from '../channel.js';
import { E, errnoFromNode } from '../errno.js';
import { F_KICKED, H_FLAGS } from '../layout.js';
import { StreamEndpoint } from './streams.js';
import { DatagramEndpoint } from './datagrams.js';
import { nameInfo, resolve } from './resolver.js';

const ctrl = new Int32Array(workerData.control);
const endpoints = new Map();
let lastAcceptedId = 0x40000000; // the guest numbers its own sockets below this

const hub = {
  event: () => channel.event(),
  notice: (msg) => channel.notice(msg),
  register: (ep) => endpoints.set(ep.id, ep),
  unregister: (ep) => endpoints.delete(ep.id),
  nextId: () => ++lastAcceptedId,
  endpointsOf: (listener) => [...endpoints.values()].filter((ep) => ep.listener === listener),
};

function open(msg) {
  const ep = msg.type === 'stream'
    ? new StreamEndpoint(msg.id, msg.header, msg.family, hub)
    : new DatagramEndpoint(msg.id, msg.header, msg.data, msg.rxCap, msg.family, hub);
  endpoints.set(msg.id, ep);
  for (const [name, value] of Object.entries(msg.options || {})) ep.setOption(name, value);
  // Kicks travel apart from messages: one sent right after socket() (a
  // sendto on an unbound UDP socket) can arrive before this 'open' and find
  // no endpoint. The guest's kicked flag says so; answer it now.
  if (Atomics.load(ep.hdr, H_FLAGS) & F_KICKED) kick(msg.id);
}

// Operations that answer; each gets `reply(body)` exactly once.
const requests = {
  bind: (ep, msg, reply) => ep.bind(msg.addr, reply),
  listen: (ep, msg, reply) => ep.listen(reply),
  connect: (ep, msg, reply) => ep.connect(msg.addr, reply),
  // A datagram socket's option must be in force before its next send,
  // which reaches the worker as a kick, apart from messages.
  setOption: (ep, msg, reply) => {
    ep.setOption(msg.name, msg.value);
    reply({ errno: 0 });
  },
  membership: (ep, msg, reply) => (ep.membership ? ep.membership(msg, reply) : reply({ errno: E.NOPROTOOPT })),
  // Answered once the kernel socket is closed (or its orderly close has
  // begun), so what the guest does next sees it closed, as after close(2).
  close: (ep, msg, reply) => {
    ep.close(msg.reset);
    reply({ errno: 0 });
  },
};

// Operations that do not answer.
const notices = {
  shutdown: (ep, msg) => ep.shutdown(msg.how),
  option: (ep, msg) => ep.setOption(msg.name, msg.value),
};

function handle(msg) {
  const reply = (body) => channel.reply(msg.seq, body);
  try {
    switch (msg.op) {
      case 'open': return open(msg);
      case 'resolve': return resolve(msg, reply);
      case 'nameinfo': return nameInfo(msg, reply);
      case 'debug': return debug(msg, reply);
      case 'ping': return reply({ errno: 0 });
      default: break;
    }
    const ep = endpoints.get(msg.id);
    if (msg.op in requests) {
      if (!ep) return reply({ errno: E.BADF });
      return requests[msg.op](ep, msg, reply);
    }
    if (msg.op in notices && ep) notices[msg.op](ep, msg);
  } catch (err) {
    if (msg.seq !== undefined) reply({ errno: errnoFromNode(err), eai: 3 });
  }
}

// Hooks the tests use to prove a dead worker never hangs its guest.
function debug(msg, reply) {
  if (msg.what === 'exit') {
    reply({ errno: 0 });
    setTimeout(() => process.exit(1), msg.afterMs ?? 0);
  } else if (msg.what === 'count') {
    reply({ errno: 0, endpoints: endpoints.size });
  } else reply({ errno: E.INVAL });
}

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

process.on('exit', () => channel.die());
process.on('uncaughtException', () => {
  // A socket's asynchronous failure that escaped its handlers: the worker
  // stays up; the affected socket has already been given its error.
});
channel.start();
