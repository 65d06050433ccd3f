/* libFuzzer target: the core's address text. Every input is tried as
 *   - an address literal for ns_get_host_by_addr (its parser; the reverse
 *     lookup is answered here, see below),
 *   - a host name for ns_get_host_by_name and ns_get_addr_info (numeric
 *     literals only: nothing is sent to a resolver),
 *   - a unix socket path for ns_make_unix_addr,
 *   - raw bytes of a socket address for ns_get_addr_string, with an output
 *     buffer of every small size,
 *   - a port for ns_port_to_string.
 * Besides the sanitizers' findings, a result that breaks the API's promises
 * (text not NUL-terminated in its buffer, an address that does not read
 * back, a port that does not round-trip) aborts.
 *
 * Built with csrc/src/netdb.c compiled with -Dgetaddrinfo=nsf_getaddrinfo
 * -Dgetnameinfo=nsf_getnameinfo (scripts/fuzz-c.sh): the resolver calls come
 * here, so that fuzzing never reaches the network. */
#include "nativesockets.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* Numeric lookups only: the real getaddrinfo with AI_NUMERICHOST, so that a
 * name is never resolved over the network. */
int nsf_getaddrinfo(const char *node, const char *service,
                    const struct addrinfo *hints, struct addrinfo **res) {
  struct addrinfo numeric;
  memset(&numeric, 0, sizeof(numeric));
  if (hints != NULL) numeric = *hints;
  numeric.ai_flags |= AI_NUMERICHOST;
  numeric.ai_flags &= ~AI_CANONNAME;
  if (service != NULL) numeric.ai_flags |= AI_NUMERICSERV;
  return getaddrinfo(node, service, &numeric, res);
}

/* The reverse lookup answers with the address's numeric text, as a host
 * whose name is its address would. */
int nsf_getnameinfo(const struct sockaddr *sa, socklen_t salen, char *host,
                    socklen_t hostlen, char *serv, socklen_t servlen,
                    int flags) {
  (void)flags;
  return getnameinfo(sa, salen, host, hostlen, serv, servlen,
                     NI_NUMERICHOST | NI_NUMERICSERV);
}

static int is_terminated(const char *buf, size_t len) {
  return memchr(buf, '\0', len) != NULL;
}

static void check_hostent(const ns_hostent *h) {
  size_t i;
  EXPECT(h->name != NULL);
  EXPECT(h->addr_count >= 1);
  EXPECT(h->addrtype == NS_AF_INET || h->addrtype == NS_AF_INET6);
  for (i = 0; i < h->addr_count; i++) EXPECT(h->addr_list[i] != NULL);
  EXPECT(h->addr_list[h->addr_count] == NULL);
  for (i = 0; i < h->alias_count; i++) EXPECT(h->aliases[i] != NULL);
}

static void fuzz_host_by_addr(const char *text) {
  ns_hostent h;
  struct in_addr v4;
  int rc = ns_get_host_by_addr(text, &h);
  /* A dotted quad is accepted exactly when inet_pton accepts it. */
  if (strchr(text, ':') == NULL)
    EXPECT((rc == NS_OK) == (inet_pton(AF_INET, text, &v4) == 1));
  if (rc != NS_OK) return;
  check_hostent(&h);
  EXPECT(h.addr_count == 1);
  /* The address given back is a literal again, and says the same. */
  {
    ns_hostent again;
    EXPECT(ns_get_host_by_addr(h.addr_list[0], &again) == NS_OK);
    EXPECT(strcmp(again.addr_list[0], h.addr_list[0]) == 0);
    ns_hostent_free(&again);
  }
  ns_hostent_free(&h);
}

static void fuzz_host_by_name(const char *text) {
  ns_hostent h;
  struct addrinfo *list = NULL;
  if (ns_get_host_by_name(text, &h) == NS_OK) {
    check_hostent(&h);
    ns_hostent_free(&h);
  }
  if (ns_get_addr_info(text, 80, NS_AF_INET6, NS_SOCK_STREAM, NS_IPPROTO_TCP,
                       &list) == NS_OK) {
    EXPECT(list != NULL);
    ns_free_addr_info(list);
  }
}

static void fuzz_unix_path(const char *text) {
  struct sockaddr_un sun;
  socklen_t len = 0;
  if (ns_make_unix_addr(text, &sun, &len) != NS_OK) return;
  EXPECT(len <= sizeof(sun));
  EXPECT(is_terminated(sun.sun_path, sizeof(sun.sun_path)));
  EXPECT(strcmp(sun.sun_path, text) == 0);
}

/* The bytes as a socket address, formatted into buffers of 0..63 bytes and
 * of NS_ADDRSTRLEN + 16 (enough for any address with a scope id). */
static void fuzz_addr_string(const uint8_t *data, size_t size) {
  struct sockaddr_storage ss;
  char buf[NS_ADDRSTRLEN + 16];
  size_t len;
  memset(&ss, 0, sizeof(ss));
  memcpy(&ss, data, size < sizeof(ss) ? size : sizeof(ss));
  for (len = 0; len <= sizeof(buf); len += len < 64 ? 1 : sizeof(buf) - 64) {
    char *out = (char *)malloc(len > 0 ? len : 1); /* exact size: ASan sees overruns */
    int rc = ns_get_addr_string((struct sockaddr *)&ss, out, len);
    if (rc == NS_OK) EXPECT(len > 0 && is_terminated(out, len));
    else EXPECT(rc == NS_ERANGE || rc == NS_EAFNOSUPPORT || rc == NS_EINVAL);
    free(out);
    if (len == sizeof(buf)) break;
  }
}

static void fuzz_port(const uint8_t *data, size_t size) {
  char buf[NS_PORTSTRLEN];
  ns_port port = (ns_port)(size >= 2 ? (data[0] << 8 | data[1]) : size);
  size_t len = size >= 3 ? data[2] % (sizeof(buf) + 1) : sizeof(buf);
  int rc = ns_port_to_string(port, buf, len);
  if (rc == NS_OK) {
    EXPECT(is_terminated(buf, len));
    EXPECT(strtol(buf, NULL, 10) == (long)port);
  } else {
    EXPECT(rc == NS_ERANGE || (rc == NS_EINVAL && len == 0));
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *text = (char *)malloc(size + 1);
  if (text == NULL) return 0;
  memcpy(text, data, size);
  text[size] = '\0';
  fuzz_host_by_addr(text);
  fuzz_host_by_name(text);
  fuzz_unix_path(text);
  fuzz_addr_string(data, size);
  fuzz_port(data, size);
  free(text);
  return 0;
}
