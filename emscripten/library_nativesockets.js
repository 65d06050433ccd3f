/**
 * nativesockets for Emscripten: real TCP, UDP and unix sockets and the
 * system's resolver for a C program run by Node, instead of Emscripten's
 * WebSocket emulation and its made-up DNS.
 *
 *   emcc prog.c -Ipath/to/include libnativesockets.a \
 *        libnativesockets_emscripten.a \
 *        --js-library path/to/library_nativesockets.js -o prog.js
 *
 * libnativesockets_emscripten.a is the WASI add-on (csrc/wasi) built with
 * emcc: socket(), connect(), getaddrinfo() and the rest in C, on the
 * nativesockets_v1 calls of wasm/ABI.md. This library answers those calls,
 * and the wasi_snapshot_preview1 calls the add-on and Emscripten's libc make
 * on socket descriptors, with the package's own Node host
 * (js/host/emscripten.js, loaded as `nativesockets/emscripten`): the same
 * code that serves wasm32-wasi programs. Every other descriptor stays with
 * Emscripten.
 *
 * Module['nativesocketsHost'] may name the host module instead (a path or
 * URL), for a program that does not sit under a node_modules with the
 * package in it.
 */

// The Emscripten functions overridden below, kept under a new name so that
// descriptors that are not sockets still get Emscripten's own answers.
var nativesocketsKept = {};
(function keepEmscriptenOriginals() {
  var library = LibraryManager.library;
  ['fd_close', 'fd_read', 'fd_write', 'fd_fdstat_get', '__syscall_fcntl64',
   '__syscall_ioctl', '__syscall_dup', '__syscall_dup3'].forEach(function(name) {
    var kept = '$emscripten_' + name.replace(/^_+/, '');
    library[kept] = library[name];
    library[kept + '__deps'] = (library[name + '__deps'] || []).slice();
    nativesocketsKept[name] = kept;
  });
})();

// `name` calls the host when `fd` is a socket and Emscripten otherwise.
function nativesocketsOnSockets(name, socketCall) {
  var kept = nativesocketsKept[name].substr(1);
  return new Function('fd', 'a', 'b', 'c',
    'var host = NativeSockets.get();\n' +
    'if (host.isSocket(fd)) return ' + socketCall + ';\n' +
    'return ' + kept + '(fd, a, b, c);');
}

var NativeSocketsLibrary = {
  $NativeSockets__deps: ['$FS'],
  $NativeSockets__postset: 'NativeSockets.boot();',
  $NativeSockets: {
    host: null,

    // Loads the host before main runs, and gives Emscripten's loader the
    // wasm bytes: under Node 18+ it would otherwise try fetch() on a path.
    boot: function() {
      if (!ENVIRONMENT_IS_NODE) {
        err('nativesockets: the socket host needs Node.js');
        return;
      }
      if (typeof wasmBinaryFile == 'string' && !wasmBinary && !Module['instantiateWasm'] &&
          !isDataURI(wasmBinaryFile)) {
        wasmBinary = readBinary(wasmBinaryFile);
      }
      var spec = Module['nativesocketsHost'] || 'nativesockets/emscripten';
      addRunDependency('nativesockets');
      import(spec).then(function(module) {
        NativeSockets.host = module.createEmscriptenHost(FS, Module['nativesocketsOptions'] || {});
        removeRunDependency('nativesockets');
      }, function(reason) {
        abort('nativesockets: cannot load the socket host ' + spec + ': ' + reason);
      });
    },

    get: function() {
      var host = NativeSockets.host;
      if (!host) abort('nativesockets: no socket host (it runs under Node.js only)');
      if (!host.attached) host.attach(wasmMemory);
      return host;
    },
  },

  // ---- wasi_snapshot_preview1 calls ------------------------------------------
  // Emscripten has no fd_fdstat_set_flags: the host sets a socket's flags.
  // The sock_* calls and poll_oneoff go straight to the host (added below).

  fd_fdstat_set_flags__deps: ['$NativeSockets'],
  fd_fdstat_set_flags: function(fd, flags) {
    var host = NativeSockets.get();
    if (host.isSocket(fd)) return host.preview1.fd_fdstat_set_flags(fd, flags);
    return FS.getStream(fd) ? {{{ cDefine('ENOTSUP') }}} : {{{ cDefine('EBADF') }}};
  },

  // ---- Emscripten's own calls, on socket descriptors ------------------------

  fd_close__deps: ['$NativeSockets', nativesocketsKept.fd_close],
  fd_close: nativesocketsOnSockets('fd_close', 'host.close(fd)'),
  fd_read__deps: ['$NativeSockets', nativesocketsKept.fd_read],
  fd_read: nativesocketsOnSockets('fd_read', 'host.preview1.fd_read(fd, a, b, c)'),
  fd_write__deps: ['$NativeSockets', nativesocketsKept.fd_write],
  fd_write: nativesocketsOnSockets('fd_write', 'host.preview1.fd_write(fd, a, b, c)'),
  fd_fdstat_get__deps: ['$NativeSockets', nativesocketsKept.fd_fdstat_get],
  fd_fdstat_get: nativesocketsOnSockets('fd_fdstat_get', 'host.preview1.fd_fdstat_get(fd, a)'),
  // Emscripten's fcntl cannot clear O_NONBLOCK and its F_DUPFD reopens a path.
  __syscall_fcntl64__deps: ['$NativeSockets', nativesocketsKept.__syscall_fcntl64],
  __syscall_fcntl64: nativesocketsOnSockets('__syscall_fcntl64',
    'host.fcntl(fd, a, HEAP32[b >> 2])'),
  // Emscripten's dup and dup2 reopen the descriptor's path; a socket has none.
  __syscall_dup__deps: ['$NativeSockets', nativesocketsKept.__syscall_dup],
  __syscall_dup: nativesocketsOnSockets('__syscall_dup', 'host.fcntl(fd, 0, 0)'),
  __syscall_dup3__deps: ['$NativeSockets', nativesocketsKept.__syscall_dup3,
                         nativesocketsKept.fd_close],
  __syscall_dup3: function(fd, to, flags) {
    var host = NativeSockets.get();
    if (host.isSocket(fd)) return host.dupTo(fd, to, emscripten_fd_close);
    // Whatever `to` was is closed first; a socket there must close in the host.
    if (fd !== to && host.isSocket(to) && FS.getStream(fd)) host.close(to);
    return emscripten_syscall_dup3(fd, to, flags);
  },
  __syscall_ioctl__deps: ['$NativeSockets', nativesocketsKept.__syscall_ioctl],
  __syscall_ioctl: nativesocketsOnSockets('__syscall_ioctl',
    'host.ioctl(fd, a, { get: function() { return HEAP32[HEAP32[b >> 2] >> 2]; },' +
    ' set: function(v) { HEAP32[HEAP32[b >> 2] >> 2] = v; } })'),
};

// Most calls go straight to the host: `name(params)` returns
// NativeSockets.get().target(params). Emscripten copies each library
// function's source text into the program, so the forwarder is built as text,
// as in nativesocketsOnSockets (a closure's `target` would be lost).
function nativesocketsForward(name, params, target) {
  NativeSocketsLibrary[name + '__deps'] = ['$NativeSockets'];
  NativeSocketsLibrary[name] = new Function(params,
    'return NativeSockets.get().' + target + '(' + params + ');');
}

// ---- the nativesockets_v1 calls (wasm/ABI.md), for the add-on --------------
// nsw_host_NAME is the host's extension.NAME, with the ABI's parameters.
[
  ['socket_open', 'family, type, protocol, flags, fdOut'],
  ['socket_bind', 'fd, addr, len'],
  ['socket_connect', 'fd, addr, len'],
  ['socket_listen', 'fd, backlog'],
  ['socket_local_addr', 'fd, out'],
  ['socket_peer_addr', 'fd, out'],
  ['socket_get_option', 'fd, level, name, out'],
  ['socket_set_option', 'fd, level, name, value'],
  ['socket_send_to', 'fd, buf, len, flags, addr, sentOut'],
  ['socket_recv_from', 'fd, buf, len, flags, addrOut, receivedOut'],
  ['resolve', 'node, nodeLen, service, serviceLen, hints, out, outCount, countOut, canon, canonLen'],
  ['name_info', 'addr, flags, host, hostLen, serv, servLen'],
  ['host_name', 'buf, len'],
  ['service_by_name', 'name, nameLen, proto, protoLen, out, outLen'],
  ['service_by_port', 'port, proto, protoLen, out, outLen'],
  ['protocol_by_name', 'name, nameLen, out, outLen'],
  ['protocol_by_number', 'number, out, outLen'],
  ['interfaces', 'out, outLen, countOut'],
  ['socket_membership', 'fd, join, group, groupLen, iface'],
].forEach(function(call) {
  nativesocketsForward('nsw_host_' + call[0], call[1], 'extension.' + call[0]);
});

// ---- wasi_snapshot_preview1 calls on sockets -------------------------------
// Emscripten has none of these; the add-on calls them on sockets only, and
// the host answers EBADF or ENOTSOCK for anything else. poll_oneoff serves
// poll() and select() of emscripten/src/posix.c: sockets are waited for,
// other descriptors are ready at once.
nativesocketsForward('sock_accept', 'fd, flags, fdOut', 'sockAccept');
[
  ['sock_recv', 'fd, iovs, count, riFlags, lenOut, roFlagsOut'],
  ['sock_send', 'fd, iovs, count, siFlags, lenOut'],
  ['sock_shutdown', 'fd, how'],
  ['poll_oneoff', 'inPtr, outPtr, count, neventsOut'],
].forEach(function(call) {
  nativesocketsForward(call[0], call[1], 'preview1.' + call[0]);
});

mergeInto(LibraryManager.library, NativeSocketsLibrary);
