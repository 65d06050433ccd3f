// One descriptor numbering for the guest: node:wasi's descriptors (stdio,
// preopens, opened files) and sockets, lowest free number first, as POSIX
// hands them out. node:wasi keeps its own numbers; this table maps ours.

import { E } from '../abi.js';

export const MAX_DESCRIPTORS = 65536;

export class FdTable {
  constructor() {
    this.entries = [];
    this.lowestFree = 0;
  }

  /** Maps guest fds 0..count-1 onto node:wasi's fds of the same numbers. */
  mirror(count) {
    for (let fd = 0; fd < count; fd++) this.entries[fd] = { kind: 'wasi', real: fd };
    this.lowestFree = count;
  }

  get(fd) {
    return fd >= 0 && fd < this.entries.length ? this.entries[fd] : undefined;
  }

  /** The lowest free number for `entry`, or -1 when the table is full. */
  add(entry) {
    let fd = this.lowestFree;
    while (fd < this.entries.length && this.entries[fd] !== undefined) fd++;
    if (fd >= MAX_DESCRIPTORS) return -1;
    this.entries[fd] = entry;
    this.lowestFree = fd + 1;
    return fd;
  }

  set(fd, entry) {
    while (this.entries.length < fd) this.entries.push(undefined);
    this.entries[fd] = entry;
  }

  remove(fd) {
    this.entries[fd] = undefined;
    if (fd < this.lowestFree) this.lowestFree = fd;
  }

  /** Sockets currently open (for leak checks). */
  countSockets() {
    return this.entries.filter((e) => e && e.kind === 'socket').length;
  }
}

/**
 * Gives the guest a descriptor for a new socket and writes it at `fdOut`;
 * when the table is full the socket is closed and the answer is EMFILE.
 */
export function handOverSocket({ fds, sockets, memory }, sock, fdOut) {
  const fd = fds.add({ kind: 'socket', sock });
  if (fd < 0) {
    sockets.close(sock);
    return E.MFILE;
  }
  memory.setU32(fdOut, fd);
  return 0;
}
