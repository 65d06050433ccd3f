// Where the JS API finds the fields of the library's structs in the wasm
// module's memory (wasm32-wasi: 4-byte pointers and size_t). C layouts do not
// exist in a .wasm, so they are written down here once, and
// test/js/constants.test.js compiles a C program against the same headers
// with clang for wasm32-wasi and checks every number below against its
// offsetof/sizeof. Internal.

/** struct addrinfo: offsets of the fields the JS API reads. */
export const ADDRINFO = Object.freeze({
  family: 4, socktype: 8, protocol: 12, addrlen: 16, addr: 20, canonname: 24, next: 28,
});

/** ns_servent: its size and field offsets. */
export const SERVENT = Object.freeze({
  size: 20, name: 0, aliases: 4, aliasCount: 8, port: 12, proto: 16,
});

/** ns_hostent: its size and field offsets. */
export const HOSTENT = Object.freeze({
  size: 28, name: 0, aliases: 4, aliasCount: 8, addrtype: 12, length: 16, addrList: 20, addrCount: 24,
});

/**
 * The sockaddrs: the family (u16) leads every one; sockaddr_in and
 * sockaddr_in6 carry the port (network order) after it, sockaddr_in its
 * 4 address bytes next, and sockaddr_un its path.
 */
export const SOCKADDR = Object.freeze({ family: 0, port: 2, inAddr: 4, sunPath: 2 });

/** Room for any sockaddr of the target (sockaddr_storage: 128; sockaddr_un: 110). */
export const SOCKADDR_MAX = 256;
