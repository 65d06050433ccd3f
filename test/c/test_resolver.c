/* getaddrinfo, the services/protocols/hosts databases, the host name, and
 * resolver calls from many threads. The database tests read the system's
 * own files and check that every entry in them resolves as written. */
#include "test.h"

#include <ctype.h>
#include <stdlib.h>

/* ---- reading the system files ----------------------------------------- */

#define MAX_WORDS 16

/* Splits the next non-comment line of `f` into words; 0 at the end. */
static int next_entry(FILE *f, char line[512], char *words[MAX_WORDS]) {
  while (fgets(line, 512, f) != NULL) {
    char *p = strchr(line, '#');
    int n = 0;
    if (p != NULL) *p = '\0';
    p = strtok(line, " \t\r\n");
    while (p != NULL && n < MAX_WORDS) {
      words[n++] = p;
      p = strtok(NULL, " \t\r\n");
    }
    if (n > 0) return n;
  }
  return 0;
}

static int contains(char **list, size_t count, const char *s) {
  size_t i;
  for (i = 0; i < count; i++) {
    if (strcmp(list[i], s) == 0) return 1;
  }
  return 0;
}

/* ---- getaddrinfo ------------------------------------------------------ */

static void addr_info_ipv4_literal(void) {
  struct addrinfo *list = NULL;
  struct sockaddr_in *sa;
  REQUIRE_OK(ns_get_addr_info("127.0.0.1", 8080, NS_AF_INET, NS_SOCK_STREAM,
                              NS_IPPROTO_TCP, &list));
  REQUIRE(list != NULL);
  CHECK(list->ai_next == NULL);
  CHECK_EQ(list->ai_family, AF_INET);
  CHECK_EQ(list->ai_socktype, SOCK_STREAM);
  CHECK_EQ(list->ai_protocol, IPPROTO_TCP);
  sa = (struct sockaddr_in *)list->ai_addr;
  CHECK_EQ(ns_ntohs(sa->sin_port), 8080);
  CHECK_EQ(ns_ntohl(sa->sin_addr.s_addr), 0x7f000001);
  ns_free_addr_info(list);
}

static void addr_info_ipv6_literal(void) {
  struct addrinfo *list = NULL;
  struct sockaddr_in6 *sa;
  char text[NS_ADDRSTRLEN];
  REQUIRE_OK(ns_get_addr_info("::1", 65535, NS_AF_INET6, NS_SOCK_DGRAM,
                              NS_IPPROTO_UDP, &list));
  REQUIRE(list != NULL);
  CHECK_EQ(list->ai_family, AF_INET6);
  CHECK_EQ(list->ai_socktype, SOCK_DGRAM);
  sa = (struct sockaddr_in6 *)list->ai_addr;
  CHECK_EQ(ns_ntohs(sa->sin6_port), 65535);
  CHECK_OK(ns_get_addr_string(list->ai_addr, text, sizeof(text)));
  CHECK_STR(text, "::1");
  ns_free_addr_info(list);
}

static void addr_info_inet6_gives_v4_mapped(void) {
  struct addrinfo *list = NULL;
  struct sockaddr_in6 *sa;
  char text[NS_ADDRSTRLEN];
  REQUIRE_OK(ns_get_addr_info("127.0.0.1", 53, NS_AF_INET6, NS_SOCK_DGRAM,
                              NS_IPPROTO_UDP, &list));
  REQUIRE(list != NULL);
  CHECK_EQ(list->ai_family, AF_INET6);
  sa = (struct sockaddr_in6 *)list->ai_addr;
  CHECK(sa->sin6_addr.s6_addr[10] == 0xff && sa->sin6_addr.s6_addr[11] == 0xff);
  CHECK(sa->sin6_addr.s6_addr[12] == 127 && sa->sin6_addr.s6_addr[15] == 1);
  CHECK_OK(ns_get_addr_string(list->ai_addr, text, sizeof(text)));
  CHECK_STR(text, "127.0.0.1");
  ns_free_addr_info(list);
}

static void addr_info_localhost_name(void) {
  struct addrinfo *list = NULL, *ai;
  char text[NS_ADDRSTRLEN];
  int found = 0;
  REQUIRE_OK(ns_get_addr_info("localhost", 0, NS_AF_INET, NS_SOCK_STREAM,
                              NS_IPPROTO_TCP, &list));
  for (ai = list; ai != NULL; ai = ai->ai_next) {
    CHECK_EQ(ai->ai_family, AF_INET);
    CHECK_OK(ns_get_addr_string(ai->ai_addr, text, sizeof(text)));
    if (strcmp(text, "127.0.0.1") == 0) found = 1;
  }
  CHECK(found);
  ns_free_addr_info(list);
}

static void addr_info_raw_has_no_service(void) {
  struct addrinfo *list = NULL;
  REQUIRE_OK(ns_get_addr_info("127.0.0.1", 80, NS_AF_INET, NS_SOCK_RAW,
                              NS_IPPROTO_ICMP, &list));
  REQUIRE(list != NULL);
  CHECK_EQ(list->ai_socktype, SOCK_RAW);
  CHECK_EQ(ns_ntohs(((struct sockaddr_in *)list->ai_addr)->sin_port), 0);
  ns_free_addr_info(list);
}

static void addr_info_misses(void) {
  struct addrinfo *list = (struct addrinfo *)&list;
  int rc;
  CHECK_EQ(ns_get_addr_info("no-such-host.invalid", 80, NS_AF_INET,
                            NS_SOCK_STREAM, NS_IPPROTO_TCP, &list),
           NS_EAI_NONAME);
  CHECK(list == NULL);
  rc = ns_get_addr_info("::1", 80, NS_AF_INET, NS_SOCK_STREAM, NS_IPPROTO_TCP,
                        &list);
  CHECK(rc == NS_EAI_FAMILY || rc == NS_EAI_NONAME);
  CHECK(list == NULL);
  CHECK_EQ(ns_get_addr_info("300.1.1.1", 80, NS_AF_INET, NS_SOCK_STREAM,
                            NS_IPPROTO_TCP, &list), NS_EAI_NONAME);
  ns_free_addr_info(NULL);
}

/* ---- services ---------------------------------------------------------- */

static void serv_by_name_http(void) {
  ns_servent s;
  REQUIRE_OK(ns_get_serv_by_name("http", "tcp", &s));
  CHECK_STR(s.name, "http");
  CHECK_EQ(s.port, 80);
  CHECK_STR(s.proto, "tcp");
  REQUIRE(s.aliases != NULL);
  CHECK(s.aliases[s.alias_count] == NULL);
  ns_servent_free(&s);
  CHECK(s.name == NULL && s.aliases == NULL && s.proto == NULL);
  ns_servent_free(&s); /* twice is fine */
  REQUIRE_OK(ns_get_serv_by_name("domain", "udp", &s));
  CHECK_EQ(s.port, 53);
  CHECK_STR(s.proto, "udp");
  ns_servent_free(&s);
  REQUIRE_OK(ns_get_serv_by_name("ssh", NULL, &s));
  CHECK_EQ(s.port, 22);
  ns_servent_free(&s);
}

static void serv_by_port_https(void) {
  ns_servent s;
  REQUIRE_OK(ns_get_serv_by_port(443, "tcp", &s));
  CHECK_STR(s.name, "https");
  CHECK_EQ(s.port, 443);
  CHECK_STR(s.proto, "tcp");
  ns_servent_free(&s);
  REQUIRE_OK(ns_get_serv_by_port(80, NULL, &s));
  CHECK_STR(s.name, "http");
  ns_servent_free(&s);
}

static void serv_misses_are_enoent(void) {
  ns_servent s;
  memset(&s, 0x55, sizeof(s));
  CHECK_EQ(ns_get_serv_by_name("no-such-service", "tcp", &s), NS_ENOENT);
  CHECK(s.name == NULL && s.aliases == NULL);
  ns_servent_free(&s);
  CHECK_EQ(ns_get_serv_by_name("http", "no-such-proto", &s), NS_ENOENT);
  CHECK_EQ(ns_get_serv_by_name("", "tcp", &s), NS_ENOENT);
  CHECK_EQ(ns_get_serv_by_port(1, "no-such-proto", &s), NS_ENOENT);
  CHECK_EQ(ns_get_serv_by_port(80, "ddp", &s), NS_ENOENT);
}

/* One line of the services file. */
typedef struct service_line {
  char words[MAX_WORDS][32]; /* name, then aliases */
  int word_count;
  int port;
  char proto[16];
} service_line;

static int read_services(FILE *f, service_line *out, int max) {
  char line[512], *w[MAX_WORDS];
  int n, count = 0, i;
  while (count < max && (n = next_entry(f, line, w)) >= 2) {
    service_line *e = &out[count];
    if (sscanf(w[1], "%d/%15s", &e->port, e->proto) != 2) continue;
    e->word_count = 0;
    for (i = 0; i < n; i++) {
      if (i == 1) continue;
      snprintf(e->words[e->word_count++], 32, "%s", w[i]);
    }
    count++;
  }
  return count;
}

/* The first line of `proto` that has `word` as its name or an alias: the
 * one a lookup by name must return. */
static const service_line *first_by_word(const service_line *lines, int count,
                                         const char *word, const char *proto) {
  int i, k;
  for (i = 0; i < count; i++) {
    if (strcmp(lines[i].proto, proto) != 0) continue;
    for (k = 0; k < lines[i].word_count; k++) {
      if (strcmp(lines[i].words[k], word) == 0) return &lines[i];
    }
  }
  return NULL;
}

static const service_line *first_by_port(const service_line *lines, int count,
                                         int port, const char *proto) {
  int i;
  for (i = 0; i < count; i++) {
    if (lines[i].port == port && strcmp(lines[i].proto, proto) == 0)
      return &lines[i];
  }
  return NULL;
}

/* Every name and alias of the services file resolves to the line that
 * lists it first, and every port to the first line for that port. */
static void serv_matches_every_services_file_entry(void) {
  static service_line lines[2048];
  FILE *f = support_open_system_file("services");
  int count, i, k, high_ports = 0;
  if (f == NULL) SKIP("no services file readable on this target");
  count = read_services(f, lines, 2048);
  fclose(f);
  for (i = 0; i < count; i++) {
    const service_line *e = &lines[i];
    const service_line *want = first_by_port(lines, count, e->port, e->proto);
    ns_servent s;
    if (e->port > 32767) high_ports++;
    for (k = 0; k < e->word_count; k++) {
      const service_line *by_word = first_by_word(lines, count, e->words[k], e->proto);
      if (ns_get_serv_by_name(e->words[k], e->proto, &s) != NS_OK) {
        test_fail(__FILE__, __LINE__, "service %s/%s not found", e->words[k], e->proto);
        continue;
      }
      if (s.port != by_word->port || strcmp(s.name, by_word->words[0]) != 0 ||
          strcmp(s.proto, e->proto) != 0)
        test_fail(__FILE__, __LINE__, "%s/%s: got %s %u/%s, file says %s %d",
                  e->words[k], e->proto, s.name, s.port, s.proto,
                  by_word->words[0], by_word->port);
      if (e == by_word && k == 0 && (int)s.alias_count != e->word_count - 1)
        test_fail(__FILE__, __LINE__, "%s: %d aliases, file has %d",
                  e->words[0], (int)s.alias_count, e->word_count - 1);
      ns_servent_free(&s);
    }
    if (want != e) continue;
    if (ns_get_serv_by_port((ns_port)e->port, e->proto, &s) != NS_OK) {
      test_fail(__FILE__, __LINE__, "port %d/%s not found", e->port, e->proto);
      continue;
    }
    if (strcmp(s.name, e->words[0]) != 0 || s.port != e->port)
      test_fail(__FILE__, __LINE__, "port %d/%s: got %s, file says %s",
                e->port, e->proto, s.name, e->words[0]);
    for (k = 1; k < e->word_count; k++) {
      if (!contains(s.aliases, s.alias_count, e->words[k]))
        test_fail(__FILE__, __LINE__, "%s: alias %s missing", e->words[0], e->words[k]);
    }
    ns_servent_free(&s);
  }
  CHECK(count > 10);
  CHECK(high_ports > 0);
}

/* ---- protocols -------------------------------------------------------- */

static void proto_by_name_hits_and_misses(void) {
  int p = -1;
  CHECK_OK(ns_get_proto_by_name("tcp", &p));
  CHECK_EQ(p, 6);
  CHECK_OK(ns_get_proto_by_name("udp", &p));
  CHECK_EQ(p, 17);
  CHECK_OK(ns_get_proto_by_name("icmp", &p));
  CHECK_EQ(p, 1);
  p = -7;
  CHECK_EQ(ns_get_proto_by_name("no-such-protocol", &p), NS_ENOENT);
  CHECK_EQ(p, -7);
  CHECK_EQ(ns_get_proto_by_name("", &p), NS_ENOENT);
}

static void proto_matches_every_protocols_file_entry(void) {
  FILE *f = support_open_system_file("protocols");
  char line[512], *w[MAX_WORDS];
  int n, entries = 0, i;
  if (f == NULL) SKIP("no protocols file readable on this target");
  while ((n = next_entry(f, line, w)) >= 2) {
    int want = atoi(w[1]);
    for (i = 0; i < n; i++) {
      int got = -1;
      if (i == 1) continue;
      if (ns_get_proto_by_name(w[i], &got) != NS_OK || got != want)
        test_fail(__FILE__, __LINE__, "protocol %s: got %d, file says %d",
                  w[i], got, want);
    }
    entries++;
  }
  fclose(f);
  CHECK(entries > 5);
}

/* ---- hosts ------------------------------------------------------------ */

static void host_by_name_localhost(void) {
  ns_hostent h;
  REQUIRE_OK(ns_get_host_by_name("localhost", &h));
  CHECK_STR(h.name, "localhost");
  CHECK_EQ(h.addrtype, NS_AF_INET);
  CHECK_EQ(h.length, 4);
  CHECK(h.addr_count >= 1);
  CHECK(contains(h.addr_list, h.addr_count, "127.0.0.1"));
  CHECK(h.addr_list[h.addr_count] == NULL);
  CHECK(h.aliases != NULL && h.aliases[h.alias_count] == NULL);
  ns_hostent_free(&h);
  CHECK(h.name == NULL && h.addr_list == NULL && h.addr_count == 0);
  ns_hostent_free(&h);
}

static void host_by_name_literals(void) {
  ns_hostent h;
  REQUIRE_OK(ns_get_host_by_name("10.20.30.40", &h));
  CHECK_EQ(h.addrtype, NS_AF_INET);
  CHECK_EQ(h.addr_count, 1);
  CHECK_STR(h.addr_list[0], "10.20.30.40");
  ns_hostent_free(&h);
  REQUIRE_OK(ns_get_host_by_name("::1", &h));
  CHECK_EQ(h.addrtype, NS_AF_INET6);
  CHECK_EQ(h.length, 16);
  CHECK_EQ(h.addr_count, 1);
  CHECK_STR(h.addr_list[0], "::1");
  ns_hostent_free(&h);
}

static void host_by_name_miss(void) {
  ns_hostent h;
  CHECK_EQ(ns_get_host_by_name("no-such-host.invalid", &h), NS_EAI_NONAME);
  CHECK(h.name == NULL && h.addr_list == NULL);
  ns_hostent_free(&h);
}

static void host_by_addr_hits_and_misses(void) {
  ns_hostent h;
  int rc;
  REQUIRE_OK(ns_get_host_by_addr("127.0.0.1", &h));
  CHECK(h.name != NULL && h.name[0] != '\0');
  CHECK_EQ(h.addrtype, NS_AF_INET);
  CHECK_EQ(h.addr_count, 1);
  CHECK_STR(h.addr_list[0], "127.0.0.1");
  ns_hostent_free(&h);
  CHECK_EQ(ns_get_host_by_addr("192.0.2.1", &h), NS_EAI_NONAME);
  /* A zone suffix is part of a valid literal. */
  rc = ns_get_host_by_addr("fe80::1%1", &h);
  CHECK(rc == NS_OK || rc == NS_EAI_NONAME);
  ns_hostent_free(&h);
}

static void host_by_addr_rejects_non_literals(void) {
  static const char *bad[] = {"localhost", "1.2.3", "1.2.3.4.5", "256.1.1.1",
                              "::g", "1::2::3", "", " 127.0.0.1", "127.0.0.1 ",
                              "fe80::1%", NULL};
  ns_hostent h;
  int i;
  for (i = 0; bad[i] != NULL; i++) {
    int rc = ns_get_host_by_addr(bad[i], &h);
    if (rc != NS_EINVAL)
      test_fail(__FILE__, __LINE__, "\"%s\": %s, expected EINVAL", bad[i],
                ns_err_name(rc));
  }
}

/* Every /etc/hosts line: its first name resolves to (at least) its address,
 * and the first line for an address gives its first name back. */
static void hosts_file_entries_resolve(void) {
  FILE *f = support_open_system_file("hosts");
  char line[512], *w[MAX_WORDS];
  char v4_names[64][64];
  char addrs_seen[64][64];
  int n, v4_count = 0, seen_count = 0, checked = 0, i;
  if (f == NULL) SKIP("no hosts file readable on this target");
  /* First pass: the names with an IPv4 line. */
  while ((n = next_entry(f, line, w)) >= 2) {
    if (strchr(w[0], ':') != NULL) continue;
    for (i = 1; i < n && v4_count < 64; i++)
      snprintf(v4_names[v4_count++], 64, "%s", w[i]);
  }
  rewind(f);
  while ((n = next_entry(f, line, w)) >= 2) {
    int v6 = strchr(w[0], ':') != NULL, first_for_addr = 1, has_v4 = 0;
    ns_hostent h;
    for (i = 0; i < seen_count; i++) {
      if (strcmp(addrs_seen[i], w[0]) == 0) first_for_addr = 0;
    }
    if (seen_count < 64) snprintf(addrs_seen[seen_count++], 64, "%s", w[0]);
    for (i = 0; i < v4_count; i++) {
      if (strcmp(v4_names[i], w[1]) == 0) has_v4 = 1;
    }
    if (v6 && has_v4) continue; /* the name answers with its IPv4 address */
    if (ns_get_host_by_name(w[1], &h) != NS_OK) {
      test_fail(__FILE__, __LINE__, "host %s not found", w[1]);
      continue;
    }
    checked++;
    /* An entry lists its canonical name first, its aliases after it. */
    for (i = 2; i < n && !v6; i++) {
      ns_hostent by_alias;
      if (ns_get_host_by_name(w[i], &by_alias) != NS_OK) {
        test_fail(__FILE__, __LINE__, "alias %s not found", w[i]);
        continue;
      }
      if (strcmp(by_alias.name, w[1]) != 0 ||
          !contains(by_alias.aliases, by_alias.alias_count, w[i]))
        test_fail(__FILE__, __LINE__, "alias %s: got name %s", w[i], by_alias.name);
      ns_hostent_free(&by_alias);
    }
    if (h.addrtype != (v6 ? NS_AF_INET6 : NS_AF_INET))
      test_fail(__FILE__, __LINE__, "host %s: wrong family", w[1]);
    if (!v6 && !contains(h.addr_list, h.addr_count, w[0]))
      test_fail(__FILE__, __LINE__, "host %s: %s missing", w[1], w[0]);
    ns_hostent_free(&h);
    if (first_for_addr && ns_get_host_by_addr(w[0], &h) == NS_OK) {
      if (strcmp(h.name, w[1]) != 0)
        test_fail(__FILE__, __LINE__, "address %s: got %s, file says %s",
                  w[0], h.name, w[1]);
      ns_hostent_free(&h);
    } else if (first_for_addr) {
      test_fail(__FILE__, __LINE__, "address %s has no name", w[0]);
    }
  }
  fclose(f);
  CHECK(checked > 0);
}

static void hostname_fits_and_reports_erange(void) {
  char buf[NS_HOSTNAME_MAX], small[NS_HOSTNAME_MAX];
  size_t len;
  REQUIRE_OK(ns_get_hostname(buf, sizeof(buf)));
  len = strlen(buf);
  CHECK(len > 0 && len < NS_HOSTNAME_MAX);
  CHECK_EQ(ns_get_hostname(small, len), NS_ERANGE);
  CHECK_OK(ns_get_hostname(small, len + 1));
  CHECK_STR(small, buf);
  CHECK_EQ(ns_get_hostname(small, 0), NS_ERANGE);
  CHECK_EQ(ns_get_hostname(NULL, 10), NS_EINVAL);
}

/* ---- many threads at once ---------------------------------------------- */

typedef struct resolver_worker {
  int iterations;
  int mismatches;
} resolver_worker;

static void resolve_repeatedly(void *arg) {
  resolver_worker *w = (resolver_worker *)arg;
  int i;
  for (i = 0; i < w->iterations; i++) {
    ns_servent s;
    ns_hostent h;
    struct addrinfo *list;
    int proto = 0;
    if (ns_get_serv_by_name("http", "tcp", &s) != NS_OK || s.port != 80 ||
        strcmp(s.name, "http") != 0)
      w->mismatches++;
    ns_servent_free(&s);
    if (ns_get_serv_by_port(443, "tcp", &s) != NS_OK ||
        strcmp(s.name, "https") != 0)
      w->mismatches++;
    ns_servent_free(&s);
    if (ns_get_proto_by_name("udp", &proto) != NS_OK || proto != 17)
      w->mismatches++;
    if (ns_get_host_by_name("localhost", &h) != NS_OK ||
        !contains(h.addr_list, h.addr_count, "127.0.0.1"))
      w->mismatches++;
    ns_hostent_free(&h);
    if (ns_get_addr_info("127.0.0.1", 9, NS_AF_INET, NS_SOCK_STREAM,
                         NS_IPPROTO_TCP, &list) != NS_OK)
      w->mismatches++;
    else
      ns_free_addr_info(list);
  }
}

static void resolver_calls_from_many_threads(void) {
  resolver_worker workers[8];
  void *args[8];
  int i, rc;
  for (i = 0; i < 8; i++) {
    workers[i].iterations = 150;
    workers[i].mismatches = 0;
    args[i] = &workers[i];
  }
  rc = support_run_threads(8, resolve_repeatedly, args);
  if (rc == NS_ENOTSUP) SKIP("no threads on this target");
  CHECK_OK(rc);
  for (i = 0; i < 8; i++) CHECK_EQ(workers[i].mismatches, 0);
}

const test_case resolver_tests[] = {
    {"addr_info_ipv4_literal", addr_info_ipv4_literal},
    {"addr_info_ipv6_literal", addr_info_ipv6_literal},
    {"addr_info_inet6_gives_v4_mapped", addr_info_inet6_gives_v4_mapped},
    {"addr_info_localhost_name", addr_info_localhost_name},
    {"addr_info_raw_has_no_service", addr_info_raw_has_no_service},
    {"addr_info_misses", addr_info_misses},
    {"serv_by_name_http", serv_by_name_http},
    {"serv_by_port_https", serv_by_port_https},
    {"serv_misses_are_enoent", serv_misses_are_enoent},
    {"serv_matches_every_services_file_entry", serv_matches_every_services_file_entry},
    {"proto_by_name_hits_and_misses", proto_by_name_hits_and_misses},
    {"proto_matches_every_protocols_file_entry", proto_matches_every_protocols_file_entry},
    {"host_by_name_localhost", host_by_name_localhost},
    {"host_by_name_literals", host_by_name_literals},
    {"host_by_name_miss", host_by_name_miss},
    {"host_by_addr_hits_and_misses", host_by_addr_hits_and_misses},
    {"host_by_addr_rejects_non_literals", host_by_addr_rejects_non_literals},
    {"hosts_file_entries_resolve", hosts_file_entries_resolve},
    {"hostname_fits_and_reports_erange", hostname_fits_and_reports_erange},
    {"resolver_calls_from_many_threads", resolver_calls_from_many_threads},
    {NULL, NULL}};
