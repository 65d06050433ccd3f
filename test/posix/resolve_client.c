/* A client in the style of old network tools: gethostbyname for the
 * server's name, inet_ntoa to show it, connect to the first address. Also
 * the rest of the old-style name API: gethostbyaddr, gethostbyname_r,
 * h_errno/hstrerror, inet_addr/inet_network, getprotobynumber, and the
 * interface API (if_nametoindex, if_indextoname, getifaddrs). */
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common.h"

static void show_host(const char *name) {
  struct hostent *h = gethostbyname(name);
  int i;
  if (h == NULL) {
    printf("gethostbyname(%s): h_errno %d (%s)\n", name, h_errno, hstrerror(h_errno));
    return;
  }
  printf("gethostbyname(%s): type %s length %d\n", name,
         h->h_addrtype == AF_INET ? "AF_INET" : "other", h->h_length);
  for (i = 0; h->h_addr_list[i] != NULL; i++) {
    struct in_addr in;
    memcpy(&in, h->h_addr_list[i], sizeof(in));
    printf("  address %s\n", inet_ntoa(in));
  }
}

static void old_text_functions(void) {
  struct in_addr in;
  printf("inet_addr(10.1.2.3) = %08x\n", (unsigned)ntohl(inet_addr("10.1.2.3")));
  printf("inet_addr(bad) is INADDR_NONE: %s\n", inet_addr("1.2.3.x") == INADDR_NONE ? "yes" : "no");
  printf("inet_addr(0x7f.1) = %08x\n", (unsigned)ntohl(inet_addr("0x7f.1")));
  printf("inet_network(10.1) = %08x\n", (unsigned)inet_network("10.1"));
  printf("inet_network(192.168.1.0) = %08x\n", (unsigned)inet_network("192.168.1.0"));
  in.s_addr = htonl(0xc0a80101);
  printf("inet_ntoa = %s\n", inet_ntoa(in));
}

static void reentrant(void) {
  struct hostent entry, *result = NULL;
  char small[8], big[1024];
  int err = 0, rc;
  rc = gethostbyname_r("localhost", &entry, small, sizeof(small), &result, &err);
  printf("gethostbyname_r small buffer: %s, result %s\n", rc == ERANGE ? "ERANGE" : errno_name(rc),
         result ? "set" : "NULL");
  rc = gethostbyname_r("localhost", &entry, big, sizeof(big), &result, &err);
  if (rc == 0 && result != NULL) {
    struct in_addr in;
    memcpy(&in, result->h_addr_list[0], sizeof(in));
    printf("gethostbyname_r: %s\n", inet_ntoa(in));
  } else {
    printf("gethostbyname_r: rc %d h_errno %d\n", rc, err);
  }
  rc = gethostbyname_r("no-such-host.invalid", &entry, big, sizeof(big), &result, &err);
  printf("gethostbyname_r unknown: rc %d result %s h_errno %s\n", rc, result ? "set" : "NULL",
         err == HOST_NOT_FOUND ? "HOST_NOT_FOUND" : "other");
}

static void by_address(void) {
  struct in_addr in;
  struct hostent *h;
  in.s_addr = htonl(INADDR_LOOPBACK);
  h = gethostbyaddr(&in, sizeof(in), AF_INET);
  printf("gethostbyaddr(127.0.0.1): %s\n", h ? "found" : hstrerror(h_errno));
}

static void protocols(void) {
  struct protoent *p = getprotobynumber(6);
  printf("getprotobynumber(6): %s\n", p ? p->p_name : "NULL");
  p = getprotobynumber(17);
  printf("getprotobynumber(17): %s\n", p ? p->p_name : "NULL");
  p = getprotobynumber(253);
  printf("getprotobynumber(253): %s\n", p ? "found" : "NULL");
}

static void interfaces(void) {
  struct ifaddrs *list, *it;
  char name[IF_NAMESIZE];
  unsigned index = if_nametoindex("lo");
  struct if_nameindex *all, *each;
  int found_lo = 0;
  printf("if_nametoindex(lo) > 0: %s\n", index > 0 ? "yes" : "no");
  printf("if_indextoname(that) = %s\n", if_indextoname(index, name) ? name : "NULL");
  printf("if_nametoindex(nonexistent) = %u\n", if_nametoindex("nonexistent0"));
  all = if_nameindex();
  for (each = all; each && each->if_index != 0; each++) found_lo |= strcmp(each->if_name, "lo") == 0;
  if_freenameindex(all);
  printf("if_nameindex lists lo: %s\n", found_lo ? "yes" : "no");
  if (getifaddrs(&list) < 0) DIE("getifaddrs");
  for (it = list; it != NULL; it = it->ifa_next) {
    char text[64] = "";
    if (it->ifa_addr == NULL || strcmp(it->ifa_name, "lo") != 0) continue;
    if (it->ifa_addr->sa_family == AF_INET) {
      inet_ntop(AF_INET, &((struct sockaddr_in *)it->ifa_addr)->sin_addr, text, sizeof(text));
      printf("lo inet %s", text);
      inet_ntop(AF_INET, &((struct sockaddr_in *)it->ifa_netmask)->sin_addr, text, sizeof(text));
      printf(" netmask %s", text);
    } else if (it->ifa_addr->sa_family == AF_INET6) {
      inet_ntop(AF_INET6, &((struct sockaddr_in6 *)it->ifa_addr)->sin6_addr, text, sizeof(text));
      printf("lo inet6 %s", text);
    } else {
      continue; /* Linux's AF_PACKET entry: the WASI host has none */
    }
    printf(" up %d loopback %d\n", !!(it->ifa_flags & IFF_UP), !!(it->ifa_flags & IFF_LOOPBACK));
  }
  freeifaddrs(list);
}

/* The classic client: resolve, print, connect, talk. */
static void client(void) {
  struct sockaddr_in addr;
  socklen_t len = sizeof(addr);
  struct hostent *h;
  char buf[16];
  int listener = socket(AF_INET, SOCK_STREAM, 0), fd, conn;
  memset(&addr, 0, sizeof(addr));
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = inet_addr("127.0.0.1");
  if (bind(listener, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(listener, 4) < 0) DIE("listen");
  getsockname(listener, (struct sockaddr *)&addr, &len);
  h = gethostbyname("localhost");
  if (h == NULL) DIE("gethostbyname");
  memcpy(&addr.sin_addr, h->h_addr, (size_t)h->h_length);
  printf("connecting to %s\n", inet_ntoa(addr.sin_addr));
  fd = socket(AF_INET, SOCK_STREAM, 0);
  if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) DIE("connect");
  conn = accept(listener, NULL, NULL);
  send(fd, "hi", 2, 0);
  printf("server got %zd bytes\n", recv(conn, buf, sizeof(buf), 0));
  close(conn);
  close(fd);
  close(listener);
}

int main(void) {
  show_host("localhost");
  show_host("127.0.0.1");
  show_host("no-such-host.invalid");
  old_text_functions();
  reentrant();
  by_address();
  protocols();
  interfaces();
  client();
  return 0;
}
