// The Emscripten host's own calls on a real socket (js/host/emscripten.js),
// under a descriptor table shaped like Emscripten's FS (the part of FS the
// host uses: streams by number, lowest free first). The sockets are real.
import { afterEach, describe, expect, it } from 'vitest';
import { createEmscriptenHost } from '../../js/host/emscripten.js';

const ENOTTY = 59, EBADF = 8;
const TCGETS = 0x5401, FIONREAD = 0x541b, FIONBIO = 0x5421;

class ErrnoError extends Error {
  constructor(errno) {
    super(`errno ${errno}`);
    this.errno = errno;
  }
}

// Emscripten's FS, as far as the host touches it.
function emscriptenFS() {
  const FS = {
    MAX_OPEN_FDS: 4096,
    streams: [],
    ErrnoError,
    getStream: (fd) => FS.streams[fd] ?? null,
    nextfd(min = 0) {
      for (let fd = min; fd <= FS.MAX_OPEN_FDS; fd++) if (!FS.streams[fd]) return fd;
      throw new ErrnoError(33);
    },
    createStream(stream, min = 0) {
      const fd = FS.nextfd(min);
      FS.streams[fd] = { ...stream, fd };
      return FS.streams[fd];
    },
    closeStream(fd) {
      FS.streams[fd] = null;
    },
  };
  for (let fd = 0; fd < 3; fd++) FS.streams[fd] = { fd, tty: true };
  return FS;
}

const hosts = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.host.close()));
});

function tcpSocket() {
  const host = createEmscriptenHost(emscriptenFS());
  hosts.push(host);
  const memory = new WebAssembly.Memory({ initial: 1 });
  host.attach(memory);
  expect(host.extension.socket_open(1, 1, 0, 0, 16)).toBe(0);
  const fd = new DataView(memory.buffer).getUint32(16, true);
  expect(host.isSocket(fd)).toBe(true);
  return { host, fd };
}

function word(value = 0) {
  return { value, get() { return this.value; }, set(v) { this.value = v; } };
}

describe('ioctl on a socket', () => {
  it('an unsupported request is -ENOTTY, as Linux answers it, not success', () => {
    const { host, fd } = tcpSocket();
    const w = word(7);
    expect(host.ioctl(fd, TCGETS, w)).toBe(-ENOTTY);
    expect(host.ioctl(fd, 0x12345678, w)).toBe(-ENOTTY);
    expect(w.value).toBe(7);
  });

  it('FIONREAD and FIONBIO still work', () => {
    const { host, fd } = tcpSocket();
    const w = word(99);
    expect(host.ioctl(fd, FIONREAD, w)).toBe(0);
    expect(w.value).toBe(0);
    expect(host.ioctl(fd, FIONBIO, word(1)) | 0).toBe(0); // -0 from "-errno"
    expect(host.fcntl(fd, 3, 0) & 0o4000).toBe(0o4000);
    expect(host.close(fd)).toBe(0);
    expect(host.isSocket(fd)).toBe(false);
    expect(host.preview1.fd_fdstat_set_flags(fd, 0)).toBe(EBADF);
  });
});
