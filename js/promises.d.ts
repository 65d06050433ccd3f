// Types of nativesockets/promises: the calls of the blocking API that can
// wait, returning promises, each with a last `{ signal }` argument; every
// other export is the blocking API's, unchanged.
import type {
  AddrInfo, Data, Datagram, Hostent, Port, SocketAddress, SocketHandle,
} from './index.js';

export * from './index.js';

/** The last argument of every call that can wait. */
export interface AbortOptions {
  /** Aborting it rejects the pending call with an AbortError. */
  signal?: AbortSignal;
}

/** A call cancelled through its signal: name 'AbortError', code 'ABORT_ERR', `cause` the signal's reason. */
export declare class AbortError extends Error {
  constructor(message?: string, options?: { cause?: unknown });
  readonly name: 'AbortError';
  readonly code: 'ABORT_ERR';
}

type Buf = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

export declare function accept(server: SocketHandle, options?: AbortOptions): Promise<{ socket: SocketHandle; address: string }>;
export declare function accept(server: SocketHandle, inheritable?: boolean, options?: AbortOptions): Promise<{ socket: SocketHandle; address: string }>;

/** A host name is looked up off the thread first (the first answer of getAddrInfo for the socket's family). */
export declare function connect(sock: SocketHandle, addr: SocketAddress, options?: AbortOptions): Promise<void>;
export declare function connect(sock: SocketHandle, address: string, port: Port, options?: AbortOptions): Promise<void>;

/** Resolves once all of `data` is sent (one datagram on a datagram socket): the bytes sent. */
export declare function send(sock: SocketHandle, data: Data, options?: AbortOptions): Promise<number>;
export declare function send(sock: SocketHandle, data: Data, flags?: number, options?: AbortOptions): Promise<number>;

/** Up to `length` bytes (default 65536); an empty Buffer at end of stream. */
export declare function recv(sock: SocketHandle, options?: AbortOptions): Promise<Buffer>;
export declare function recv(sock: SocketHandle, length?: number, options?: AbortOptions): Promise<Buffer>;
export declare function recv(sock: SocketHandle, length?: number, flags?: number, options?: AbortOptions): Promise<Buffer>;

/** Receives into `buffer`: the bytes received, 0 at end of stream. */
export declare function recvInto(sock: SocketHandle, buffer: Buf, options?: AbortOptions): Promise<number>;
export declare function recvInto(sock: SocketHandle, buffer: Buf, flags?: number, options?: AbortOptions): Promise<number>;

export declare function sendTo(sock: SocketHandle, data: Data, to: SocketAddress, options?: AbortOptions): Promise<number>;
export declare function sendTo(sock: SocketHandle, data: Data, to: SocketAddress, flags?: number, options?: AbortOptions): Promise<number>;
export declare function sendTo(sock: SocketHandle, data: Data, address: string, port: Port, options?: AbortOptions): Promise<number>;
export declare function sendTo(sock: SocketHandle, data: Data, address: string, port: Port, flags?: number, options?: AbortOptions): Promise<number>;

export declare function recvFrom(sock: SocketHandle, options?: AbortOptions): Promise<Datagram>;
export declare function recvFrom(sock: SocketHandle, length?: number, options?: AbortOptions): Promise<Datagram>;
export declare function recvFrom(sock: SocketHandle, length?: number, flags?: number, options?: AbortOptions): Promise<Datagram>;
export { sendTo as sendto, recvFrom as recvfrom };

/**
 * Resolves when a socket in `socks` is readable or `timeout` ms pass (-1:
 * forever, 0: poll, default 500) to how many are ready, leaving only those
 * in `socks`, as the blocking selectRead.
 */
export declare function selectRead(socks: SocketHandle[], timeout?: number, options?: AbortOptions): Promise<number>;
export declare function selectRead(socks: SocketHandle[], options: AbortOptions): Promise<number>;
export declare function selectWrite(socks: SocketHandle[], timeout?: number, options?: AbortOptions): Promise<number>;
export declare function selectWrite(socks: SocketHandle[], options: AbortOptions): Promise<number>;

/** Closes at once; a call pending on the socket rejects with EBADF. */
export declare function close(sock: SocketHandle): void;

/** getaddrinfo; a host name is looked up on a helper thread, a numeric address at once. */
export declare function getAddrInfo(address: string, options?: AbortOptions): Promise<AddrInfo[]>;
export declare function getAddrInfo(address: string, port?: Port, options?: AbortOptions): Promise<AddrInfo[]>;
export declare function getAddrInfo(address: string, port?: Port, domain?: number, options?: AbortOptions): Promise<AddrInfo[]>;
export declare function getAddrInfo(address: string, port?: Port, domain?: number, sockType?: number, options?: AbortOptions): Promise<AddrInfo[]>;
export declare function getAddrInfo(address: string, port?: Port, domain?: number, sockType?: number, protocol?: number, options?: AbortOptions): Promise<AddrInfo[]>;
export declare function getHostByName(name: string, options?: AbortOptions): Promise<Hostent>;
export declare function getHostByAddr(ip: string, options?: AbortOptions): Promise<Hostent>;
