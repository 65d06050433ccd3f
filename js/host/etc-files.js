// The services and protocols databases, read from /etc/services and
// /etc/protocols (a small built-in table where those files are missing), and
// the names of /etc/hosts. Read on the guest's thread (the hosts file again
// whenever it changes): these lookups never need the worker.
import fs from 'node:fs';

const BUILTIN_SERVICES = `
ftp 21/tcp
ssh 22/tcp
telnet 23/tcp
smtp 25/tcp mail
domain 53/tcp
domain 53/udp
http 80/tcp www
pop3 110/tcp pop-3
ntp 123/udp
imap2 143/tcp imap
snmp 161/udp
https 443/tcp
https 443/udp
imaps 993/tcp
pop3s 995/tcp
`;

const BUILTIN_PROTOCOLS = `
ip 0 IP
icmp 1 ICMP
tcp 6 TCP
udp 17 UDP
ipv6 41 IPv6
ipv6-icmp 58 IPv6-ICMP
raw 255 RAW
`;

function readOr(path, fallback) {
  try {
    return fs.readFileSync(path, 'utf8');
  } catch {
    return fallback;
  }
}

function entries(text) {
  const out = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line) out.push(line.split(/\s+/));
  }
  return out;
}

function parseServices(text) {
  const list = [];
  for (const [name, portProto, ...aliases] of entries(text)) {
    const m = /^(\d+)\/(\S+)$/.exec(portProto || '');
    if (!m || Number(m[1]) > 65535) continue;
    list.push({ name, port: Number(m[1]), proto: m[2], aliases });
  }
  return list;
}

function parseProtocols(text) {
  const list = [];
  for (const [name, number, ...aliases] of entries(text)) {
    if (!/^\d+$/.test(number || '')) continue;
    list.push({ name, number: Number(number), aliases });
  }
  return list;
}

function parseHosts(text) {
  const canonical = new Map();
  for (const [address, name, ...aliases] of entries(text)) {
    if (!name) continue;
    for (const n of [name, ...aliases]) {
      const key = `${n.toLowerCase()}|${address.includes(':') ? 6 : 4}`;
      if (!canonical.has(key)) canonical.set(key, name);
    }
  }
  return canonical;
}

export class Databases {
  constructor(files = {}) {
    this.files = {
      services: files.services ?? '/etc/services',
      protocols: files.protocols ?? '/etc/protocols',
      hosts: files.hosts ?? '/etc/hosts',
    };
    this._services = null;
    this._protocols = null;
    this._hosts = null;
    this._hostsStamp = null;
  }

  /**
   * Whether /etc/hosts changed since the last call (the first call says
   * yes); re-reads its names when it did. One stat per call.
   */
  hostsChanged() {
    const st = fs.statSync(this.files.hosts, { throwIfNoEntry: false });
    const stamp = st ? `${st.ino}:${st.size}:${st.mtimeMs}` : 'missing';
    if (stamp === this._hostsStamp) return false;
    this._hostsStamp = stamp;
    this._hosts = null;
    return true;
  }

  /** Whether `name` has a line in /etc/hosts, for either family. */
  listsHost(name) {
    return this.canonicalHost(name, 4) !== undefined || this.canonicalHost(name, 6) !== undefined;
  }

  get services() {
    this._services ??= parseServices(readOr(this.files.services, BUILTIN_SERVICES));
    return this._services;
  }

  get protocols() {
    this._protocols ??= parseProtocols(readOr(this.files.protocols, BUILTIN_PROTOCOLS));
    return this._protocols;
  }

  serviceByName(name, proto) {
    return this.services.find(
      (s) => (s.name === name || s.aliases.includes(name)) && (!proto || s.proto === proto),
    );
  }

  serviceByPort(port, proto) {
    return this.services.find((s) => s.port === port && (!proto || s.proto === proto));
  }

  protocolByName(name) {
    return this.protocols.find((p) => p.name === name || p.aliases.includes(name));
  }

  /** The /etc/hosts canonical name of `name` for IPv4 (4) or IPv6 (6). */
  canonicalHost(name, ipVersion) {
    this._hosts ??= parseHosts(readOr(this.files.hosts, ''));
    return this._hosts.get(`${name.toLowerCase()}|${ipVersion}`);
  }
}
