// The JS API at work: what `npm install nativesockets` gives a Node script.
// The calls run in the C core compiled to wasm, with real sockets.
//   node examples/demo.mjs        (from the package: import from 'nativesockets')
import * as ns from '../js/index.js';
import * as nsp from '../js/promises.js';

console.log(`nativesockets ${ns.version()} (wasm32-wasi under Node ${process.version})`);
console.log(`  host name                ${ns.getHostname()}`);
console.log(`  service http/tcp         port ${ns.getServByName('http', 'tcp').port}`);
console.log(`  protocol udp             ${ns.getProtoByName('udp')}`);
const host = ns.getHostByName('localhost');
console.log(`  host localhost           ${host.name} -> ${host.addrList.join(' ')}`);

// TCP echo: listener, client and server side, all blocking calls.
const listener = ns.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM);
ns.bindAddr(listener, { address: '127.0.0.1', port: 0 });
ns.listen(listener);
const port = ns.getSockName(listener);
const client = ns.createNativeSocket(ns.AF_INET, ns.SOCK_STREAM);
ns.connect(client, { address: '127.0.0.1', port });
const { socket: server, address } = ns.accept(listener);
ns.send(client, 'hello from JS');
const ready = [server];
ns.selectRead(ready, 1000);
ns.send(server, ns.recv(server, 64));
console.log(`\nTCP echo on 127.0.0.1:${port} (peer ${address}): "${ns.recv(client, 64).toString()}"`);
for (const s of [client, server, listener]) ns.close(s);

// UDP: a datagram and the sender's address.
const a = ns.createNativeSocket(ns.AF_INET, ns.SOCK_DGRAM);
const b = ns.createNativeSocket(ns.AF_INET, ns.SOCK_DGRAM);
ns.bindAddr(a, { address: '127.0.0.1', port: 0 });
ns.sendTo(b, 'ping', { address: '127.0.0.1', port: ns.getSockName(a) });
const got = ns.recvFrom(a, 64);
console.log(`UDP datagram "${got.data.toString()}" from ${got.address}:${got.port}`);
ns.close(a);
ns.close(b);

const refused = ns.createNativeSocket();
try {
  ns.connect(refused, { address: '127.0.0.1', port: 1 });
} catch (err) {
  console.log(`connect to a closed port: ${err.name} ${err.code} (${err.message})`);
} finally {
  ns.close(refused);
}
// The same calls as promises (nativesockets/promises): an async server and
// Node's own net client in this one thread; the event loop never waits.
const net = await import('node:net');
const asyncListener = nsp.createNativeSocket();
nsp.bindAddr(asyncListener, { address: '127.0.0.1', port: 0 });
nsp.listen(asyncListener);
const serving = (async () => {
  const { socket } = await nsp.accept(asyncListener);
  const data = await nsp.recv(socket, 64);
  await nsp.send(socket, Buffer.concat([Buffer.from('async echo: '), data]));
  nsp.close(socket);
})();
const reply = await new Promise((resolve, reject) => {
  const c = net.connect(nsp.getSockName(asyncListener), '127.0.0.1', () => c.write('hi from net'));
  let text = '';
  c.on('data', (d) => { text += d; });
  c.on('end', () => resolve(text));
  c.on('error', reject);
});
await serving;
nsp.close(asyncListener);
console.log(`promises: "${reply}"`);
await ns.closeHost();
