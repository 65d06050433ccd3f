// The system databases and host lookups of the JS API: getServByName,
// getServByPort, getHostByName, getHostByAddr, getHostname, getProtoByName.
// Results are copied out of the library's structs into plain objects.
import { HOSTNAME_MAX } from './constants.js';
import { call, check, cstring, cstringArray, i32, stringArg, portArg, u32, view } from './runtime.js';

// Layouts on wasm32 (4-byte pointers and size_t).
const SERVENT_SIZE = 20; // name, aliases, alias_count, port (u16), proto
const HOSTENT_SIZE = 28; // name, aliases, alias_count, addrtype, length, addr_list, addr_count

function servent(x, p) {
  return {
    name: cstring(x, u32(x, p)),
    aliases: cstringArray(x, u32(x, p + 4), u32(x, p + 8)),
    port: view(x).getUint16(p + 12, true),
    proto: cstring(x, u32(x, p + 16)),
  };
}

function hostent(x, p) {
  return {
    name: cstring(x, u32(x, p)),
    aliases: cstringArray(x, u32(x, p + 4), u32(x, p + 8)),
    addrtype: i32(x, p + 12),
    length: i32(x, p + 16),
    addrList: cstringArray(x, u32(x, p + 20), u32(x, p + 24)),
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
    const ent = f.zeroed(SERVENT_SIZE);
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
    const ent = f.zeroed(SERVENT_SIZE);
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
    const ent = f.zeroed(HOSTENT_SIZE);
    f.defer(() => x.ns_hostent_free(ent));
    check(x.ns_get_host_by_name(f.cstr(name), ent), 'gethostbyname', { detail: name, hostname: name });
    return hostent(x, ent);
  });
}

/** The host entry of an IPv4 or IPv6 literal. */
export function getHostByAddr(ip) {
  stringArg('ip', ip);
  return call((x, f) => {
    const ent = f.zeroed(HOSTENT_SIZE);
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
