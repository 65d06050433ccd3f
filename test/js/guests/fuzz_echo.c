/* The guest fuzzer's echo checks: random bytes over a real loopback TCP
 * connection and numbered datagrams over a UDP pair, sent and received with
 * every call that can, compared byte for byte. The sockets they use are
 * kept out of the random calls (fuzz.c), so any difference is the host's. */
#include "fuzz.h"

/* ---- echo checks over real loopback sockets ---- */
static char failure[256];
static u32 tcp_client, tcp_server, udp_a, udp_b;
static uint8_t sent[16384], got[16384];
static uint8_t local_addr[ADDR_SIZE];
static u32 scratch[64];

int fail(const char *what, int rc) {
  static const char digits[] = "0123456789";
  size_t n = strlen(what);
  if (n > 200) n = 200;
  memcpy(failure, what, n);
  memcpy(failure + n, " (rc ", 5);
  n += 5;
  u32 v = (u32)rc;
  char tmp[12];
  int k = 0;
  do { tmp[k++] = digits[v % 10]; v /= 10; } while (v);
  while (k) failure[n++] = tmp[--k];
  failure[n++] = ')';
  failure[n] = 0;
  return 1;
}

/* Waits (at most `ms`) until `fd` is readable (write = 0) or writable. */
static int wait_for(u32 fd, int write, u32 ms) {
  static uint8_t subs[96], events[64];
  u32 n;
  memset(subs, 0, sizeof(subs));
  put64(A(subs), 1);
  subs[8] = (uint8_t)(write ? 2 : 1);
  put32(A(subs) + 16, fd);
  put64(A(subs) + 48, 2);
  subs[56] = 0;
  put32(A(subs) + 64, 1);
  put64(A(subs) + 72, (u64)ms * 1000000u);
  int rc = p_poll_oneoff(A(subs), A(events), 2, A(&n));
  if (rc) return rc;
  for (u32 i = 0; i < n; i++)
    if (get32(A(events) + i * 32) == 1) return 0;
  return 6; /* EAGAIN: timed out */
}

/* Sends all of buf[0..len) with a randomly chosen call. */
static int send_all(u32 fd, const uint8_t *buf, u32 len) {
  u32 done = 0, tries = 0;
  while (done < len) {
    u32 n = 0, chunk = len - done;
    int rc;
    u32 pick = below(3);
    if (pick == 0) {
      rc = x_socket_send_to(fd, A(buf + done), chunk, 0, 0, A(&n));
    } else {
      u32 iov[6], parts = 1 + below(3), at = done;
      for (u32 i = 0; i < parts; i++) {
        u32 piece = i + 1 == parts ? len - at : below(len - at + 1);
        iov[i * 2] = A(buf + at);
        iov[i * 2 + 1] = piece;
        at += piece;
      }
      rc = pick == 1 ? p_fd_write(fd, A(iov), parts, A(&n)) : p_sock_send(fd, A(iov), parts, 0, A(&n));
    }
    if (rc == 6) {
      if (++tries > 50) return fail("echo: send made no progress", rc);
      int w = wait_for(fd, 1, 200);
      if (w && w != 6) return fail("echo: poll for writing failed", w);
      continue;
    }
    if (rc) return fail("echo: send failed", rc);
    done += n;
  }
  return 0;
}

/* Receives exactly len bytes into buf, peeking now and then. */
static int recv_all(u32 fd, uint8_t *buf, u32 len) {
  u32 done = 0, tries = 0;
  while (done < len) {
    u32 n = 0;
    uint16_t roflags = 0;
    int rc;
    u32 want = 1 + below(len - done);
    u32 pick = below(4);
    if (pick == 0) {
      rc = x_socket_recv_from(fd, A(buf + done), want, 0, 0, A(&n));
    } else if (pick == 1) {
      u32 iov[2] = { A(buf + done), want };
      rc = p_fd_read(fd, A(iov), 1, A(&n));
    } else if (pick == 2) {
      u32 iov[4] = { A(buf + done), want / 2, A(buf + done + want / 2), want - want / 2 };
      rc = p_sock_recv(fd, A(iov), 2, 0, A(&n), A(&roflags));
    } else {
      /* a peek must see what the next read gets */
      uint8_t peek[64];
      u32 pn = 0, k = want < 64 ? want : 64;
      rc = x_socket_recv_from(fd, A(peek), k, 1, 0, A(&pn));
      if (rc == 0) {
        rc = x_socket_recv_from(fd, A(buf + done), k, 0, 0, A(&n));
        if (rc == 0 && (n < pn || memcmp(peek, buf + done, pn) != 0)) return fail("echo: a peek differs from the read after it", (int)n);
      }
    }
    if (rc == 6) {
      if (++tries > 50) return fail("echo: data did not arrive", (int)done);
      int w = wait_for(fd, 0, 200);
      if (w && w != 6) return fail("echo: poll for reading failed", w);
      continue;
    }
    if (rc) return fail("echo: recv failed", rc);
    if (n == 0) return fail("echo: unexpected end of stream", (int)done);
    done += n;
  }
  return 0;
}

int echo_tcp(void) {
  u32 len = 1 + below(chance(80) ? 2048 : sizeof(sent));
  harness_note(OP_ECHO_TCP);
  op_counts[OP_ECHO_TCP]++;
  for (u32 i = 0; i < len; i++) sent[i] = (uint8_t)rnd();
  memset(got, 0, len);
  if (send_all(tcp_client, sent, len)) return 1;
  if (recv_all(tcp_server, got, len)) return 1;
  if (memcmp(sent, got, len) != 0) return fail("echo: the server side got corrupted data", (int)len);
  if (send_all(tcp_server, got, len)) return 1;
  memset(got, 0, len);
  if (recv_all(tcp_client, got, len)) return 1;
  if (memcmp(sent, got, len) != 0) return fail("echo: the echo came back corrupted", (int)len);
  return 0;
}

/* UDP may lose a datagram, but on loopback with a reader waiting it does
 * not: the one loss this check ever saw was a host bug (the guest's closed
 * stdio let it read another socket's data). So a datagram that has not come
 * after 15 s fails the run; a late one is accepted. Each datagram carries
 * its number and length, and bytes that follow from the number, so a late
 * one is recognised and checked too. */
#define UDP_LOSSES_ALLOWED 0
static u32 udp_seq, udp_lost;

static uint8_t udp_byte(u32 seq, u32 i) { return (uint8_t)((seq * 2654435761u + i * 40503u) >> 13); }

static int check_datagram(u32 n, u32 *seq) {
  if (n < 8) return fail("udp echo: a runt datagram", (int)n);
  *seq = get32(A(got));
  if (get32(A(got) + 4) != n) return fail("udp echo: a datagram of the wrong length", (int)n);
  for (u32 i = 8; i < n; i++)
    if (got[i] != udp_byte(*seq, i)) return fail("udp echo: corrupted datagram (at byte)", (int)i);
  return 0;
}

int echo_udp(void) {
  u32 len = 8 + below(1400), n = 0, seq = ++udp_seq, got_seq = 0;
  harness_note(OP_ECHO_UDP);
  op_counts[OP_ECHO_UDP]++;
  put32(A(sent), seq);
  put32(A(sent) + 4, len);
  for (u32 i = 8; i < len; i++) sent[i] = udp_byte(seq, i);
  int rc = x_socket_send_to(udp_a, A(sent), len, 0, 0, A(&n));
  if (rc || n != len) return fail("udp echo: send failed", rc ? rc : (int)n);
  for (u32 tries = 0;;) {
    rc = x_socket_recv_from(udp_b, A(got), sizeof(got), 0, A(local_addr), A(&n));
    if (rc == 0) {
      if (check_datagram(n, &got_seq)) return 1;
      if (got_seq == seq) return 0;
      if (got_seq > seq) return fail("udp echo: a datagram that was never sent", (int)got_seq);
      continue; /* a late one, intact */
    }
    if (rc != 6) return fail("udp echo: recv failed", rc);
    if (++tries > 25) break;
    wait_for(udp_b, 0, tries == 25 ? 10000 : 200);
  }
  u32 error_a = 0, error_b = 0;
  x_socket_get_option(udp_a, 1, 3, A(&error_a));
  x_socket_get_option(udp_b, 1, 3, A(&error_b));
  if (error_a || error_b)
    return fail(error_a ? "udp echo: lost; the sender has SO_ERROR" : "udp echo: lost; the receiver has SO_ERROR", (int)(error_a ? error_a : error_b));
  if (++udp_lost > UDP_LOSSES_ALLOWED) return fail("udp echo: too many datagrams lost", (int)udp_lost);
  return 0;
}

/* ---- setup ---- */
static int open_socket(u32 type, u32 *fd) {
  int rc = x_socket_open(1, type, 0, 1, A(scratch));
  *fd = scratch[0];
  return rc;
}

static void loopback(uint8_t *addr, uint16_t port) {
  memset(addr, 0, ADDR_SIZE);
  addr[0] = 1;
  memcpy(addr + 2, &port, 2);
  addr[8] = 127;
  addr[11] = 1;
}

static uint16_t port_of(const uint8_t *addr) {
  uint16_t port;
  memcpy(&port, addr + 2, 2);
  return port;
}

static int make_tcp_pair(void) {
  u32 listener;
  int rc = open_socket(1, &listener);
  if (rc) return fail("setup: socket", rc);
  loopback(local_addr, 0);
  if ((rc = x_socket_bind(listener, A(local_addr), ADDR_SIZE))) return fail("setup: bind", rc);
  if ((rc = x_socket_listen(listener, 8))) return fail("setup: listen", rc);
  if ((rc = x_socket_local_addr(listener, A(local_addr)))) return fail("setup: local address", rc);
  if ((rc = open_socket(1, &tcp_client))) return fail("setup: socket", rc);
  rc = x_socket_connect(tcp_client, A(local_addr), ADDR_SIZE);
  if (rc != 0 && rc != 26) return fail("setup: connect", rc);
  if ((rc = wait_for(tcp_client, 1, 5000))) return fail("setup: connect did not finish", rc);
  for (int tries = 0;; tries++) {
    rc = p_sock_accept(listener, 4, A(scratch));
    if (rc != 6 || tries > 25) break;
    wait_for(listener, 0, 200);
  }
  if (rc) return fail("setup: accept", rc);
  tcp_server = scratch[0];
  p_fd_close(listener);
  return 0;
}

static int make_udp_pair(void) {
  uint8_t a_addr[ADDR_SIZE];
  int rc;
  if ((rc = open_socket(2, &udp_a)) || (rc = open_socket(2, &udp_b))) return fail("setup: udp socket", rc);
  loopback(a_addr, 0);
  if ((rc = x_socket_bind(udp_a, A(a_addr), ADDR_SIZE))) return fail("setup: udp bind", rc);
  if ((rc = x_socket_bind(udp_b, A(a_addr), ADDR_SIZE))) return fail("setup: udp bind", rc);
  if ((rc = x_socket_local_addr(udp_b, A(a_addr)))) return fail("setup: udp address", rc);
  if ((rc = x_socket_connect(udp_a, A(a_addr), ADDR_SIZE))) return fail("setup: udp connect", rc);
  return 0;
}

/* Listeners the random calls can connect to (and accept from). */
int make_listeners(void) {
  for (u32 i = 0; i < 2; i++) {
    u32 fd;
    int rc = open_socket(1, &fd);
    if (rc) return fail("setup: listener socket", rc);
    loopback(local_addr, 0);
    if ((rc = x_socket_bind(fd, A(local_addr), ADDR_SIZE)) || (rc = x_socket_listen(fd, 64)))
      return fail("setup: listener", rc);
    if ((rc = x_socket_local_addr(fd, A(local_addr)))) return fail("setup: listener address", rc);
    for (u32 k = i; k < 8; k += 2) listen_ports[k] = port_of(local_addr);
    pool_add(fd);
  }
  return 0;
}


/* The echo sockets, kept out of every random call. */
int make_echo_sockets(void) {
  if (make_tcp_pair() || make_udp_pair()) return 1;
  protect(tcp_client);
  protect(tcp_server);
  protect(udp_a);
  protect(udp_b);
  return 0;
}

void close_echo_sockets(void) {
  p_fd_close(tcp_client);
  p_fd_close(tcp_server);
  p_fd_close(udp_a);
  p_fd_close(udp_b);
}

EXPORT(fuzz_failure) u32 fuzz_failure(void) { return A(failure); }
EXPORT(fuzz_udp_lost) u32 fuzz_udp_lost(void) { return udp_lost; }
/* The echo sockets, for the harness to describe when a check fails. */
EXPORT(fuzz_echo_fd) u32 fuzz_echo_fd(u32 i) {
  const u32 fds[4] = { tcp_client, tcp_server, udp_a, udp_b };
  return i < 4 ? fds[i] : 0xffffffffu;
}
