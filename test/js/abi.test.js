// js/host/abi.js is the host's one copy of the ABI's numbers. These tests
// hold it to wasm/ABI.md's tables and to the numbers the WASI add-on's C
// (csrc/wasi/src/addon.h) is compiled with, and check that the worker's
// message names come only from it.
import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import * as abi from '../../js/host/abi.js';
import { printedByC, root, wasiClang } from './wasi-c.js';

const spec = fs.readFileSync(path.join(root, 'wasm/ABI.md'), 'utf8');

// The `N` NAME pairs of the "Numbers" table's row `what`.
function numbersRow(what) {
  const line = spec.split('\n').find((l) => l.startsWith(`| ${what} |`));
  if (!line) throw new Error(`wasm/ABI.md has no row "${what}"`);
  const cells = line.split('|')[2];
  return Object.fromEntries([...cells.matchAll(/`(\d+)` (\w+)/g)].map((m) => [m[2], Number(m[1])]));
}

// The offset of each field of a record table whose heading starts with `heading`.
function recordTable(heading) {
  const at = spec.indexOf(`## ${heading}`);
  if (at < 0) throw new Error(`wasm/ABI.md has no section "${heading}"`);
  const rows = [];
  for (const line of spec.slice(at).split('\n').slice(1)) {
    const m = /^\| (\d+) \| (\d+) \| (.*) \|$/.exec(line);
    if (m) rows.push({ offset: Number(m[1]), size: Number(m[2]), field: m[3] });
    else if (rows.length && !line.startsWith('|')) break;
  }
  return rows;
}

describe('js/host/abi.js equals wasm/ABI.md', () => {
  it('families, types and option levels', () => {
    expect(numbersRow('family')).toEqual({
      unspecified: abi.AF_UNSPEC, IPv4: abi.AF_INET, IPv6: abi.AF_INET6, unix: abi.AF_UNIX,
    });
    expect(numbersRow('type')).toEqual({
      stream: abi.SOCK_STREAM, datagram: abi.SOCK_DGRAM, raw: abi.SOCK_RAW, seqpacket: abi.SOCK_SEQPACKET,
    });
    expect(numbersRow('protocol')).toEqual({ default: 0, TCP: abi.IPPROTO_TCP, UDP: abi.IPPROTO_UDP });
    expect(numbersRow('option level')).toEqual({
      socket: abi.LEVEL.SOCKET, TCP: abi.LEVEL.TCP, IPv6: abi.LEVEL.IPV6, IPv4: abi.LEVEL.IPV4,
    });
  });

  it('every option name of every level', () => {
    expect(numbersRow('socket-level options')).toEqual({ ...abi.SO });
    expect(numbersRow('TCP-level options')).toEqual({ ...abi.TCP });
    expect(numbersRow('IPv6-level options')).toEqual({ ...abi.IPV6 });
    expect(numbersRow('IPv4-level options')).toEqual({ ...abi.IPV4 });
  });

  it('resolver codes and flags', () => {
    expect(numbersRow('resolver codes')).toEqual({ ...abi.EAI });
    expect(numbersRow('resolve flags')).toEqual({ ...abi.RESOLVE_FLAG });
    expect(numbersRow('name_info flags')).toEqual({ ...abi.NAME_INFO_FLAG });
  });

  it('the address record', () => {
    const rows = recordTable('The address record');
    expect(rows.map((r) => r.offset)).toEqual([
      abi.ADDR.FAMILY, abi.ADDR.PORT, abi.ADDR.FLOWINFO, abi.ADDR.ADDRESS, abi.ADDR.SCOPE_ID, abi.ADDR.PATH,
    ]);
    expect(rows.at(-1).size).toBe(abi.ADDR_PATH_SIZE);
    expect(rows.at(-1).offset + rows.at(-1).size).toBe(abi.ADDR_SIZE);
    expect(spec).toContain(`## The address record (${abi.ADDR_SIZE} bytes`);
  });

  it('the interface record', () => {
    const rows = recordTable('The interface record');
    expect(rows.map((r) => r.offset)).toEqual([
      abi.IFACE.NAME, abi.IFACE.INDEX, abi.IFACE.FLAGS, abi.IFACE.ADDRESS, abi.IFACE.NETMASK,
    ]);
    expect(rows[0].size).toBe(abi.IFACE_NAME_SIZE);
    expect(spec).toContain(`## The interface record (${abi.IFACE_SIZE} bytes`);
    expect(spec).toContain(`records of ${abi.RESOLVE_RECORD_SIZE} bytes`);
  });

  it('the import module name', () => {
    expect(spec).toContain(`\`${abi.MODULE}\``);
  });
});

const ADDON_PROGRAM = String.raw`#include "addon.h"
#include <stdio.h>
int main(void) {
  printf("{\"family\":[%d,%d,%d,%d],\"type\":[%d,%d,%d,%d],\"flags\":[%d,%d,%d],",
    NSW_FAMILY_UNSPEC, NSW_FAMILY_INET, NSW_FAMILY_INET6, NSW_FAMILY_UNIX,
    NSW_TYPE_STREAM, NSW_TYPE_DGRAM, NSW_TYPE_RAW, NSW_TYPE_SEQPACKET,
    NSW_OPEN_NONBLOCK, NSW_RECV_PEEK, NSW_RECV_WAITALL);
  printf("\"resolver\":{\"AGAIN\":%d,\"BADFLAGS\":%d,\"FAIL\":%d,\"FAMILY\":%d,\"MEMORY\":%d,\"NONAME\":%d,\"SERVICE\":%d,\"SOCKTYPE\":%d,\"OVERFLOW\":%d},",
    NSW_RESOLVE_AGAIN, NSW_RESOLVE_BADFLAGS, NSW_RESOLVE_FAIL, NSW_RESOLVE_FAMILY, NSW_RESOLVE_MEMORY,
    NSW_RESOLVE_NONAME, NSW_RESOLVE_SERVICE, NSW_RESOLVE_SOCKTYPE, NSW_RESOLVE_OVERFLOW);
  printf("\"addr\":{\"size\":%zu,\"FAMILY\":%zu,\"PORT\":%zu,\"FLOWINFO\":%zu,\"ADDRESS\":%zu,\"SCOPE_ID\":%zu,\"PATH\":%zu,\"pathSize\":%zu},",
    sizeof(nsw_address), offsetof(nsw_address, family), offsetof(nsw_address, port), offsetof(nsw_address, flowinfo),
    offsetof(nsw_address, addr), offsetof(nsw_address, scope_id), offsetof(nsw_address, path), sizeof(((nsw_address *)0)->path));
  printf("\"resolved\":%zu,\"iface\":{\"size\":%zu,\"NAME\":%zu,\"INDEX\":%zu,\"FLAGS\":%zu,\"ADDRESS\":%zu,\"NETMASK\":%zu,\"nameSize\":%zu},",
    sizeof(nsw_resolved), sizeof(nsw_interface), offsetof(nsw_interface, name), offsetof(nsw_interface, index),
    offsetof(nsw_interface, flags), offsetof(nsw_interface, address), offsetof(nsw_interface, netmask), sizeof(((nsw_interface *)0)->name));
  printf("\"errno\":{\"BADF\":%d,\"FAULT\":%d,\"INVAL\":%d,\"NETDOWN\":%d,\"NOTSUP\":%d,\"AGAIN\":%d,\"MSGSIZE\":%d,\"NOPROTOOPT\":%d,\"NOTCAPABLE\":%d}}\n",
    EBADF, EFAULT, EINVAL, ENETDOWN, ENOTSUP, EAGAIN, EMSGSIZE, ENOPROTOOPT, ENOTCAPABLE);
  return 0;
}
`;

describe.skipIf(wasiClang === null)('js/host/abi.js equals the WASI add-on\'s numbers (needs clang for wasm32-wasi)', () => {
  let c;
  it('the add-on program builds and runs', async () => {
    c = await printedByC(ADDON_PROGRAM, ['csrc/wasi/include', 'csrc/wasi/src', 'csrc/include']);
  });

  it('families, types, flags and resolver codes', () => {
    expect(c.family).toEqual([abi.AF_UNSPEC, abi.AF_INET, abi.AF_INET6, abi.AF_UNIX]);
    expect(c.type).toEqual([abi.SOCK_STREAM, abi.SOCK_DGRAM, abi.SOCK_RAW, abi.SOCK_SEQPACKET]);
    expect(c.flags).toEqual([abi.OPEN_NONBLOCK, abi.MSG_PEEK, abi.MSG_WAITALL]);
    expect(c.resolver).toEqual({ ...abi.EAI });
  });

  it('the address, resolve and interface records', () => {
    const { size, pathSize, ...addr } = c.addr;
    expect(addr).toEqual({ ...abi.ADDR });
    expect([size, pathSize]).toEqual([abi.ADDR_SIZE, abi.ADDR_PATH_SIZE]);
    expect(c.resolved).toBe(abi.RESOLVE_RECORD_SIZE);
    const { size: ifaceSize, nameSize, ...iface } = c.iface;
    expect(iface).toEqual({ ...abi.IFACE });
    expect([ifaceSize, nameSize]).toEqual([abi.IFACE_SIZE, abi.IFACE_NAME_SIZE]);
  });

  it('wasi-libc\'s errno numbers are the E table\'s', () => {
    for (const [name, value] of Object.entries(c.errno)) expect(abi.E[name], name).toBe(value);
  });
});

describe('worker messages are named only in js/host/abi.js', () => {
  const hostFiles = (dir) => fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) return hostFiles(p);
    return p.endsWith('.js') && d.name !== 'abi.js' ? [p] : [];
  });
  const sources = Object.fromEntries(
    hostFiles(path.join(root, 'js/host')).map((p) => [path.relative(root, p), fs.readFileSync(p, 'utf8')]),
  );

  it('no module writes an op as a string', () => {
    for (const [file, text] of Object.entries(sources)) {
      expect(text.match(/\bop:\s*['"`]/g) ?? [], file).toEqual([]);
    }
    // The worker's dispatch: no `case 'name':` and no `name: (ep, ...)` handler.
    const worker = sources['js/host/worker/main.js'];
    expect(worker.match(/case\s+['"`]\w+['"`]\s*:/g) ?? []).toEqual([]);
    expect(worker.match(/^\s+\w+: \(ep,/gm) ?? []).toEqual([]);
  });

  it('the worker dispatches every op, and the guest\'s side sends each one', () => {
    const worker = sources['js/host/worker/main.js'];
    const guest = Object.entries(sources)
      .filter(([file]) => !file.startsWith('js/host/worker/'))
      .map(([, text]) => text).join('\n');
    for (const name of Object.keys(abi.OP)) {
      expect(worker, `worker handles OP.${name}`).toMatch(new RegExp(`(case |\\[)OP\\.${name}\\b`));
      expect(guest, `guest sends OP.${name}`).toMatch(new RegExp(`op: OP\\.${name}\\b`));
    }
  });
});
