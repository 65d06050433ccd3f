/* getaddrinfo, freeaddrinfo, gai_strerror and getnameinfo on the host's
 * resolver (the `resolve` and `name_info` imports). wasi-libc has none of
 * them. */
#include "addon.h"

#include <netdb.h>
#include <stdlib.h>
#include <string.h>

/* The first resolve asks for this many results; if they fill the buffer
 * there may be more, so it asks again with twice the room, up to the max. */
#define RESULTS_FIRST 16
#define RESULTS_MAX 4096

/* ---- flags and codes --------------------------------------------------- */

typedef struct flag_pair {
  int posix, abi;
} flag_pair;

static const flag_pair resolve_flags[] = {
    {AI_PASSIVE, 1},   {AI_CANONNAME, 2}, {AI_NUMERICHOST, 4},
    {AI_V4MAPPED, 8},  {AI_ALL, 16},      {AI_ADDRCONFIG, 32},
    {AI_NUMERICSERV, 64},
};

static const flag_pair name_info_flags[] = {
    {NI_NUMERICHOST, 1}, {NI_NUMERICSERV, 2}, {NI_NAMEREQD, 4},
    {NI_DGRAM, 8},       {NI_NOFQDN, 16},
};

/* The ABI's bits for `flags`; -1 if it holds a bit the table has not. */
static int32_t translate_flags(int flags, const flag_pair *table, size_t n) {
  int32_t out = 0;
  size_t i;
  for (i = 0; i < n; i++) {
    if (flags & table[i].posix) {
      out |= table[i].abi;
      flags &= ~table[i].posix;
    }
  }
  return flags == 0 ? out : -1;
}

/* A resolver result (0, a positive resolver code or a negative WASI errno)
 * as an EAI_* value; EAI_SYSTEM leaves the errno in errno. */
static int gai_code(int32_t rc) {
  static const int codes[] = {0,          EAI_AGAIN,  EAI_BADFLAGS,
                              EAI_FAIL,   EAI_FAMILY, EAI_MEMORY,
                              EAI_NONAME, EAI_SERVICE, EAI_SOCKTYPE,
                              EAI_OVERFLOW};
  if (rc < 0) {
    errno = -rc;
    return EAI_SYSTEM;
  }
  if ((size_t)rc < sizeof(codes) / sizeof(codes[0])) return codes[rc];
  return EAI_FAIL;
}

const char *gai_strerror(int code) {
  switch (code) {
    case 0: return "Success";
    case EAI_BADFLAGS: return "Invalid flags";
    case EAI_NONAME: return "Name or service not known";
    case EAI_AGAIN: return "Temporary failure in name resolution";
    case EAI_FAIL: return "Non-recoverable failure in name resolution";
    case EAI_FAMILY: return "Address family not supported";
    case EAI_SOCKTYPE: return "Socket type not supported";
    case EAI_SERVICE: return "Service not available for socket type";
    case EAI_MEMORY: return "Out of memory";
    case EAI_SYSTEM: return "System error (see errno)";
    case EAI_OVERFLOW: return "Buffer too small";
    default: return "Unknown resolver error";
  }
}

/* ---- getaddrinfo ------------------------------------------------------- */

/* The hints as the ABI's four i32: flags, family, type, protocol. */
static int abi_hints(const struct addrinfo *hints, int32_t out[4]) {
  int family = hints ? hints->ai_family : AF_UNSPEC;
  int type = hints ? hints->ai_socktype : 0;
  out[0] = translate_flags(hints ? hints->ai_flags : 0, resolve_flags,
                           sizeof(resolve_flags) / sizeof(resolve_flags[0]));
  if (out[0] < 0) return EAI_BADFLAGS;
  if (family != AF_UNSPEC && family != AF_INET && family != AF_INET6)
    return EAI_FAMILY;
  out[1] = nsw_family_to_abi(family);
  out[2] = type == 0 ? 0 : nsw_type_to_abi(type);
  if (out[2] < 0) return EAI_SOCKTYPE;
  out[3] = hints ? hints->ai_protocol : 0;
  return 0;
}

/* One list entry: the addrinfo, its sockaddr and (on the first) the
 * canonical name in one block, so freeaddrinfo frees one block per entry. */
static struct addrinfo *make_entry(const nsw_resolved *r, const char *canon) {
  size_t canon_size = canon ? strlen(canon) + 1 : 0;
  struct addrinfo *ai;
  struct sockaddr_storage *sa;
  socklen_t len = (socklen_t)sizeof(*sa);
  ai = (struct addrinfo *)calloc(1, sizeof(*ai) + sizeof(*sa) + canon_size);
  if (ai == NULL) return NULL;
  sa = (struct sockaddr_storage *)(ai + 1);
  nsw_address_to_sockaddr(&r->address, (struct sockaddr *)sa, &len);
  ai->ai_family = sa->ss_family;
  ai->ai_socktype = r->type == 0 ? 0 : nsw_type_from_abi(r->type);
  ai->ai_protocol = r->protocol;
  ai->ai_addrlen = len;
  ai->ai_addr = (struct sockaddr *)sa;
  if (canon != NULL) {
    ai->ai_canonname = (char *)(sa + 1);
    memcpy(ai->ai_canonname, canon, canon_size);
  }
  return ai;
}

/* Links `count` results into a list; EAI_MEMORY if one cannot be made. */
static int build_list(const nsw_resolved *results, uint32_t count,
                      const char *canon, struct addrinfo **res) {
  struct addrinfo *head = NULL, **tail = &head;
  uint32_t i;
  for (i = 0; i < count; i++) {
    *tail = make_entry(&results[i], i == 0 ? canon : NULL);
    if (*tail == NULL) {
      freeaddrinfo(head);
      return EAI_MEMORY;
    }
    tail = &(*tail)->ai_next;
  }
  *res = head;
  return 0;
}

/* Runs `resolve` with room for `room` results into a fresh array. */
static int resolve_into(const char *node, const char *service,
                        const int32_t hints[4], uint32_t room,
                        nsw_resolved **results, uint32_t *count,
                        char canon[NI_MAXHOST]) {
  int32_t rc;
  *results = (nsw_resolved *)malloc(room * sizeof(nsw_resolved));
  if (*results == NULL) return EAI_MEMORY;
  rc = nsw_host_resolve(node, node ? (uint32_t)strlen(node) : 0, service,
                        service ? (uint32_t)strlen(service) : 0, hints,
                        *results, room, count, canon, NI_MAXHOST);
  if (rc != 0) {
    free(*results);
    *results = NULL;
  }
  return gai_code(rc);
}

int getaddrinfo(const char *__restrict node, const char *__restrict service,
                const struct addrinfo *__restrict hints,
                struct addrinfo **__restrict res) {
  int32_t abi[4];
  nsw_resolved *results = NULL;
  uint32_t room = RESULTS_FIRST, count = 0;
  char canon[NI_MAXHOST];
  int rc;
  if (res == NULL) {
    errno = EFAULT;
    return EAI_SYSTEM;
  }
  *res = NULL;
  /* The ABI takes an empty string for an absent one; glibc refuses an empty
   * node, and so does this. */
  if ((node == NULL && service == NULL) || (node != NULL && node[0] == '\0'))
    return EAI_NONAME;
  rc = abi_hints(hints, abi);
  if (rc != 0) return rc;
  canon[0] = '\0';
  for (;;) {
    rc = resolve_into(node, service, abi, room, &results, &count, canon);
    if (rc != 0) return rc;
    if (count < room || room >= RESULTS_MAX) break;
    free(results);
    room *= 2;
  }
  if (count == 0) rc = EAI_NONAME;
  else rc = build_list(results, count, (abi[0] & 2) ? canon : NULL, res);
  free(results);
  return rc;
}

void freeaddrinfo(struct addrinfo *list) {
  while (list != NULL) {
    struct addrinfo *next = list->ai_next;
    free(list);
    list = next;
  }
}

/* ---- getnameinfo ------------------------------------------------------- */

int getnameinfo(const struct sockaddr *__restrict addr, socklen_t addrlen,
                char *__restrict host, socklen_t hostlen,
                char *__restrict serv, socklen_t servlen, int flags) {
  nsw_address record;
  int32_t abi_flags = translate_flags(
      flags, name_info_flags, sizeof(name_info_flags) / sizeof(name_info_flags[0]));
  if (abi_flags < 0) return EAI_BADFLAGS;
  if (host == NULL) hostlen = 0;
  if (serv == NULL) servlen = 0;
  if (hostlen == 0 && servlen == 0) return EAI_NONAME;
  /* As glibc: an address that is short or not IP is a family error. */
  if (nsw_address_from_sockaddr(addr, addrlen, &record) != 0 ||
      record.family == NSW_FAMILY_UNIX)
    return EAI_FAMILY;
  return gai_code(
      nsw_host_name_info(&record, abi_flags, host, hostlen, serv, servlen));
}
