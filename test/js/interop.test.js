// The wasm library talking to Node's own net and dgram. A blocking wasm call
// blocks this thread's event loop, so a Node peer that must answer a blocking
// call runs in a worker thread (or a child process); peers in this thread are
// driven with non-blocking sockets and select, awaiting the event loop between
// polls.
import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import * as ns from '../../js/index.js';
import { startNodePeer } from './node-peer.js';
import { trackedSockets } from './tracked-sockets.js';

const { AF_INET, AF_UNIX, SOCK_STREAM, SOCK_DGRAM, SHUT_WR, SOL_SOCKET, SO_ERROR } = ns;

const { track, cleanups } = trackedSockets(ns);
const nodePeer = (code, data) => startNodePeer(code, data, cleanups);

async function until(pred, what, ms = 10_000) {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = pred();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}

function recvAll(sock) {
  const parts = [];
  for (;;) {
    const chunk = ns.recv(sock, 65536);
    if (chunk.length === 0) return Buffer.concat(parts);
    parts.push(chunk);
  }
}

describe('TCP with a Node peer in a worker thread (blocking wasm calls)', () => {
  it('wasm client → Node net echo server', async () => {
    const peer = await nodePeer(`
      const server = net.createServer((c) => c.pipe(c));
      server.listen(0, '127.0.0.1', () => port.postMessage(server.address().port));`);
    const port = await peer.next();
    const c = track(ns.createNativeSocket());
    ns.connect(c, '127.0.0.1', port);
    const message = Buffer.from('hello from wasm '.repeat(1000));
    let sent = 0;
    while (sent < message.length) sent += ns.send(c, message.subarray(sent));
    ns.shutdown(c, SHUT_WR);
    expect(recvAll(c).equals(message)).toBe(true);
  });

  it('Node net client → wasm server: accept gives the client address, data both ways, EOF', async () => {
    const server = track(ns.createNativeSocket());
    ns.bindAddr(server, '127.0.0.1', 0);
    ns.listen(server);
    const port = ns.getSockName(server);
    const peer = await nodePeer(`
      const c = net.connect(data.port, '127.0.0.1', () => {
        port.postMessage({ local: c.localPort });
        c.end('from node');
      });
      const got = [];
      c.on('data', (d) => got.push(d));
      c.on('end', () => port.postMessage({ reply: Buffer.concat(got).toString() }));`, { port });
    const { local } = await peer.next();
    const { socket, address } = ns.accept(server);
    track(socket);
    expect(address).toBe('127.0.0.1');
    expect(ns.getPeerAddr(socket)).toEqual({ address: '127.0.0.1', port: local });
    expect(recvAll(socket).toString()).toBe('from node');
    ns.send(socket, 'from wasm');
    ns.close(socket);
    expect((await peer.next()).reply).toBe('from wasm');
  });

  it('unix socket: wasm client → Node server on a socket file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ns-interop-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'node.sock');
    const peer = await nodePeer(`
      const server = net.createServer((c) => c.on('data', (d) => c.end(d.toString().toUpperCase())));
      server.listen(data.file, () => port.postMessage('ready'));`, { file });
    expect(await peer.next()).toBe('ready');
    const c = track(ns.createNativeSocket(AF_UNIX, SOCK_STREAM));
    ns.connect(c, { path: file });
    ns.send(c, 'shout');
    expect(recvAll(c).toString()).toBe('SHOUT');
  });

  it('Node server in a child process; the wasm client sees a reset or EOF when it dies', async () => {
    const child = spawn(process.execPath, ['-e', `
      const s = require('node:net').createServer((c) => { c.write('hi'); c.on('data', () => process.exit(0)); });
      s.listen(0, '127.0.0.1', () => console.log(s.address().port));`], { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanups.push(() => child.kill());
    const [line] = await once(child.stdout, 'data');
    const c = track(ns.createNativeSocket());
    ns.connect(c, '127.0.0.1', Number(String(line).trim()));
    expect(ns.recv(c, 2).toString()).toBe('hi');
    ns.send(c, 'bye');
    let ended = false;
    try {
      ended = ns.recv(c, 10).length === 0;
    } catch (e) {
      ended = e.code === 'ECONNRESET';
    }
    expect(ended).toBe(true);
  });
});

describe('Node peers in this thread (non-blocking wasm sockets, select, awaiting the loop)', () => {
  it('non-blocking wasm client against net.createServer in the same thread', async () => {
    const server = net.createServer((conn) => conn.on('data', (d) => conn.write(`echo:${d}`)));
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    cleanups.push(() => new Promise((r) => server.close(r)));
    const accepted = once(server, 'connection');

    const c = track(ns.createNativeSocket());
    ns.setBlocking(c, false);
    try {
      ns.connect(c, '127.0.0.1', server.address().port);
    } catch (e) {
      expect(e.code).toBe('EINPROGRESS');
    }
    await until(() => ns.selectWrite([c], 0) === 1, 'the connect');
    expect(ns.getSockOptInt(c, SOL_SOCKET, SO_ERROR)).toBe(0);
    const [conn] = await accepted;
    expect(conn.remotePort).toBe(ns.getLocalAddr(c).port);
    ns.send(c, 'ping');
    await until(() => ns.selectRead([c], 0) === 1, 'the echo');
    let text = '';
    await until(() => {
      try {
        text += ns.recv(c, 100).toString();
      } catch (e) {
        if (e.code !== 'EAGAIN') throw e;
      }
      return text.length >= 'echo:ping'.length;
    }, 'all of the echo');
    expect(text).toBe('echo:ping');
  });

  it('a Node client connecting to a non-blocking wasm listener in the same thread', async () => {
    const server = track(ns.createNativeSocket());
    ns.bindAddr(server, '127.0.0.1', 0);
    ns.listen(server);
    ns.setBlocking(server, false);
    const client = net.connect(ns.getSockName(server), '127.0.0.1');
    cleanups.push(() => client.destroy());
    const got = [];
    client.on('data', (d) => got.push(d));
    await once(client, 'connect');
    client.write('knock');
    await until(() => ns.selectRead([server], 0) === 1, 'a queued connection');
    const { socket } = ns.accept(server);
    track(socket);
    ns.setBlocking(socket, false);
    await until(() => ns.selectRead([socket], 0) === 1, 'data');
    expect(ns.recv(socket, 100).toString()).toBe('knock');
    ns.send(socket, 'who is there');
    await until(() => Buffer.concat(got).length >= 12, 'the reply');
    expect(Buffer.concat(got).toString()).toBe('who is there');
    client.end();
    await until(() => {
      try {
        return ns.recv(socket, 100).length === 0;
      } catch (e) {
        if (e.code === 'EAGAIN') return false;
        throw e;
      }
    }, 'EOF after end()');
  });

  it('UDP: wasm and node:dgram exchange datagrams; both see the right sender', async () => {
    const node = dgram.createSocket('udp4');
    node.bind(0, '127.0.0.1');
    await once(node, 'listening');
    cleanups.push(() => new Promise((r) => node.close(r)));
    const u = track(ns.createNativeSocket(AF_INET, SOCK_DGRAM));
    ns.bindAddr(u, '127.0.0.1', 0);
    ns.setBlocking(u, false);
    const wasmPort = ns.getSockName(u);

    const received = once(node, 'message');
    ns.sendTo(u, 'from wasm', { address: '127.0.0.1', port: node.address().port });
    const [msg, rinfo] = await received;
    expect(msg.toString()).toBe('from wasm');
    expect(rinfo.port).toBe(wasmPort);
    expect(rinfo.address).toBe('127.0.0.1');

    node.send('from node', wasmPort, '127.0.0.1');
    await until(() => ns.selectRead([u], 0) === 1, 'the datagram');
    const got = ns.recvFrom(u, 100);
    expect(got.data.toString()).toBe('from node');
    expect(got).toMatchObject({ family: AF_INET, address: '127.0.0.1', port: node.address().port });
  });
});
