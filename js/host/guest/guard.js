// Turns anything an import might raise into a WASI errno for the guest: a
// bad guest pointer is EFAULT, a bad count EINVAL, a dead worker ENETDOWN,
// and any other fault EIO — never an exception that unwinds through the guest.
//
// Any other fault is a host bug, and EIO hides it. With host debugging on
// (NATIVESOCKETS_DEBUG=1, or setHostDebug(true)) each one is printed with
// its stack and recorded (unexpectedFaults()), so tests can fail on it;
// with NATIVESOCKETS_DEBUG=throw it is rethrown into the guest as well.
import { GuestFault, GuestInvalid } from '../memory.js';
import { HostDown } from '../channel.js';
import { E } from '../abi.js';

const MAX_RECORDED = 100;
const recorded = [];
let recordedTotal = 0;
let debugOverride = null;

function debugMode() {
  if (debugOverride !== null) return debugOverride || null;
  const value = process.env.NATIVESOCKETS_DEBUG;
  return value && value !== '0' ? value : null;
}

/** Turns host debugging on or off for this thread (null: follow the environment). */
export function setHostDebug(on) {
  debugOverride = on === null ? null : on ? '1' : false;
}

/**
 * The unexpected exceptions caught in imports since the last call, as
 * { name, error } (at most 100 kept), and how many there were in all.
 */
export function takeUnexpectedFaults() {
  const faults = recorded.splice(0);
  const total = recordedTotal;
  recordedTotal = 0;
  return { faults, total };
}

function reportUnexpected(err, name) {
  const mode = debugMode();
  if (mode === null) return;
  recordedTotal++;
  if (recorded.length < MAX_RECORDED) recorded.push({ name, error: err });
  console.error(`nativesockets host: unexpected exception in import ${name ?? '?'}:`, err);
  if (mode === 'throw') throw err;
}

export function errnoOf(err, name) {
  if (err instanceof GuestFault) return E.FAULT;
  if (err instanceof HostDown) return E.NETDOWN;
  if (err instanceof GuestInvalid) return E.INVAL;
  reportUnexpected(err, name);
  return E.IO;
}

/**
 * Wraps every function of `imports` so a fault becomes its answer:
 * `onFault(err, name)`, by default the errno.
 */
export function guarded(imports, onFault = errnoOf) {
  const out = {};
  for (const [name, fn] of Object.entries(imports)) {
    out[name] = (...args) => {
      try {
        return fn(...args);
      } catch (err) {
        return onFault(err, name);
      }
    };
  }
  return out;
}
