/* The resolver (getaddrinfo/getnameinfo based, so reentrant everywhere), the
 * owned hostent/servent records, and the database front ends. */
#include "internal.h"

#include <stdio.h>

/* ---- owned string lists ------------------------------------------------ */

static char *copy_string(const char *s) {
  size_t n = strlen(s) + 1;
  char *copy = (char *)malloc(n);
  if (copy != NULL) memcpy(copy, s, n);
  return copy;
}

static void free_list(char **list) {
  size_t i;
  if (list == NULL) return;
  for (i = 0; list[i] != NULL; i++) free(list[i]);
  free(list);
}

/* An empty, growable NULL-terminated list of owned strings. */
typedef struct string_list {
  char **items;
  size_t count;
  size_t capacity;
} string_list;

static bool list_contains(const string_list *list, const char *s) {
  size_t i;
  for (i = 0; i < list->count; i++) {
    if (strcmp(list->items[i], s) == 0) return true;
  }
  return false;
}

/* Appends a copy of `s`, skipping duplicates. False when out of memory. */
static bool list_add(string_list *list, const char *s) {
  if (list_contains(list, s)) return true;
  if (list->count + 1 >= list->capacity) {
    size_t capacity = list->capacity ? list->capacity * 2 : 4;
    char **grown = (char **)realloc(list->items, capacity * sizeof(char *));
    if (grown == NULL) return false;
    list->items = grown;
    list->capacity = capacity;
  }
  list->items[list->count] = copy_string(s);
  if (list->items[list->count] == NULL) return false;
  list->count++;
  list->items[list->count] = NULL;
  return true;
}

/* Makes sure the list exists even when empty, as the records promise. */
static bool list_finish(string_list *list) {
  if (list->items != NULL) return true;
  list->items = (char **)calloc(1, sizeof(char *));
  list->capacity = 1;
  return list->items != NULL;
}

/* ---- servent ----------------------------------------------------------- */

void ns_servent_free(ns_servent *ent) {
  if (ent == NULL) return;
  free(ent->name);
  free_list(ent->aliases);
  free(ent->proto);
  memset(ent, 0, sizeof(*ent));
}

int nsi_servent_fill(ns_servent *out, const char *name, char **aliases,
                     ns_port port, const char *proto) {
  string_list list = {NULL, 0, 0};
  size_t i;
  bool ok = true;
  memset(out, 0, sizeof(*out));
  for (i = 0; ok && aliases != NULL && aliases[i] != NULL; i++)
    ok = list_add(&list, aliases[i]);
  ok = ok && list_finish(&list);
  out->aliases = list.items;
  out->alias_count = list.count;
  out->name = copy_string(name ? name : "");
  out->proto = copy_string(proto ? proto : "");
  out->port = port;
  if (!ok || out->name == NULL || out->proto == NULL) {
    ns_servent_free(out);
    return NS_ENOMEM;
  }
  return NS_OK;
}

int ns_get_serv_by_name(const char *name, const char *proto, ns_servent *out) {
  if (name == NULL || out == NULL) return NS_EINVAL;
  memset(out, 0, sizeof(*out));
  return nsi_service_by_name(name, proto, out);
}

int ns_get_serv_by_port(ns_port port, const char *proto, ns_servent *out) {
  if (out == NULL) return NS_EINVAL;
  memset(out, 0, sizeof(*out));
  return nsi_service_by_port(port, proto, out);
}

int ns_get_proto_by_name(const char *name, int *proto) {
  if (name == NULL || proto == NULL) return NS_EINVAL;
  return nsi_protocol_by_name(name, proto);
}

/* ---- getaddrinfo ------------------------------------------------------- */

int ns_get_addr_info(const char *address, ns_port port, ns_domain domain,
                     ns_sock_type type, ns_protocol protocol,
                     struct addrinfo **out) {
  struct addrinfo hints;
  char service[NS_PORTSTRLEN];
  int rc;
  if (out == NULL) return NS_EINVAL;
  *out = NULL;
  if (address == NULL || ns_domain_to_int(domain) < 0 ||
      ns_sock_type_to_int(type) < 0 || ns_protocol_to_int(protocol) < 0)
    return NS_EINVAL;
  ns_init();
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = ns_domain_to_int(domain);
  hints.ai_socktype = ns_sock_type_to_int(type);
  hints.ai_protocol = ns_protocol_to_int(protocol);
  if (domain == NS_AF_INET6) hints.ai_flags |= nsi_ai_v4mapped();
  ns_port_to_string(port, service, sizeof(service));
  rc = getaddrinfo(address, type == NS_SOCK_RAW ? NULL : service, &hints, out);
  if (rc != 0) {
    *out = NULL;
    return nsi_error_from_gai(rc);
  }
  return NS_OK;
}

void ns_free_addr_info(struct addrinfo *list) {
  if (list != NULL) freeaddrinfo(list);
}

/* ---- hostent ----------------------------------------------------------- */

void ns_hostent_free(ns_hostent *ent) {
  if (ent == NULL) return;
  free(ent->name);
  free_list(ent->aliases);
  free_list(ent->addr_list);
  memset(ent, 0, sizeof(*ent));
}

/* Fills out->addr_list with the text of every `family` address in `list`. */
static int collect_addresses(const struct addrinfo *list, int family,
                             ns_hostent *out) {
  string_list addrs = {NULL, 0, 0};
  char text[NS_ADDRSTRLEN + 16];
  const struct addrinfo *ai;
  int rc = NS_OK;
  for (ai = list; ai != NULL && rc == NS_OK; ai = ai->ai_next) {
    if (ai->ai_family != family) continue;
    rc = ns_get_addr_string(ai->ai_addr, text, sizeof(text));
    if (rc == NS_OK && !list_add(&addrs, text)) rc = NS_ENOMEM;
  }
  if (rc == NS_OK && !list_finish(&addrs)) rc = NS_ENOMEM;
  out->addr_list = addrs.items;
  out->addr_count = addrs.count;
  return rc;
}

/* Resolves `name` in one family; canonical name and addresses go to `out`. */
static int lookup_family(const char *name, int family, ns_hostent *out) {
  struct addrinfo hints, *list = NULL;
  string_list aliases = {NULL, 0, 0};
  const char *canonical;
  int rc;
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM; /* one entry per address, not per type */
  hints.ai_flags = AI_CANONNAME;
  rc = getaddrinfo(name, NULL, &hints, &list);
  if (rc != 0) return nsi_error_from_gai(rc);
  canonical = list->ai_canonname ? list->ai_canonname : name;
  rc = NS_OK;
  /* getaddrinfo keeps no aliases; the name asked for is one if it differs. */
  if (strcmp(canonical, name) != 0 && !list_add(&aliases, name)) rc = NS_ENOMEM;
  if (rc == NS_OK && !list_finish(&aliases)) rc = NS_ENOMEM;
  out->aliases = aliases.items;
  out->alias_count = aliases.count;
  out->name = copy_string(canonical);
  if (rc == NS_OK && out->name == NULL) rc = NS_ENOMEM;
  if (rc == NS_OK) rc = collect_addresses(list, family, out);
  freeaddrinfo(list);
  if (rc == NS_OK && out->addr_count == 0) rc = NS_EAI_NONAME;
  out->addrtype = family == AF_INET ? NS_AF_INET : NS_AF_INET6;
  out->length = family == AF_INET ? 4 : 16;
  if (rc != NS_OK) ns_hostent_free(out);
  return rc;
}

/* Any of these, for IPv4, means "try IPv6" rather than "no such host". */
static bool may_have_ipv6(int rc) {
  return rc == NS_EAI_NONAME || rc == NS_EAI_FAMILY || rc == NS_EAI_FAIL;
}

int ns_get_host_by_name(const char *name, ns_hostent *out) {
  int rc;
  if (name == NULL || out == NULL) return NS_EINVAL;
  memset(out, 0, sizeof(*out));
  ns_init();
  rc = lookup_family(name, AF_INET, out);
  if (may_have_ipv6(rc)) {
    int rc6 = lookup_family(name, AF_INET6, out);
    if (rc6 != NS_EAI_FAMILY) rc = rc6;
  }
  return rc;
}

/* Parses a dotted-quad IPv4 or an IPv6 literal (with an optional zone,
 * "fe80::1%eth0"), without any lookup. Shorthand IPv4 ("127.1") is refused. */
static int parse_literal(const char *ip, struct sockaddr_storage *ss,
                         socklen_t *len) {
  struct addrinfo hints, *list = NULL;
  memset(ss, 0, sizeof(*ss));
  if (strchr(ip, ':') == NULL) {
    struct sockaddr_in *sa = (struct sockaddr_in *)ss;
    if (inet_pton(AF_INET, ip, &sa->sin_addr) != 1) return NS_EINVAL;
    sa->sin_family = AF_INET;
    *len = (socklen_t)sizeof(*sa);
    return NS_OK;
  }
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = AF_INET6;
  hints.ai_flags = AI_NUMERICHOST;
  hints.ai_socktype = SOCK_STREAM;
  if (getaddrinfo(ip, NULL, &hints, &list) != 0 || list == NULL)
    return NS_EINVAL;
  if (list->ai_addrlen > sizeof(*ss)) {
    freeaddrinfo(list);
    return NS_EINVAL;
  }
  memcpy(ss, list->ai_addr, list->ai_addrlen);
  *len = (socklen_t)list->ai_addrlen;
  freeaddrinfo(list);
  return NS_OK;
}

int ns_get_host_by_addr(const char *ip, ns_hostent *out) {
  struct sockaddr_storage ss;
  socklen_t len = 0;
  char host[NS_HOSTNAME_MAX * 4];
  char text[NS_ADDRSTRLEN + 16];
  string_list aliases = {NULL, 0, 0}, addrs = {NULL, 0, 0};
  int rc;
  if (ip == NULL || out == NULL) return NS_EINVAL;
  memset(out, 0, sizeof(*out));
  ns_init();
  rc = parse_literal(ip, &ss, &len);
  if (rc != NS_OK) return rc;
  rc = getnameinfo((struct sockaddr *)&ss, len, host, sizeof(host), NULL, 0,
                   NI_NAMEREQD);
  if (rc != 0) return nsi_error_from_gai(rc);
  rc = ns_get_addr_string((struct sockaddr *)&ss, text, sizeof(text));
  if (rc != NS_OK) return rc;
  out->name = copy_string(host);
  out->addrtype = ss.ss_family == AF_INET ? NS_AF_INET : NS_AF_INET6;
  out->length = ss.ss_family == AF_INET ? 4 : 16;
  if (out->name == NULL || !list_finish(&aliases) || !list_add(&addrs, text)) {
    free_list(aliases.items);
    free_list(addrs.items);
    ns_hostent_free(out);
    return NS_ENOMEM;
  }
  out->aliases = aliases.items;
  out->addr_list = addrs.items;
  out->addr_count = addrs.count;
  return NS_OK;
}

int ns_get_hostname(char *buf, size_t len) {
  char name[NS_HOSTNAME_MAX + 1];
  int rc;
  if (buf == NULL) return NS_EINVAL;
  ns_init();
  memset(name, 0, sizeof(name));
  rc = nsi_hostname(name, NS_HOSTNAME_MAX);
  if (rc != NS_OK) return rc;
  return nsi_copy_text(buf, len, name);
}
