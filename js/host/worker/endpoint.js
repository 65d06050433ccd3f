// The worker's side of one socket: its shared header and data blocks, and
// the flag and address updates the guest reads without asking.
import {
  F_LOCAL, F_PEER, H_ERROR, H_FLAGS, LOCAL_ADDR_OFFSET, PEER_ADDR_OFFSET,
} from '../layout.js';
import { encodeAddress } from '../addresses.js';

export class Endpoint {
  constructor(id, headerSab, dataSab, rxCap) {
    this.id = id;
    this.hdr = new Int32Array(headerSab);
    this.hdrBytes = new Uint8Array(headerSab);
    this.headerSab = headerSab;
    this.dataSab = null;
    this.rx = null;
    this.tx = null;
    if (dataSab) this.attachData(dataSab, rxCap);
  }

  attachData(dataSab, rxCap) {
    this.dataSab = dataSab;
    this.rx = new Uint8Array(dataSab, 0, rxCap);
    this.tx = new Uint8Array(dataSab, rxCap);
  }

  setFlags(bits) {
    Atomics.or(this.hdr, H_FLAGS, bits);
  }

  clearFlags(bits) {
    Atomics.and(this.hdr, H_FLAGS, ~bits);
  }

  hasFlags(bits) {
    return (Atomics.load(this.hdr, H_FLAGS) & bits) === bits;
  }

  /** Records an error the guest's next operation reports. */
  setError(errno) {
    Atomics.store(this.hdr, H_ERROR, errno);
  }

  setLocal(addr) {
    encodeAddress(addr, this.hdrBytes.subarray(LOCAL_ADDR_OFFSET));
    this.setFlags(F_LOCAL);
  }

  setPeer(addr) {
    encodeAddress(addr, this.hdrBytes.subarray(PEER_ADDR_OFFSET));
    this.setFlags(F_PEER);
  }
}
