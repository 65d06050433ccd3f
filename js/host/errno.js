// WASI preview1 errno values (also wasi-libc's errno numbers) and the
// translation of Node's error codes into them.

// Every errno of WASI preview1, so any system error Node reports has its own.
export const E = Object.freeze({
  SUCCESS: 0, '2BIG': 1, ACCES: 2, ADDRINUSE: 3, ADDRNOTAVAIL: 4,
  AFNOSUPPORT: 5, AGAIN: 6, ALREADY: 7, BADF: 8, BADMSG: 9, BUSY: 10,
  CANCELED: 11, CHILD: 12, CONNABORTED: 13, CONNREFUSED: 14, CONNRESET: 15,
  DEADLK: 16, DESTADDRREQ: 17, DOM: 18, DQUOT: 19, EXIST: 20, FAULT: 21,
  FBIG: 22, HOSTUNREACH: 23, IDRM: 24, ILSEQ: 25, INPROGRESS: 26, INTR: 27,
  INVAL: 28, IO: 29, ISCONN: 30, ISDIR: 31, LOOP: 32, MFILE: 33, MLINK: 34,
  MSGSIZE: 35, MULTIHOP: 36, NAMETOOLONG: 37, NETDOWN: 38, NETRESET: 39,
  NETUNREACH: 40, NFILE: 41, NOBUFS: 42, NODEV: 43, NOENT: 44, NOEXEC: 45,
  NOLCK: 46, NOLINK: 47, NOMEM: 48, NOMSG: 49, NOPROTOOPT: 50, NOSPC: 51,
  NOSYS: 52, NOTCONN: 53, NOTDIR: 54, NOTEMPTY: 55, NOTRECOVERABLE: 56,
  NOTSOCK: 57, NOTSUP: 58, NOTTY: 59, NXIO: 60, OVERFLOW: 61, OWNERDEAD: 62,
  PERM: 63, PIPE: 64, PROTO: 65, PROTONOSUPPORT: 66, PROTOTYPE: 67,
  RANGE: 68, ROFS: 69, SPIPE: 70, SRCH: 71, STALE: 72, TIMEDOUT: 73,
  TXTBSY: 74, XDEV: 75, NOTCAPABLE: 76,
});

// Resolver codes of the extension ABI (wasm/ABI.md).
export const EAI = Object.freeze({
  AGAIN: 1, BADFLAGS: 2, FAIL: 3, FAMILY: 4, MEMORY: 5, NONAME: 6,
  SERVICE: 7, SOCKTYPE: 8, OVERFLOW: 9,
});

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
