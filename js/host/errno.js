// The translation of Node's error codes into WASI errno values and resolver
// codes (their numbers: abi.js).

import { E, EAI } from './abi.js';

// The numbers live in abi.js; re-exported for the modules that translate errors.
export { E, EAI };

const byNodeCode = new Map(
  Object.entries(E)
    .filter(([name]) => name !== 'SUCCESS')
    .map(([name, value]) => ['E' + name, value]),
);
byNodeCode.set('EWOULDBLOCK', E.AGAIN);
byNodeCode.set('EOPNOTSUPP', E.NOTSUP);
byNodeCode.set('ENOTSUP', E.NOTSUP);
byNodeCode.set('EPIPE', E.PIPE);
byNodeCode.set('ENOTFOUND', E.HOSTUNREACH);
byNodeCode.set('EHOSTDOWN', E.HOSTUNREACH);
byNodeCode.set('ENONET', E.NETUNREACH);
byNodeCode.set('ECHARSET', E.ILSEQ);
byNodeCode.set('EAI_AGAIN', E.AGAIN);
// Node's own codes, for what it refuses before the kernel is asked: the
// errno Linux gives for the same call.
for (const [code, errno] of Object.entries({
  ERR_SOCKET_DGRAM_IS_CONNECTED: E.ISCONN,
  ERR_SOCKET_DGRAM_NOT_CONNECTED: E.NOTCONN,
  ERR_SOCKET_DGRAM_NOT_RUNNING: E.BADF,
  ERR_SOCKET_ALREADY_BOUND: E.INVAL,
  ERR_SOCKET_BAD_PORT: E.INVAL,
  ERR_SOCKET_BAD_TYPE: E.INVAL,
  ERR_SOCKET_BAD_BUFFER_SIZE: E.INVAL,
  ERR_SOCKET_BUFFER_SIZE: E.INVAL,
  ERR_SOCKET_CLOSED: E.BADF,
  ERR_SOCKET_CLOSED_BEFORE_CONNECTION: E.CONNRESET,
  ERR_SOCKET_CONNECTION_TIMEOUT: E.TIMEDOUT,
  ERR_SERVER_ALREADY_LISTEN: E.INVAL,
  ERR_SERVER_NOT_RUNNING: E.NOTCONN,
  ERR_STREAM_DESTROYED: E.PIPE,
  ERR_STREAM_WRITE_AFTER_END: E.PIPE,
  ERR_STREAM_PREMATURE_CLOSE: E.CONNRESET,
  ERR_INVALID_ADDRESS_FAMILY: E.AFNOSUPPORT,
  ERR_INVALID_IP_ADDRESS: E.INVAL,
  ERR_INVALID_ARG_TYPE: E.INVAL,
  ERR_INVALID_ARG_VALUE: E.INVAL,
  ERR_OUT_OF_RANGE: E.INVAL,
  ERR_MISSING_ARGS: E.INVAL,
  ERR_BUFFER_OUT_OF_BOUNDS: E.FAULT,
})) byNodeCode.set(code, errno);

/**
 * The WASI errno for a Node error (its `.code`, a system error's name or
 * one of Node's ERR_*), EIO when unknown.
 */
export function errnoFromNode(err) {
  const code = err && typeof err.code === 'string' ? err.code : '';
  return byNodeCode.get(code) ?? E.IO;
}

/** The ABI resolver code for an error of dns.lookup / dns.lookupService. */
export function eaiFromNode(err) {
  switch (err && err.code) {
    case 'ENOTFOUND': case 'EAI_NONAME': case 'EAI_NODATA': case 'ENODATA':
      return EAI.NONAME;
    case 'EAI_AGAIN': case 'ETIMEOUT': return EAI.AGAIN;
    case 'EAI_FAMILY': return EAI.FAMILY;
    case 'EAI_MEMORY': return EAI.MEMORY;
    case 'EAI_SERVICE': return EAI.SERVICE;
    case 'EAI_SOCKTYPE': return EAI.SOCKTYPE;
    case 'EAI_BADFLAGS': return EAI.BADFLAGS;
    default: return EAI.FAIL;
  }
}
