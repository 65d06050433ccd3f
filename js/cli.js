#!/usr/bin/env node
// The `nativesockets` command: the JS API (the C library compiled to wasm)
// at work from a shell. Exit codes: 0 success, 1 a failed lookup or network
// error, 2 a usage error.
import { parseArgs } from 'node:util';
import {
  AF_INET, AF_INET6, AF_UNSPEC, NativeSocketsError, SOCK_STREAM, SHUT_WR, accept, bindAddr, close,
  closeHost, connect, createNativeSocket, getAddrInfo, getHostname, getLocalAddr, getProtoByName,
  getServByName, getServByPort, listen, recv, selectRead, selectWrite, send, setBlocking, setSockOptInt,
  SOL_SOCKET, SO_REUSEADDR, shutdown, version,
} from './index.js';
import { runCommand } from './host/runner.js';

const USAGE = `Usage: nativesockets <command> [arguments]

Commands:
  run [options] app.wasm [args...]      run a WASI program with sockets
                                        (nativesockets run --help)
  lookup <host> [--family 4|6]          addresses of a host name (getAddrInfo)
  serv <name|port> [tcp|udp]            a services-database entry
  proto <name>                          a protocol number (getProtoByName)
  hostname                              this machine's host name
  echo-server [--port N] [--host H] [--once]
                                        echo every TCP connection back; prints
                                        "listening on HOST:PORT" first
  echo-client <host> <port> <message>   send a message to an echo server and
                                        print the answer

Options:
  -h, --help                            this text
  -v, --version                         the library's version

Exit codes: 0 success, 1 lookup or network failure, 2 usage error.`;

class UsageError extends Error {}

function usage(message) {
  throw new UsageError(message);
}

function parse(argv, options, { min, max }) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    usage(e.message);
  }
  const n = parsed.positionals.length;
  if (n < min) usage('missing arguments');
  if (n > max) usage(`unexpected argument: ${parsed.positionals[max]}`);
  return parsed;
}

function portNumber(text, what = 'port') {
  if (!/^\d+$/.test(text) || Number(text) > 65535) usage(`${what} must be a number from 0 to 65535: ${text}`);
  return Number(text);
}

// NI_MAXHOST: no host name or address text is longer.
const MAX_HOST = 1024;

function hostArg(text) {
  const n = Buffer.byteLength(text);
  if (n === 0) usage('empty host name');
  if (n > MAX_HOST) usage(`host name too long: ${n} bytes (at most ${MAX_HOST})`);
  return text;
}

const FAMILY_NAMES = { [AF_INET]: 'IPv4', [AF_INET6]: 'IPv6' };

function lookup(argv) {
  const { values, positionals } = parse(argv, { family: { type: 'string' } }, { min: 1, max: 1 });
  let domain = AF_UNSPEC;
  if (values.family !== undefined) {
    if (values.family === '4') domain = AF_INET;
    else if (values.family === '6') domain = AF_INET6;
    else usage(`--family must be 4 or 6: ${values.family}`);
  }
  const seen = new Set();
  for (const ai of getAddrInfo(hostArg(positionals[0]), 0, domain, SOCK_STREAM)) {
    if (seen.has(ai.address)) continue;
    seen.add(ai.address);
    console.log(`${ai.address}\t${FAMILY_NAMES[ai.family] ?? ai.family}`);
  }
}

function serv(argv) {
  const { positionals } = parse(argv, {}, { min: 1, max: 2 });
  const [what, proto] = positionals;
  if (proto !== undefined && proto !== 'tcp' && proto !== 'udp') usage(`protocol must be tcp or udp: ${proto}`);
  const ent = /^\d+$/.test(what) ? getServByPort(portNumber(what), proto) : getServByName(what, proto);
  const aliases = ent.aliases.length > 0 ? `\t${ent.aliases.join(' ')}` : '';
  console.log(`${ent.name}\t${ent.port}/${ent.proto}${aliases}`);
}

function proto(argv) {
  const { positionals } = parse(argv, {}, { min: 1, max: 1 });
  console.log(String(getProtoByName(positionals[0])));
}

function hostname(argv) {
  parse(argv, {}, { min: 0, max: 0 });
  console.log(getHostname());
}

function sendAll(sock, data) {
  let off = 0;
  while (off < data.length) off += send(sock, data.subarray(off));
}

function serverFamily(host) {
  return host.includes(':') ? AF_INET6 : AF_INET;
}

function wouldBlock(e) {
  return e instanceof NativeSocketsError && (e.code === 'EAGAIN' || e.code === 'EWOULDBLOCK');
}

// One client of the echo server: what it sent that is not yet echoed back.
class EchoClient {
  constructor(socket, address) {
    this.socket = socket;
    this.address = address;
    this.unsent = null;
    this.total = 0;
    this.finished = false;
  }

  // Reads what has arrived and echoes it; false once the client is done.
  serve() {
    const chunk = recv(this.socket, 65536);
    if (chunk.length === 0) {
      this.finished = true;
      return this.flush();
    }
    this.total += chunk.length;
    this.unsent = chunk;
    return this.flush();
  }

  // Sends what it can without blocking; false once done and flushed.
  flush() {
    while (this.unsent !== null) {
      let n;
      try {
        n = send(this.socket, this.unsent);
      } catch (e) {
        if (wouldBlock(e)) return true;
        throw e;
      }
      this.unsent = n < this.unsent.length ? this.unsent.subarray(n) : null;
    }
    return !this.finished;
  }
}

// Every client is served as its data arrives (non-blocking sockets and
// select), so an idle client stalls no other.
function echoServer(argv) {
  const { values } = parse(argv, {
    port: { type: 'string' }, host: { type: 'string' }, once: { type: 'boolean' },
  }, { min: 0, max: 0 });
  const port = values.port === undefined ? 0 : portNumber(values.port);
  const host = hostArg(values.host ?? '127.0.0.1');
  const server = createNativeSocket(serverFamily(host), SOCK_STREAM);
  const clients = new Map();
  try {
    setSockOptInt(server, SOL_SOCKET, SO_REUSEADDR, 1);
    bindAddr(server, { address: host, port });
    listen(server);
    setBlocking(server, false);
    const local = getLocalAddr(server);
    const shown = local.address.includes(':') ? `[${local.address}]` : local.address;
    console.log(`listening on ${shown}:${local.port}`);
    for (;;) {
      const writing = [...clients.values()].filter((c) => c.unsent !== null).map((c) => c.socket);
      if (writing.length > 0) selectWrite(writing, 0);
      for (const sock of writing) step(clients, sock, (c) => c.flush());
      const reading = [server, ...[...clients.values()].filter((c) => c.unsent === null).map((c) => c.socket)];
      selectRead(reading, writing.length > 0 ? 5 : 1000);
      for (const sock of reading) {
        if (sock === server) acceptAll(server, clients);
        else if (step(clients, sock, (c) => c.serve()) && values.once) return;
      }
    }
  } finally {
    for (const c of clients.values()) close(c.socket);
    close(server);
  }
}

function acceptAll(server, clients) {
  for (;;) {
    let accepted;
    try {
      accepted = accept(server);
    } catch (e) {
      if (wouldBlock(e)) return;
      throw e;
    }
    setBlocking(accepted.socket, false);
    clients.set(accepted.socket, new EchoClient(accepted.socket, accepted.address));
  }
}

// Runs `work` on a client; closes it when done or failed. True when the
// client is finished.
function step(clients, sock, work) {
  const client = clients.get(sock);
  let more;
  try {
    more = work(client);
  } catch (e) {
    if (wouldBlock(e)) return false;
    if (!(e instanceof NativeSocketsError)) throw e;
    console.error(`nativesockets: ${client.address}: ${e.message}`);
    more = false;
  }
  if (more) return false;
  clients.delete(sock);
  close(sock);
  console.error(`echoed ${client.total} bytes to ${client.address}`);
  return true;
}

function echoClient(argv) {
  const { positionals } = parse(argv, {}, { min: 3, max: 3 });
  const [host, portText, message] = positionals;
  const port = portNumber(portText);
  const families = getAddrInfo(hostArg(host), port, AF_UNSPEC, SOCK_STREAM);
  let lastError;
  for (const ai of families) {
    const sock = createNativeSocket(ai.family, SOCK_STREAM);
    try {
      connect(sock, ai.address, port);
      sendAll(sock, Buffer.from(message));
      shutdown(sock, SHUT_WR);
      const parts = [];
      for (;;) {
        const chunk = recv(sock, 65536);
        if (chunk.length === 0) break;
        parts.push(chunk);
      }
      process.stdout.write(Buffer.concat(parts).toString() + '\n');
      return;
    } catch (e) {
      if (!(e instanceof NativeSocketsError)) throw e;
      lastError = e;
    } finally {
      close(sock);
    }
  }
  throw lastError;
}

const COMMANDS = {
  lookup, serv, proto, hostname, 'echo-server': echoServer, 'echo-client': echoClient,
};

async function main(argv) {
  const [command, ...rest] = argv;
  // The runner's arguments after app.wasm are the guest's, -h included.
  if (command === 'run') return runCommand(rest);
  try {
    if (command === undefined) usage('no command given');
    if (command === '-h' || command === '--help' || command === 'help') {
      console.log(USAGE);
      return 0;
    }
    if (command === '-v' || command === '--version') {
      console.log(version());
      return 0;
    }
    const run = COMMANDS[command];
    if (run === undefined) usage(`unknown command: ${command}`);
    if (rest.includes('-h') || rest.includes('--help')) {
      console.log(USAGE);
      return 0;
    }
    run(rest);
    return 0;
  } catch (e) {
    // The API's argument checks (a 70,000-character host name, say)
    // judge what the user typed.
    if (e instanceof UsageError || e instanceof RangeError) {
      console.error(`nativesockets: ${e.message.split('\n')[0]} (see nativesockets --help)`);
      return 2;
    }
    if (e instanceof NativeSocketsError) {
      const sentence = e.description ? ` (${e.description})` : '';
      console.error(`nativesockets: ${e.message}${sentence}`);
      return 1;
    }
    console.error(`nativesockets: ${e?.stack ?? e}`);
    return 1;
  } finally {
    await closeHost();
  }
}

process.exitCode = await main(process.argv.slice(2));
