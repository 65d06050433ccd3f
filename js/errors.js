// The error the JS API throws for every failure the C library reports.

/**
 * A failed call of the library, shaped like Node's system errors:
 * `connect ECONNREFUSED 127.0.0.1:9`.
 *   code     the symbolic name (ns_err_name): 'ECONNREFUSED', 'EAI_NONAME'
 *   errno    the library's negative code (ns_error): -9
 *   syscall  the operation: 'connect', 'getaddrinfo', ...
 *   address, port, path, hostname   what the call was about, when it had one
 */
export class NativeSocketsError extends Error {
  constructor({ errno, code, syscall, description, detail, address, port, path, hostname }) {
    super(`${syscall} ${code}${detail ? ` ${detail}` : ''}`);
    this.name = 'NativeSocketsError';
    this.code = code;
    this.errno = errno;
    this.syscall = syscall;
    if (description !== undefined) this.description = description;
    if (address !== undefined) this.address = address;
    if (port !== undefined) this.port = port;
    if (path !== undefined) this.path = path;
    if (hostname !== undefined) this.hostname = hostname;
  }
}

Object.defineProperty(NativeSocketsError.prototype, 'name', {
  value: 'NativeSocketsError', writable: true, configurable: true,
});

/**
 * A call of nativesockets/promises cancelled through its AbortSignal, as
 * Node's own promise APIs reject: name 'AbortError', code 'ABORT_ERR', the
 * signal's reason as `cause`.
 */
export class AbortError extends Error {
  constructor(message = 'The operation was aborted', options = undefined) {
    super(message, options);
    this.code = 'ABORT_ERR';
  }
}

Object.defineProperty(AbortError.prototype, 'name', {
  value: 'AbortError', writable: true, configurable: true,
});
