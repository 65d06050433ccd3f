// WASI preview1 errno values (also wasi-libc's errno numbers) and the
// translation of Node's error codes into them.

export const E = Object.freeze({
  SUCCESS: 0, ACCES: 2, ADDRINUSE: 3, ADDRNOTAVAIL: 4, AFNOSUPPORT: 5,
  AGAIN: 6, ALREADY: 7, BADF: 8, CONNABORTED: 13, CONNREFUSED: 14,
  CONNRESET: 15, DESTADDRREQ: 17, EXIST: 20, FAULT: 21, HOSTUNREACH: 23,
  INPROGRESS: 26, INTR: 27, INVAL: 28, IO: 29, ISCONN: 30, MFILE: 33,
  MSGSIZE: 35, NAMETOOLONG: 37, NETDOWN: 38, NETUNREACH: 40, NFILE: 41,
  NOBUFS: 42, NOENT: 44, NOMEM: 48, NOPROTOOPT: 50, NOSYS: 52, NOTCONN: 53,
  NOTDIR: 54, NOTSOCK: 57, NOTSUP: 58, NOTTY: 59, PERM: 63, PIPE: 64,
  PROTONOSUPPORT: 66, PROTOTYPE: 67, RANGE: 68, SPIPE: 70, TIMEDOUT: 73,
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

/** The WASI errno for a Node error (its `.code`), EIO when unknown. */
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
