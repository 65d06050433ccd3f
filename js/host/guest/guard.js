// Turns anything an import might raise into a WASI errno for the guest: a
// bad guest pointer is EFAULT, a dead worker ENETDOWN, and any other fault
// EIO — never an exception that unwinds through the guest.
import { GuestFault, GuestInvalid } from '../memory.js';
import { HostDown } from '../channel.js';
import { E } from '../abi.js';

export function errnoOf(err) {
  if (err instanceof GuestFault) return E.FAULT;
  if (err instanceof HostDown) return E.NETDOWN;
  if (err instanceof GuestInvalid) return E.INVAL;
  if (process.env.NATIVESOCKETS_DEBUG) console.error('nativesockets host:', err);
  return E.IO;
}

/**
 * Wraps every function of `imports` so a fault becomes its answer:
 * `onFault(err)`, by default the errno.
 */
export function guarded(imports, onFault = errnoOf) {
  const out = {};
  for (const [name, fn] of Object.entries(imports)) {
    out[name] = (...args) => {
      try {
        return fn(...args);
      } catch (err) {
        return onFault(err);
      }
    };
  }
  return out;
}
