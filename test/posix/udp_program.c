/* UDP the way a DNS client or a discovery daemon uses it: connect() for a
 * default peer, getsockname() for the local address chosen, sendto() with
 * an address on the connected socket, connect(AF_UNSPEC) to dissolve the
 * association, and a multicast group joined on the loopback interface. */
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

static int udp_on_loopback(struct sockaddr_in *addr) {
  socklen_t len = sizeof(*addr);
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  memset(addr, 0, sizeof(*addr));
  addr->sin_family = AF_INET;
  addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, (struct sockaddr *)addr, sizeof(*addr)) < 0) DIE("bind");
  getsockname(fd, (struct sockaddr *)addr, &len);
  return fd;
}

/* One datagram within 2 s, as text; "(nothing)" when none came. */
static void show_received(const char *who, int fd) {
  char buf[64];
  struct pollfd p = {fd, POLLIN, 0};
  ssize_t n;
  if (poll(&p, 1, 2000) <= 0) {
    printf("%s: (nothing)\n", who);
    return;
  }
  n = recv(fd, buf, sizeof(buf) - 1, 0);
  buf[n > 0 ? n : 0] = '\0';
  printf("%s: %s\n", who, n >= 0 ? buf : errno_name(errno));
}

static void show_local(const char *what, int fd) {
  struct sockaddr_in local;
  socklen_t len = sizeof(local);
  char text[INET_ADDRSTRLEN];
  if (getsockname(fd, (struct sockaddr *)&local, &len) < 0) DIE("getsockname");
  printf("%s: %s, port set: %s\n", what, inet_ntop(AF_INET, &local.sin_addr, text, sizeof(text)),
         local.sin_port != 0 ? "yes" : "no");
}

static void association(void) {
  struct sockaddr_in b_addr, c_addr, none;
  int b = udp_on_loopback(&b_addr), c = udp_on_loopback(&c_addr);
  int a = socket(AF_INET, SOCK_DGRAM, 0);
  struct sockaddr_in peer;
  socklen_t len = sizeof(peer);

  SHOW("connect a to b", connect(a, (struct sockaddr *)&b_addr, sizeof(b_addr)));
  show_local("a's local address after connect", a);
  SHOW("send to the peer", send(a, "to b", 4, 0));
  show_received("b got", b);
  SHOW("sendto c on the connected socket", sendto(a, "to c", 4, 0, (struct sockaddr *)&c_addr, sizeof(c_addr)));
  show_received("c got", c);
  SHOW("sendto b by address", sendto(a, "to b again", 10, 0, (struct sockaddr *)&b_addr, sizeof(b_addr)));
  show_received("b got", b);

  /* A connected socket hears only its peer. */
  sendto(c, "from c", 6, 0, (struct sockaddr *)&b_addr, sizeof(b_addr));
  show_received("b got (c is not b's peer, b is unconnected)", b);
  {
    struct sockaddr_in a_addr;
    socklen_t alen = sizeof(a_addr);
    getsockname(a, (struct sockaddr *)&a_addr, &alen);
    sendto(c, "from c to a", 11, 0, (struct sockaddr *)&a_addr, sizeof(a_addr));
    show_received("a got (c is not a's peer)", a);
    sendto(b, "from b to a", 11, 0, (struct sockaddr *)&a_addr, sizeof(a_addr));
    show_received("a got (b is a's peer)", a);
  }

  memset(&none, 0, sizeof(none));
  none.sin_family = AF_UNSPEC;
  SHOW("connect AF_UNSPEC", connect(a, (struct sockaddr *)&none, sizeof(none)));
  SHOW("getpeername after AF_UNSPEC", getpeername(a, (struct sockaddr *)&peer, &len));
  SHOW("send without an address after AF_UNSPEC", send(a, "x", 1, 0));
  show_local("a's local address after AF_UNSPEC", a);
  SHOW("connect AF_UNSPEC again", connect(a, (struct sockaddr *)&none, sizeof(none)));
  SHOW("connect to c", connect(a, (struct sockaddr *)&c_addr, sizeof(c_addr)));
  SHOW("send to the new peer", send(a, "to c", 4, 0));
  show_received("c got", c);
  {
    /* shutdown(SHUT_RD) on a connected socket: readable at once, and a
     * recv on the empty queue is 0 (the host once waited for a datagram). */
    struct pollfd p = {a, POLLIN, 0};
    char buf[8];
    int ready;
    SHOW("shutdown SHUT_RD", shutdown(a, SHUT_RD));
    ready = poll(&p, 1, 0);
    printf("poll after SHUT_RD: %d, POLLIN %d\n", ready, (p.revents & POLLIN) != 0);
    if (p.revents & POLLIN) printf("recv after SHUT_RD: %zd\n", recv(a, buf, sizeof(buf), 0));
  }
  {
    /* A socket never used: nothing to dissolve (the host once answered EBADF). */
    int fresh = socket(AF_INET, SOCK_DGRAM, 0);
    SHOW("connect AF_UNSPEC on a fresh socket", connect(fresh, (struct sockaddr *)&none, sizeof(none)));
    close(fresh);
  }
  close(a);
  close(b);
  close(c);
}

static void multicast(void) {
  struct sockaddr_in group_addr, any;
  struct ip_mreq mreq;
  struct in_addr iface;
  unsigned char loop = 1;
  socklen_t len = sizeof(any);
  int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0), one = 1;

  setsockopt(rx, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  memset(&any, 0, sizeof(any));
  any.sin_family = AF_INET;
  any.sin_addr.s_addr = htonl(INADDR_ANY);
  if (bind(rx, (struct sockaddr *)&any, sizeof(any)) < 0) DIE("bind");
  getsockname(rx, (struct sockaddr *)&any, &len);

  memset(&mreq, 0, sizeof(mreq));
  mreq.imr_multiaddr.s_addr = inet_addr("239.255.42.99");
  mreq.imr_interface.s_addr = htonl(INADDR_LOOPBACK);
  SHOW("IP_ADD_MEMBERSHIP on loopback", setsockopt(rx, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)));
  mreq.imr_multiaddr.s_addr = inet_addr("10.0.0.1");
  SHOW("IP_ADD_MEMBERSHIP of a unicast address", setsockopt(rx, IPPROTO_IP, IP_ADD_MEMBERSHIP, &mreq, sizeof(mreq)));

  iface.s_addr = htonl(INADDR_LOOPBACK);
  SHOW("IP_MULTICAST_IF loopback", setsockopt(tx, IPPROTO_IP, IP_MULTICAST_IF, &iface, sizeof(iface)));
  SHOW("IP_MULTICAST_LOOP (one byte)", setsockopt(tx, IPPROTO_IP, IP_MULTICAST_LOOP, &loop, sizeof(loop)));
  group_addr = any;
  group_addr.sin_addr.s_addr = inet_addr("239.255.42.99");
  SHOW("sendto the group", sendto(tx, "to the group", 12, 0, (struct sockaddr *)&group_addr, sizeof(group_addr)));
  show_received("member got", rx);

  mreq.imr_multiaddr.s_addr = inet_addr("239.255.42.99");
  SHOW("IP_DROP_MEMBERSHIP", setsockopt(rx, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreq, sizeof(mreq)));
  SHOW("IP_DROP_MEMBERSHIP again", setsockopt(rx, IPPROTO_IP, IP_DROP_MEMBERSHIP, &mreq, sizeof(mreq)));
  close(rx);
  close(tx);
}

/* What Node refuses before asking the kernel must read as Linux's errors. */
static void refusals(void) {
  struct sockaddr_in b_addr, zero;
  int b = udp_on_loopback(&b_addr), a = socket(AF_INET, SOCK_DGRAM, 0);
  zero = b_addr;
  zero.sin_port = 0;
  SHOW("sendto port 0", sendto(a, "x", 1, 0, (struct sockaddr *)&zero, sizeof(zero)));
  SHOW("sendto after that", sendto(a, "y", 1, 0, (struct sockaddr *)&b_addr, sizeof(b_addr)));
  show_received("b got", b);
  zero.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  SHOW("bind after an implicit bind", bind(a, (struct sockaddr *)&zero, sizeof(zero)));
  SHOW("bind again", bind(b, (struct sockaddr *)&zero, sizeof(zero)));
  SHOW("send after that", sendto(a, "z", 1, 0, (struct sockaddr *)&b_addr, sizeof(b_addr)));
  show_received("b got", b);
  close(a);
  close(b);
}

/* The same over IPv6: a group joined on the loopback interface by index.
 * No datagram is sent: whether lo routes IPv6 multicast depends on the
 * machine (Linux says ENETUNREACH where it does not, and the host reports
 * a datagram's send error on the next call, not on the sendto). */
static void multicast6(void) {
  struct sockaddr_in6 any;
  struct ipv6_mreq mreq;
  unsigned int lo = if_nametoindex("lo");
  int rx = socket(AF_INET6, SOCK_DGRAM, 0), tx = socket(AF_INET6, SOCK_DGRAM, 0), loop = 1;
  socklen_t len = sizeof(any);
  if (rx < 0 || tx < 0) DIE("socket6");
  memset(&any, 0, sizeof(any));
  any.sin6_family = AF_INET6;
  any.sin6_addr = in6addr_any;
  if (bind(rx, (struct sockaddr *)&any, sizeof(any)) < 0) DIE("bind6");
  getsockname(rx, (struct sockaddr *)&any, &len);
  memset(&mreq, 0, sizeof(mreq));
  inet_pton(AF_INET6, "ff02::4242", &mreq.ipv6mr_multiaddr);
  mreq.ipv6mr_interface = lo;
  SHOW("IPV6_JOIN_GROUP on lo", setsockopt(rx, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq, sizeof(mreq)));
  SHOW("IPV6_MULTICAST_IF lo", setsockopt(tx, IPPROTO_IPV6, IPV6_MULTICAST_IF, &lo, sizeof(lo)));
  SHOW("IPV6_MULTICAST_LOOP", setsockopt(tx, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, &loop, sizeof(loop)));
  SHOW("IPV6_LEAVE_GROUP", setsockopt(rx, IPPROTO_IPV6, IPV6_LEAVE_GROUP, &mreq, sizeof(mreq)));
  SHOW("IPV6_LEAVE_GROUP again", setsockopt(rx, IPPROTO_IPV6, IPV6_LEAVE_GROUP, &mreq, sizeof(mreq)));
  inet_pton(AF_INET6, "2001:db8::1", &mreq.ipv6mr_multiaddr);
  SHOW("IPV6_JOIN_GROUP of a unicast address", setsockopt(rx, IPPROTO_IPV6, IPV6_JOIN_GROUP, &mreq, sizeof(mreq)));
  close(rx);
  close(tx);
}

int main(void) {
  refusals();
  association();
  multicast();
  multicast6();
  return 0;
}
