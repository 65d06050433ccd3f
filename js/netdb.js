// The netdb calls of the JS API (csrc/src/netdb.c's): the services and
// protocols databases and host lookups: getServByName,
// getServByPort, getHostByName, getHostByAddr, getHostname, getProtoByName.
// Results are copied out of the library's structs into plain objects.
import { HOSTNAME_MAX } from './constants.js';
import { call, check, cstring, cstringArray, i32, stringArg, portArg, u32, view } from './runtime.js';
import { HOSTENT, SERVENT } from './layouts.js';

function servent(x, p) {
  return {
    name: cstring(x, u32(x, p + SERVENT.name)),
    aliases: cstringArray(x, u32(x, p + SERVENT.aliases), u32(x, p + SERVENT.aliasCount)),
    port: view(x).getUint16(p + SERVENT.port, true),
    proto: cstring(x, u32(x, p + SERVENT.proto)),
  };
}

function hostent(x, p) {
  return {
    name: cstring(x, u32(x, p + HOSTENT.name)),
    aliases: cstringArray(x, u32(x, p + HOSTENT.aliases), u32(x, p + HOSTENT.aliasCount)),
    addrtype: i32(x, p + HOSTENT.addrtype),
    length: i32(x, p + HOSTENT.length),
    addrList: cstringArray(x, u32(x, p + HOSTENT.addrList), u32(x, p + HOSTENT.addrCount)),
  };
}

function optionalProto(proto) {
  return proto === undefined || proto === null ? null : stringArg('proto', proto);
}

/** A services entry: { name, aliases, port, proto }; port in host order. proto omitted: any. */
export function getServByName(name, proto) {
  stringArg('name', name);
  proto = optionalProto(proto);
  return call((x, f) => {
    const ent = f.zeroed(SERVENT.size);
    f.defer(() => x.ns_servent_free(ent));
    check(x.ns_get_serv_by_name(f.cstr(name), proto === null ? 0 : f.cstr(proto), ent), 'getservbyname',
      { detail: proto === null ? name : `${name}/${proto}` });
    return servent(x, ent);
  });
}

/** A services entry by port (host order, 0–65535). */
export function getServByPort(port, proto) {
  portArg(port);
  proto = optionalProto(proto);
  return call((x, f) => {
    const ent = f.zeroed(SERVENT.size);
    f.defer(() => x.ns_servent_free(ent));
    check(x.ns_get_serv_by_port(port, proto === null ? 0 : f.cstr(proto), ent), 'getservbyport',
      { detail: proto === null ? String(port) : `${port}/${proto}` });
    return servent(x, ent);
  });
}

/** A host entry { name, aliases, addrtype, length, addrList } for a name. */
export function getHostByName(name) {
  stringArg('name', name);
  return call((x, f) => {
    const ent = f.zeroed(HOSTENT.size);
    f.defer(() => x.ns_hostent_free(ent));
    check(x.ns_get_host_by_name(f.cstr(name), ent), 'gethostbyname', { detail: name, hostname: name });
    return hostent(x, ent);
  });
}

/** The host entry of an IPv4 or IPv6 literal. */
export function getHostByAddr(ip) {
  stringArg('ip', ip);
  return call((x, f) => {
    const ent = f.zeroed(HOSTENT.size);
    f.defer(() => x.ns_hostent_free(ent));
    check(x.ns_get_host_by_addr(f.cstr(ip), ent), 'gethostbyaddr', { detail: ip, address: ip });
    return hostent(x, ent);
  });
}

/** This machine's host name. */
export function getHostname() {
  return call((x, f) => {
    const buf = f.zeroed(HOSTNAME_MAX);
    check(x.ns_get_hostname(buf, HOSTNAME_MAX), 'gethostname');
    return cstring(x, buf);
  });
}

/** The protocol number of a name ("udp" → 17); unknown → ENOENT. */
export function getProtoByName(name) {
  stringArg('name', name);
  return call((x, f) => {
    const out = f.zeroed(4);
    check(x.ns_get_proto_by_name(f.cstr(name), out), 'getprotobyname', { detail: name });
    return i32(x, out);
  });
}
