// The JS API at work: what `npm install nativesockets` gives a Node script.
// The calls run in the C core compiled to wasm, with real sockets.
//   node examples/demo.mjs        (from the package: import from 'nativesockets')
import * as ns from '../js/index.js';

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
ns.closeHost();
