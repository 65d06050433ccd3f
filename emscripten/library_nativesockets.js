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

  // ---- the nativesockets_v1 calls (wasm/ABI.md), for the add-on ------------

  nsw_host_socket_open__deps: ['$NativeSockets'],
  nsw_host_socket_open: function(family, type, protocol, flags, fdOut) {
    return NativeSockets.get().extension.socket_open(family, type, protocol, flags, fdOut);
  },
  nsw_host_socket_bind__deps: ['$NativeSockets'],
  nsw_host_socket_bind: function(fd, addr, len) {
    return NativeSockets.get().extension.socket_bind(fd, addr, len);
  },
  nsw_host_socket_connect__deps: ['$NativeSockets'],
  nsw_host_socket_connect: function(fd, addr, len) {
    return NativeSockets.get().extension.socket_connect(fd, addr, len);
  },
  nsw_host_socket_listen__deps: ['$NativeSockets'],
  nsw_host_socket_listen: function(fd, backlog) {
    return NativeSockets.get().extension.socket_listen(fd, backlog);
  },
  nsw_host_socket_local_addr__deps: ['$NativeSockets'],
  nsw_host_socket_local_addr: function(fd, out) {
    return NativeSockets.get().extension.socket_local_addr(fd, out);
  },
  nsw_host_socket_peer_addr__deps: ['$NativeSockets'],
  nsw_host_socket_peer_addr: function(fd, out) {
    return NativeSockets.get().extension.socket_peer_addr(fd, out);
  },
  nsw_host_socket_get_option__deps: ['$NativeSockets'],
  nsw_host_socket_get_option: function(fd, level, name, out) {
    return NativeSockets.get().extension.socket_get_option(fd, level, name, out);
  },
  nsw_host_socket_set_option__deps: ['$NativeSockets'],
  nsw_host_socket_set_option: function(fd, level, name, value) {
    return NativeSockets.get().extension.socket_set_option(fd, level, name, value);
  },
  nsw_host_socket_send_to__deps: ['$NativeSockets'],
  nsw_host_socket_send_to: function(fd, buf, len, flags, addr, sentOut) {
    return NativeSockets.get().extension.socket_send_to(fd, buf, len, flags, addr, sentOut);
  },
  nsw_host_socket_recv_from__deps: ['$NativeSockets'],
  nsw_host_socket_recv_from: function(fd, buf, len, flags, addrOut, receivedOut) {
    return NativeSockets.get().extension.socket_recv_from(fd, buf, len, flags, addrOut, receivedOut);
  },
  nsw_host_resolve__deps: ['$NativeSockets'],
  nsw_host_resolve: function(node, nodeLen, service, serviceLen, hints, out, outCount, countOut, canon, canonLen) {
    return NativeSockets.get().extension.resolve(node, nodeLen, service, serviceLen, hints, out, outCount, countOut, canon, canonLen);
  },
  nsw_host_name_info__deps: ['$NativeSockets'],
  nsw_host_name_info: function(addr, flags, host, hostLen, serv, servLen) {
    return NativeSockets.get().extension.name_info(addr, flags, host, hostLen, serv, servLen);
  },
  nsw_host_host_name__deps: ['$NativeSockets'],
  nsw_host_host_name: function(buf, len) {
    return NativeSockets.get().extension.host_name(buf, len);
  },
  nsw_host_service_by_name__deps: ['$NativeSockets'],
  nsw_host_service_by_name: function(name, nameLen, proto, protoLen, out, outLen) {
    return NativeSockets.get().extension.service_by_name(name, nameLen, proto, protoLen, out, outLen);
  },
  nsw_host_service_by_port__deps: ['$NativeSockets'],
  nsw_host_service_by_port: function(port, proto, protoLen, out, outLen) {
    return NativeSockets.get().extension.service_by_port(port, proto, protoLen, out, outLen);
  },
  nsw_host_protocol_by_name__deps: ['$NativeSockets'],
  nsw_host_protocol_by_name: function(name, nameLen, out, outLen) {
    return NativeSockets.get().extension.protocol_by_name(name, nameLen, out, outLen);
  },

  // ---- wasi_snapshot_preview1 calls on sockets -----------------------------
  // Emscripten has none of these; the add-on calls them on sockets only, and
  // the host answers EBADF or ENOTSOCK for anything else.

  sock_accept__deps: ['$NativeSockets'],
  sock_accept: function(fd, flags, fdOut) {
    return NativeSockets.get().sockAccept(fd, flags, fdOut);
  },
  sock_recv__deps: ['$NativeSockets'],
  sock_recv: function(fd, iovs, count, riFlags, lenOut, roFlagsOut) {
    return NativeSockets.get().preview1.sock_recv(fd, iovs, count, riFlags, lenOut, roFlagsOut);
  },
  sock_send__deps: ['$NativeSockets'],
  sock_send: function(fd, iovs, count, siFlags, lenOut) {
    return NativeSockets.get().preview1.sock_send(fd, iovs, count, siFlags, lenOut);
  },
  sock_shutdown__deps: ['$NativeSockets'],
  sock_shutdown: function(fd, how) {
    return NativeSockets.get().preview1.sock_shutdown(fd, how);
  },
  // poll() and select() of emscripten/src/posix.c: sockets are waited for,
  // other descriptors are ready at once.
  poll_oneoff__deps: ['$NativeSockets'],
  poll_oneoff: function(inPtr, outPtr, count, neventsOut) {
    return NativeSockets.get().preview1.poll_oneoff(inPtr, outPtr, count, neventsOut);
  },
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

mergeInto(LibraryManager.library, NativeSocketsLibrary);
