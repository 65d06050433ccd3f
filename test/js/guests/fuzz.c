/* The guest fuzzer: a wasm32-wasi reactor that calls every nativesockets_v1
 * import and every socket-related wasi_snapshot_preview1 call thousands of
 * times with random and boundary arguments — pointers at and past the end
 * of memory, lengths and counts near 2^32, foreign, closed, stdio and
 * preopen descriptors, garbage subscription tables — and, between them,
 * checks that data sent over a real loopback TCP connection and a UDP pair
 * comes back unchanged. test/fuzz/guest-fuzz.mjs drives it and checks the
 * host (no exception escapes an import, nothing hangs, memory stays flat,
 * nothing leaks).
 *
 * Every call the fuzzer makes can return at once: its sockets are all
 * non-blocking, every poll carries a short clock, and every address is on
 * loopback (127.13.0.0/16 for ports nobody listens on, 127.0.0.1 for its own
 * listeners) or a unix path in the harness's sandbox. Pointers the host may
 * write through lie in the arena, pages grown past the guest's own data, so
 * a host that wrote where it should not could only corrupt the arena — and
 * the echo checks, whose buffers are not in it, would still see it if it
 * wrote anywhere else. */
#include "fuzz.h"


u32 op_counts[OP_COUNT];

/* ---- a seeded PRNG (xorshift64*) ---- */
static u64 rng_state;

u64 next64(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ULL;
}
u32 rnd(void) { return (u32)(next64() >> 32); }
u32 below(u32 n) { return n ? rnd() % n : 0; }
int chance(u32 percent) { return below(100) < percent; }

/* ---- the arena: pages past everything else; all a hostile write may reach ---- */
#define PAGE 65536u
#define ARENA_PAGES 16u
static u32 arena, arena_size;

static u32 memory_end(void) { return (u32)__builtin_wasm_memory_size(0) * PAGE; }

/* A region of `size` bytes: usually inside the arena, sometimes straddling
 * or past the end of memory, or at an absurd address. */
static u32 any_ptr(u32 size) {
  u32 end = memory_end();
  switch (below(16)) {
  case 0: return end - (size < end ? size : 0) + below(8);   /* straddles the end */
  case 1: return end;
  case 2: return end + below(1u << 20);
  case 3: return 0xffffffffu - below(64);
  case 4: return 0x80000000u + below(4096);
  case 5: return size <= 64 ? end - size : end - size + 1;  /* exactly at, or one over, the end */
  default:
    if (size >= arena_size) return arena;
    return arena + below(arena_size - size);
  }
}

/* A region of `size` bytes that is at least partly outside memory: for
 * inputs whose contents matter (addresses, hints, poll tables), since a
 * valid pointer into the arena would read garbage — a non-loopback address
 * or an endless poll. */
static u32 bad_ptr(u32 size) {
  u32 end = memory_end();
  switch (below(5)) {
  case 0: return end - (size < end ? size : 0) + 1 + below(8);
  case 1: return end + 1;
  case 2: return end + below(1u << 20) + 1;
  case 3: return 0xffffffffu - below(64);
  default: return 0x80000000u + below(4096);
  }
}

/* A pointer to `size` bytes that is surely valid (in the arena). */
static u32 good_ptr(u32 size) {
  if (size >= arena_size) return arena;
  return arena + below(arena_size - size);
}

static const u32 boundary_lengths[] = {
  0, 1, 2, 7, 8, 135, 136, 137, 1023, 1024, 1025, 4096, 65507, 65508, 65536,
  0x7fffffffu, 0x80000000u, 0x80000001u, 0xfffffff0u, 0xfffffffeu, 0xffffffffu,
};
#define COUNT_OF(a) (sizeof(a) / sizeof((a)[0]))

static u32 any_len(void) {
  if (chance(40)) return boundary_lengths[below(COUNT_OF(boundary_lengths))];
  if (chance(50)) return below(2048);
  if (chance(50)) return below(arena_size + 1024);
  return rnd();
}

static const u32 boundary_counts[] = {
  0, 1, 2, 3, 16, 1023, 1024, 1025, 1u << 16, 1u << 29, 0x7fffffffu, 0x80000000u, 0xffffffffu,
};

static u32 any_count(void) {
  if (chance(40)) return boundary_counts[below(COUNT_OF(boundary_counts))];
  if (chance(80)) return below(8);
  return rnd();
}

static void fill_random(u32 at, u32 len) {
  uint8_t *p = (uint8_t *)(uintptr_t)at;
  for (u32 i = 0; i < len; i++) p[i] = (uint8_t)rnd();
}


/* ---- descriptors ---- */
#define POOL_MAX 40
static u32 pool[POOL_MAX];      /* the fuzzer's own sockets, all non-blocking */
static u32 pool_len;
static u32 closed[16];          /* numbers recently closed */
static u32 closed_at;
static u32 protected_fds[8];    /* the echo sockets: never passed to a random call */
static u32 protected_len;
uint16_t listen_ports[8]; /* ports of the fuzzer's own listeners on 127.0.0.1 */

/* Host bugs the fuzzer can step around while they are open (the harness's
 * KNOWN_BUGS; both below are fixed, and it no longer does). Bit 0: connect() on a socket
 * that was bound and has received a connection never returns (finding 7);
 * so no connect on a descriptor the fuzzer tried to bind or listen on. */
#define KNOWN_CONNECT_AFTER_BIND 1u
/* Bit 1: connect() of a datagram socket to port 0 never returns (finding 8). */
#define KNOWN_UDP_CONNECT_PORT_0 2u
static u32 avoid_known;
static uint8_t bound_fds[65536 / 8];

static int was_bound(u32 fd) { return fd < 65536 && (bound_fds[fd / 8] >> (fd % 8)) & 1; }
static void mark_bound(u32 fd, int on) {
  if (fd >= 65536) return;
  if (on) bound_fds[fd / 8] |= (uint8_t)(1u << (fd % 8));
  else bound_fds[fd / 8] &= (uint8_t)~(1u << (fd % 8));
}

/* Keeps `fd` (an echo socket) out of every random call. */
void protect(u32 fd) {
  if (protected_len < 8) protected_fds[protected_len++] = fd;
}

static int is_protected(u32 fd) {
  for (u32 i = 0; i < protected_len; i++)
    if (protected_fds[i] == fd) return 1;
  return 0;
}

static int pool_index(u32 fd) {
  for (u32 i = 0; i < pool_len; i++)
    if (pool[i] == fd) return (int)i;
  return -1;
}

static void pool_forget(u32 fd) {
  int i = pool_index(fd);
  if (i < 0) return;
  pool[i] = pool[--pool_len];
  closed[closed_at++ % 16] = fd;
  mark_bound(fd, 0);
}

void pool_add(u32 fd) {
  if (is_protected(fd) || pool_index(fd) >= 0) return;
  if (pool_len == POOL_MAX) {
    /* full: close one (answers are not checked, only that it answers) */
    u32 victim = pool[below(pool_len)];
    p_fd_close(victim);
    pool_forget(victim);
  }
  pool[pool_len++] = fd;
}

static const u32 odd_fds[] = { 0, 1, 2, 3, 4, 1023, 1024, 65535, 65536, 0x7fffffffu, 0x80000000u, 0xffffffffu };

/* A descriptor for a random call: the fuzzer's sockets, closed ones, stdio,
 * the preopen, numbers never given out — never an echo socket. */
static u32 any_fd(void) {
  u32 fd;
  switch (below(10)) {
  case 0: case 1: case 2: case 3: case 4:
    fd = pool_len ? pool[below(pool_len)] : 0xffffffffu; break;
  case 5: fd = closed[below(16)]; break;
  case 6: case 7: fd = odd_fds[below(COUNT_OF(odd_fds))]; break;
  default: fd = below(128); break;
  }
  return is_protected(fd) ? 0xffffffffu : fd;
}

/* ---- addresses: loopback or the sandbox only ---- */

/* A port nobody listens on (127.13/16 has no listeners), one of the
 * fuzzer's own listeners, or 0. */
static uint16_t any_port(void) {
  switch (below(4)) {
  case 0: return 0;
  case 1: return listen_ports[below(8)];
  default: return (uint16_t)(1 + below(1023));
  }
}

static u32 write_address(u32 at) {
  uint8_t *p = (uint8_t *)(uintptr_t)at;
  static const char *paths[] = {
    "/sandbox/s0", "/sandbox/s1", "/sandbox/../etc/x", "/etc/passwd", "sandbox/rel", "",
  };
  if (chance(10)) fill_random(at, ADDR_SIZE); else memset(p, 0, ADDR_SIZE);
  u32 family = chance(90) ? 1 + below(3) : (chance(50) ? 0 : rnd() & 0xffff);
  uint16_t port = any_port();
  put16(at, (uint16_t)family);
  put16(at + 2, port);
  if (family == 1) {
    int own = port != 0 && port >= 1024;
    p[8] = 127; p[9] = own ? 0 : 13; p[10] = own ? 0 : (uint8_t)below(4); p[11] = 1;
  } else if (family == 2) {
    memset(p + 8, 0, 16);
    if (chance(50)) { p[23] = 1; }                                  /* ::1 */
    else { p[18] = p[19] = 0xff; p[20] = 127; p[21] = 13; p[23] = 1; } /* ::ffff:127.13.0.1 */
    if (chance(20)) put32(at + 4, rnd());   /* flow information */
    if (chance(10)) put32(at + 24, rnd());  /* scope id */
  } else if (family == 3) {
    memset(p + 28, 0, 108);
    if (chance(15)) {
      for (u32 i = 0; i < 108; i++) p[28 + i] = (uint8_t)(1 + below(255)); /* no NUL at all */
    } else {
      const char *path = paths[below(COUNT_OF(paths))];
      memcpy(p + 28, path, strlen(path));
      if (chance(20)) p[28 + 3] = 0;       /* a NUL inside */
    }
  }
  return at;
}

/* ---- strings for the resolver and the databases ---- */
/* Names with their lengths: some hold a NUL, which the host must refuse. */
struct name { const char *text; u32 len; };
#define NAME(s) { s, sizeof(s) - 1 }
static const struct name node_names[] = {
  NAME("127.0.0.1"), NAME("::1"), NAME("127.13.0.1"), NAME("::ffff:127.0.0.1"), NAME("0"),
  NAME("0x7f.1"), NAME("1.2.3.4"), NAME("fe80::1%1"), NAME("localhost\0.attacker.example"),
  NAME("127.0.0.1\0.attacker.example"), NAME(""),
};
static const struct name service_names[] = {
  NAME("http"), NAME("80"), NAME("65535"), NAME("65536"), NAME("99999999999"), NAME("domain"),
  NAME("ssh"), NAME("http\0evil"), NAME(""), NAME("tcp"), NAME("-1"),
};
static const struct name proto_names[] = {
  NAME("tcp"), NAME("udp"), NAME("TCP"), NAME("icmp"), NAME("tcp\0"), NAME("nope"), NAME(""),
};
static int allow_localhost;

/* Writes one of `names` (or garbage) into the arena; sets *len and, for
 * garbage, *garbage, so the caller can keep it from the system resolver. */
static u32 put_name(const struct name *names, u32 count, u32 *len, int *garbage) {
  u32 at = good_ptr(2048);
  *garbage = 0;
  if (chance(15)) {
    *len = chance(10) ? 1025 + below(64) : below(64);
    fill_random(at, *len);
    *garbage = 1;
    return at;
  }
  const struct name *n = &names[below(count)];
  memcpy((void *)(uintptr_t)at, n->text, n->len);
  *len = n->len;
  return at;
}

static u32 string_arg(const struct name *names, u32 count, u32 *len) {
  int garbage;
  u32 at = put_name(names, count, len, &garbage);
  if (chance(8)) { *len = any_len(); return any_ptr(*len); }
  return at;
}

/* ---- scatter/gather tables ---- */
/* Every entry the host may read (up to its IOV_MAX) is written here, into
 * the arena or off the end of memory. Stale arena bytes read as entries
 * can point at this guest's own data, which a recv then rightly fills: the
 * likely cause of a rare trap in put_name, whose names tables and `arena`
 * lie there. A hostile table lies at least partly outside memory, so the
 * host refuses it whole. */
#define HOST_IOV_MAX 1024u
static u32 iovec_table(u32 count) {
  if (chance(8)) return bad_ptr(count * 8);
  u32 n = count > HOST_IOV_MAX ? HOST_IOV_MAX : count;
  u32 table = good_ptr(n * 8);
  for (u32 i = 0; i < n; i++) {
    u32 len = chance(70) ? below(4096) : any_len();
    put32(table + i * 8, chance(80) ? good_ptr(len < arena_size ? len : 0) : any_ptr(len));
    put32(table + i * 8 + 4, len);
  }
  return table;
}

/* ---- one random call ---- */
static void call_socket_open(void) {
  static const u32 families[] = { 0, 1, 2, 3, 4, 0xffffffffu };
  static const u32 types[] = { 0, 1, 2, 3, 5, 6, 0x80000001u };
  static const u32 protocols[] = { 0, 6, 17, 1, 255, 0xffffffffu };
  u32 out = any_ptr(4);
  u32 flags = 1 | (chance(10) ? rnd() : 0);
  int rc = x_socket_open(families[below(6)], types[below(7)], protocols[below(6)], flags, out);
  if (rc == 0) pool_add(get32(out));
}

static void call_bind(void) {
  u32 addr = chance(85) ? write_address(good_ptr(ADDR_SIZE)) : bad_ptr(ADDR_SIZE);
  u32 len = chance(85) ? ADDR_SIZE : any_len();
  u32 fd = any_fd();
  x_socket_bind(fd, addr, len);
  mark_bound(fd, 1);
}

static void call_connect(void) {
  u32 addr = chance(85) ? write_address(good_ptr(ADDR_SIZE)) : bad_ptr(ADDR_SIZE);
  u32 len = chance(85) ? ADDR_SIZE : any_len();
  u32 fd = any_fd();
  if ((avoid_known & KNOWN_CONNECT_AFTER_BIND) && was_bound(fd)) fd = 0xffffffffu;
  if ((avoid_known & KNOWN_UDP_CONNECT_PORT_0) && addr < memory_end() - ADDR_SIZE && get32(addr) >> 16 == 0) {
    uint8_t stat[24];
    if (p_fd_fdstat_get(fd, A(stat)) == 0 && stat[0] == 5 /* SOCKET_DGRAM */) put16(addr + 2, 9);
  }
  x_socket_connect(fd, addr, len);
}

static void call_option(int set) {
  static const u32 levels[] = { 0, 1, 2, 3, 4, 5, 0xffffffffu };
  u32 level = levels[below(7)];
  u32 name = chance(80) ? below(14) : rnd();
  if (set) {
    static const u32 values[] = { 0, 1, 2, 0x7fffffffu, 0x80000000u, 0xffffffffu, 4096 };
    x_socket_set_option(any_fd(), level, name, chance(70) ? values[below(7)] : rnd());
  } else {
    x_socket_get_option(any_fd(), level, name, any_ptr(4));
  }
}

static void call_send_to(void) {
  u32 len = chance(70) ? below(2048) : any_len();
  u32 buf = chance(80) ? good_ptr(len < arena_size ? len : 0) : any_ptr(len);
  u32 addr = chance(50) ? 0 : chance(85) ? write_address(good_ptr(ADDR_SIZE)) : bad_ptr(ADDR_SIZE);
  x_socket_send_to(any_fd(), buf, len, chance(80) ? 0 : rnd(), addr, any_ptr(4));
}

static void call_recv_from(void) {
  u32 len = chance(70) ? below(4096) : any_len();
  u32 buf = chance(80) ? good_ptr(len < arena_size ? len : 0) : any_ptr(len);
  u32 addr = chance(50) ? 0 : any_ptr(ADDR_SIZE);
  x_socket_recv_from(any_fd(), buf, len, chance(70) ? below(4) : rnd(), addr, any_ptr(4));
}

static void call_resolve(void) {
  u32 node_len = 0, service_len = 0, node = 0, service = 0;
  int garbage = 0;
  u32 hints = good_ptr(16);
  static const u32 families[] = { 0, 1, 2, 3, 99 };
  u32 flags = chance(70) ? below(128) : rnd();
  u32 family = families[below(5)];
  if (chance(85)) node = put_name(node_names, COUNT_OF(node_names), &node_len, &garbage);
  if (allow_localhost && chance(10)) {
    node = good_ptr(16);
    memcpy((void *)(uintptr_t)node, "localhost", 9);
    node_len = 9;
    family = 1;             /* /etc/hosts answers it: no query leaves the machine */
    flags &= ~(8u | 16u);   /* no V4MAPPED/ALL */
  } else if (garbage || chance(50)) {
    flags |= 4;             /* NUMERICHOST: garbage never reaches the system resolver */
  }
  if (chance(60)) service = string_arg(service_names, COUNT_OF(service_names), &service_len);
  if (chance(5)) { node = any_ptr(64); node_len = any_len(); flags |= 4; }
  put32(hints, flags);
  put32(hints + 4, family);
  put32(hints + 8, below(7));
  put32(hints + 12, chance(80) ? below(18) : rnd());
  if (chance(5)) hints = bad_ptr(16);
  u32 out_count = chance(70) ? below(8) : any_count();
  u32 out = chance(80) ? good_ptr(out_count * 144 < arena_size ? out_count * 144 : 0) : any_ptr(out_count * 144);
  u32 canon_len = chance(70) ? below(256) : any_len();
  u32 canon = chance(80) ? good_ptr(canon_len < arena_size ? canon_len : 0) : any_ptr(canon_len);
  x_resolve(node, node_len, service, service_len, hints, out, out_count, any_ptr(4), canon, canon_len);
}

static void call_name_info(void) {
  u32 addr = write_address(good_ptr(ADDR_SIZE));
  u32 flags = chance(70) ? below(32) : rnd();
  /* a reverse lookup only for 127.0.0.1, which /etc/hosts answers */
  int reverse_ok = allow_localhost && get32(addr) % 65536 == 1 && chance(20);
  if (reverse_ok) {
    uint8_t *p = (uint8_t *)(uintptr_t)addr;
    p[8] = 127; p[9] = 0; p[10] = 0; p[11] = 1;
  } else {
    flags |= 1; /* NUMERICHOST */
  }
  if (chance(5)) addr = bad_ptr(ADDR_SIZE);
  u32 host_len = chance(70) ? below(300) : any_len();
  u32 serv_len = chance(70) ? below(64) : any_len();
  u32 host = chance(80) ? good_ptr(host_len < arena_size ? host_len : 0) : any_ptr(host_len);
  u32 serv = chance(80) ? good_ptr(serv_len < arena_size ? serv_len : 0) : any_ptr(serv_len);
  x_name_info(addr, flags, host, host_len, serv, serv_len);
}

static void call_database(u32 which) {
  u32 out_len = chance(70) ? below(512) : any_len();
  u32 out = chance(80) ? good_ptr(out_len < arena_size ? out_len : 0) : any_ptr(out_len);
  u32 name_len, proto_len = 0, name, proto = 0;
  name = string_arg(service_names, COUNT_OF(service_names), &name_len);
  if (chance(60)) proto = string_arg(proto_names, COUNT_OF(proto_names), &proto_len);
  if (which == 0) x_service_by_name(name, name_len, proto, proto_len, out, out_len);
  else if (which == 1) x_service_by_port(chance(80) ? below(1024) : rnd(), proto, proto_len, out, out_len);
  else x_protocol_by_name(proto ? proto : name, proto ? proto_len : name_len, out, out_len);
}

static void call_iovec(u32 op) {
  u32 count = any_count();
  u32 table = iovec_table(count);
  u32 fd = any_fd();
  u32 out = any_ptr(4);
  switch (op) {
  case OP_SOCK_RECV: p_sock_recv(fd, table, count, chance(80) ? below(4) : rnd(), out, any_ptr(2)); break;
  case OP_SOCK_SEND: p_sock_send(fd, table, count, chance(80) ? 0 : rnd(), out); break;
  case OP_FD_READ: p_fd_read(fd, table, count, out); break;
  case OP_FD_WRITE: p_fd_write(fd, table, count, out); break;
  case OP_FD_PREAD: p_fd_pread(fd, table, count, chance(50) ? 0 : next64(), out); break;
  default: p_fd_pwrite(fd, table, count, chance(50) ? 0 : next64(), out); break;
  }
}

static void call_accept(void) {
  u32 out = any_ptr(4);
  u32 fd = any_fd();
  if (p_sock_accept(fd, 4 | (chance(10) ? rnd() : 0), out) == 0) pool_add(get32(out));
}

static void call_close(void) {
  u32 fd = any_fd();
  /* stdio and the preopen stay: closing them is fine, but the rest of the
   * run would then only fuzz EBADF on them */
  if (fd <= 3 && chance(95)) fd = 0xffffffffu;
  if (p_fd_close(fd) == 0) {
    pool_forget(fd);
    mark_bound(fd, 0);
  }
}

static void call_renumber(void) {
  u32 from = any_fd(), to = chance(50) ? any_fd() : below(256);
  if (is_protected(to) || (to <= 3 && chance(95)) || (from <= 3 && chance(95))) to = 0xffffffffu;
  if (p_fd_renumber(from, to) == 0 && from != to) {
    int was_ours = pool_index(from) >= 0, bound = was_bound(from);
    pool_forget(from);
    if (pool_index(to) >= 0) pool_forget(to);
    mark_bound(from, 0);
    mark_bound(to, bound);
    if (was_ours) pool_add(to);
  }
}

/* A table of subscriptions, mostly sane, always with a clock of at most
 * 1 ms, so that the call returns at once whatever the descriptors do. */
static void call_poll(void) {
  u32 count = 1 + below(48);
  u32 in = good_ptr(count * 48), out = good_ptr(count * 32);
  if (chance(20)) fill_random(in, count * 48);
  for (u32 i = 0; i < count; i++) {
    u32 at = in + i * 48;
    if (!chance(20)) {
      put64(at, next64());
      *(uint8_t *)(uintptr_t)(at + 8) = (uint8_t)(chance(95) ? 1 + below(2) : below(256));
      put32(at + 16, any_fd());
    }
  }
  /* the bounding clock: relative ≤ 1 ms, or an absolute time in the past */
  u32 clock = in + below(count) * 48;
  put64(clock, 0xc10c);
  *(uint8_t *)(uintptr_t)(clock + 8) = 0;
  put32(clock + 16, below(2));
  put64(clock + 24, below(1000000));
  put16(clock + 40, (uint16_t)(chance(10) ? 1 : 0));
  if (chance(10)) {
    /* other clocks in the table must not outlast it either */
    for (u32 i = 0; i < count; i++)
      if (*(uint8_t *)(uintptr_t)(in + i * 48 + 8) == 0) put64(in + i * 48 + 24, below(1000000)), put16(in + i * 48 + 40, 0);
  } else {
    for (u32 i = 0; i < count; i++)
      if (*(uint8_t *)(uintptr_t)(in + i * 48 + 8) == 0 && in + i * 48 != clock) {
        put64(in + i * 48 + 24, below(1000000));
        put16(in + i * 48 + 40, 0);
      }
  }
  if (chance(5)) out = any_ptr(count * 32);
  if (chance(5)) in = bad_ptr(count * 48);
  p_poll_oneoff(in, out, count, chance(95) ? good_ptr(4) : any_ptr(4));
}

/* Counts no host may act on: all must come back at once. */
static void call_poll_huge(void) {
  static const u32 counts[] = { 0, 131074, 1u << 20, 1u << 29, 0x7fffffffu, 0x80000000u, 0xfffffffeu, 0xffffffffu };
  u32 count = counts[below(COUNT_OF(counts))];
  /* the table is the arena's garbage: none of these counts may read it */
  p_poll_oneoff(chance(70) ? arena : bad_ptr(48), chance(70) ? arena : any_ptr(32), count, any_ptr(4));
}

static void random_call(void) {
  u32 op = below(OP_POLL_HUGE + 1);
  harness_note(op);
  op_counts[op]++;
  switch (op) {
  case OP_SOCKET_OPEN: call_socket_open(); break;
  case OP_SOCKET_BIND: call_bind(); break;
  case OP_SOCKET_CONNECT: call_connect(); break;
  case OP_SOCKET_LISTEN: {
    u32 fd = any_fd();
    x_socket_listen(fd, chance(70) ? below(16) : rnd());
    mark_bound(fd, 1);
    break;
  }
  case OP_SOCKET_LOCAL_ADDR: x_socket_local_addr(any_fd(), any_ptr(ADDR_SIZE)); break;
  case OP_SOCKET_PEER_ADDR: x_socket_peer_addr(any_fd(), any_ptr(ADDR_SIZE)); break;
  case OP_SOCKET_GET_OPTION: call_option(0); break;
  case OP_SOCKET_SET_OPTION: call_option(1); break;
  case OP_SOCKET_SEND_TO: call_send_to(); break;
  case OP_SOCKET_RECV_FROM: call_recv_from(); break;
  case OP_RESOLVE: call_resolve(); break;
  case OP_NAME_INFO: call_name_info(); break;
  case OP_HOST_NAME: { u32 len = any_len(); x_host_name(chance(50) ? good_ptr(len < arena_size ? len : 0) : any_ptr(len), len); break; }
  case OP_SERVICE_BY_NAME: call_database(0); break;
  case OP_SERVICE_BY_PORT: call_database(1); break;
  case OP_PROTOCOL_BY_NAME: call_database(2); break;
  case OP_SOCK_ACCEPT: call_accept(); break;
  case OP_SOCK_SHUTDOWN: p_sock_shutdown(any_fd(), chance(80) ? below(5) : rnd()); break;
  case OP_FD_CLOSE: call_close(); break;
  case OP_FD_FDSTAT_GET: p_fd_fdstat_get(any_fd(), any_ptr(24)); break;
  case OP_FD_FDSTAT_SET_FLAGS: p_fd_fdstat_set_flags(any_fd(), 4 | (chance(20) ? rnd() & ~0u : 0)); break;
  case OP_FD_FILESTAT_GET: p_fd_filestat_get(any_fd(), any_ptr(64)); break;
  case OP_FD_RENUMBER: call_renumber(); break;
  case OP_POLL_ONEOFF: call_poll(); break;
  case OP_POLL_HUGE: call_poll_huge(); break;
  default: call_iovec(op); break;
  }
}


EXPORT(fuzz_setup) int fuzz_setup(u32 seed_lo, u32 seed_hi, int lookups_of_localhost, u32 avoid) {
  avoid_known = avoid;
  rng_state = ((u64)seed_hi << 32 | seed_lo) ^ 0x9e3779b97f4a7c15ULL;
  if (rng_state == 0) rng_state = 1;
  allow_localhost = lookups_of_localhost;
  arena = (u32)__builtin_wasm_memory_grow(0, ARENA_PAGES) * PAGE;
  arena_size = ARENA_PAGES * PAGE;
  for (u32 i = 0; i < 16; i++) closed[i] = 0xffffffffu;
  return make_echo_sockets() || make_listeners();
}

/* A sum over data of this guest's that no call is given: checked after
 * every chunk, so a write that strays there is reported as such, not as a
 * trap some calls later. */
static u32 own_data_sum(void) {
  const uint8_t *parts[] = { (const uint8_t *)node_names, (const uint8_t *)service_names,
                             (const uint8_t *)proto_names, (const uint8_t *)&arena, (const uint8_t *)&arena_size };
  const u32 sizes[] = { sizeof(node_names), sizeof(service_names), sizeof(proto_names), sizeof(arena), sizeof(arena_size) };
  u32 sum = 2166136261u;
  for (u32 p = 0; p < COUNT_OF(parts); p++)
    for (u32 i = 0; i < sizes[p]; i++) sum = (sum ^ parts[p][i]) * 16777619u;
  return sum;
}
static u32 own_data_expected;

/* `calls` random calls with an echo check every few dozen; 0 when every
 * echo came back intact. */
EXPORT(fuzz_run) int fuzz_run(u32 calls) {
  if (!own_data_expected) own_data_expected = own_data_sum();
  for (u32 i = 0; i < calls; i++) {
    random_call();
    if (below(40) == 0 && echo_tcp()) return 1;
    if (below(80) == 0 && echo_udp()) return 1;
  }
  if (own_data_sum() != own_data_expected) return fail("the guest's own data was overwritten", 0);
  return 0;
}

/* Closes everything the fuzzer holds; the harness then counts what is left. */
EXPORT(fuzz_teardown) int fuzz_teardown(void) {
  while (pool_len) {
    u32 fd = pool[--pool_len];
    p_fd_close(fd);
  }
  int rc = echo_tcp() || echo_udp();
  close_echo_sockets();
  protected_len = 0;
  return rc;
}

EXPORT(fuzz_op_count) u32 fuzz_op_count(u32 op) { return op < OP_COUNT ? op_counts[op] : 0; }
EXPORT(fuzz_ops) u32 fuzz_ops(void) { return OP_COUNT; }
