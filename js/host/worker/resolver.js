// Name lookups on the worker: dns.lookup and dns.lookupService run the
// system's getaddrinfo/getnameinfo (files, then DNS), like a C program would.
import dns from 'node:dns';
import { eaiFromNode } from '../errno.js';

export function resolve(msg, reply) {
  let hints = 0;
  if (msg.v4mapped) hints |= dns.V4MAPPED;
  if (msg.all && msg.v4mapped) hints |= dns.ALL;
  if (msg.addrconfig) hints |= dns.ADDRCONFIG;
  try {
    dns.lookup(msg.node, { family: msg.family, all: true, hints, verbatim: true }, (err, list) => {
      if (err) reply({ eai: eaiFromNode(err) });
      else reply({ eai: 0, addresses: list });
    });
  } catch (err) {
    reply({ eai: eaiFromNode(err) });
  }
}

export function nameInfo(msg, reply) {
  try {
    dns.lookupService(msg.address, msg.port, (err, host) => {
      if (err) reply({ eai: eaiFromNode(err) });
      else reply({ eai: 0, host });
    });
  } catch (err) {
    reply({ eai: eaiFromNode(err) });
  }
}
