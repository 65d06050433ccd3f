// Every JS suite runs with host debugging on: an exception inside a host
// import that is not a guest's fault (a host bug, which the guest would only
// see as EIO) is printed, recorded, and fails the test it happened in.
import { afterEach } from 'vitest';
import { takeUnexpectedFaults } from '../../js/host/guest/guard.js';

process.env.NATIVESOCKETS_DEBUG ||= '1';

afterEach(() => {
  const { faults, total } = takeUnexpectedFaults();
  if (total === 0) return;
  const first = faults[0];
  const err = new Error(`${total} unexpected host exception(s); the first, in import ${first.name}: ${first.error?.stack ?? first.error}`);
  err.cause = first.error;
  throw err;
});
