// The worker's side of one socket: its slot of the shared pool (header and
// rings), and the flag and address updates the guest reads without asking.
import {
  F_LOCAL, F_PEER, H_ERROR, H_FLAGS, H_OWNERS, LOCAL_ADDR_OFFSET, OWNER_WORKER,
  PEER_ADDR_OFFSET,
} from '../layout.js';
import { encodeAddress } from '../addresses.js';
import { errnoFromNode } from '../errno.js';
import { detachedViews } from '../pool.js';

/**
 * `fn` as a callback for Node: an exception it throws becomes the error
 * answer of the request that `reply` answers, instead of vanishing in the
 * event loop and leaving the guest waiting for good.
 */
export function answering(reply, fn) {
  return (...args) => {
    try {
      return fn(...args);
    } catch (err) {
      return reply({ errno: errnoFromNode(err) });
    }
  };
}

export class Endpoint {
  /** @param views the slot's { hdr, hdrBytes, rx, tx } (pool.js) */
  constructor(id, views) {
    this.id = id;
    this.released = false;
    this._attach(views);
  }

  _attach(views) {
    this.hdr = views.hdr;
    this.hdrBytes = views.hdrBytes;
    this.rx = views.rx;
    this.tx = views.tx;
  }

  /**
   * The worker is done with the slot: the guest may give it to another
   * socket. Whatever still fires for this endpoint writes elsewhere.
   */
  release() {
    if (this.released) return;
    this.released = true;
    const hdr = this.hdr;
    this._attach(detachedViews());
    Atomics.and(hdr, H_OWNERS, ~OWNER_WORKER);
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

  /** As setError, unless an error the guest has not taken yet is there. */
  keepFirstError(errno) {
    Atomics.compareExchange(this.hdr, H_ERROR, 0, errno);
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
