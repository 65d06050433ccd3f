/* gethostbyname, gethostbyname2, gethostbyname_r, gethostbyaddr,
 * hstrerror, herror: the old host lookup, answered by getaddrinfo and
 * getnameinfo (so by the host's resolver and /etc/hosts). Under Emscripten
 * these replace its libc's, which answer from its made-up DNS. h_errno is
 * the libc's (Emscripten's) or posix/h_errno.c's (WASI). */
#include "addon.h"

#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#ifndef NETDB_INTERNAL
#define NETDB_INTERNAL (-1) /* musl (Emscripten) has no name for it */
#endif

/* The most addresses one entry carries; more are left out. */
#define MAX_ADDRESSES 16

const char *hstrerror(int code) {
  switch (code) {
    case 0: return "Resolver Error 0 (no error)";
    case HOST_NOT_FOUND: return "Unknown host";
    case TRY_AGAIN: return "Host name lookup failure";
    case NO_RECOVERY: return "Unknown server error";
    case NO_DATA: return "No address associated with name";
    default: return "Unknown resolver error";
  }
}

void herror(const char *prefix) {
  if (prefix != NULL && *prefix != '\0') fprintf(stderr, "%s: ", prefix);
  fprintf(stderr, "%s\n", hstrerror(h_errno));
}

static int h_errno_of(int eai) {
  switch (eai) {
    case EAI_AGAIN: return TRY_AGAIN;
    case EAI_NONAME: return HOST_NOT_FOUND;
    case EAI_FAMILY: return NO_DATA;
    default: return NO_RECOVERY;
  }
}

/* Lays an entry out in `buf`: the name, the address pointers and the
 * addresses. 0, or ERANGE when it does not fit. */
typedef struct layout {
  char *at, *end;
} layout;

static void *take(layout *room, size_t size, size_t align) {
  uintptr_t p = ((uintptr_t)room->at + align - 1) & ~(uintptr_t)(align - 1);
  if (p > (uintptr_t)room->end || (uintptr_t)room->end - p < size) return NULL;
  room->at = (char *)(p + size);
  return (void *)p;
}

static int fill_entry(struct hostent *ret, char *buf, size_t buflen,
                      const char *name, int family, const void *addrs,
                      int count) {
  layout room = {buf, buf + buflen};
  size_t length = family == AF_INET6 ? 16 : 4;
  size_t name_len = strlen(name) + 1;
  char **list = take(&room, sizeof(char *) * (size_t)(count + 1), sizeof(char *));
  char **aliases = take(&room, sizeof(char *), sizeof(char *));
  char *bytes = take(&room, length * (size_t)count, 4);
  char *copy = take(&room, name_len, 1);
  int i;
  if (list == NULL || aliases == NULL || bytes == NULL || copy == NULL) return ERANGE;
  memcpy(copy, name, name_len);
  memcpy(bytes, addrs, length * (size_t)count);
  for (i = 0; i < count; i++) list[i] = bytes + length * (size_t)i;
  list[count] = NULL;
  aliases[0] = NULL;
  ret->h_name = copy;
  ret->h_aliases = aliases;
  ret->h_addrtype = family;
  ret->h_length = (int)length;
  ret->h_addr_list = list;
  return 0;
}

/* getaddrinfo's addresses of one family, in order and without repeats. */
static int collect(const struct addrinfo *list, int family,
                   unsigned char out[MAX_ADDRESSES][16]) {
  size_t length = family == AF_INET6 ? 16 : 4;
  int count = 0, i;
  for (; list != NULL && count < MAX_ADDRESSES; list = list->ai_next) {
    const void *bytes;
    bool seen = false;
    if (list->ai_family != family) continue;
    bytes = family == AF_INET6
                ? (const void *)&((struct sockaddr_in6 *)list->ai_addr)->sin6_addr
                : (const void *)&((struct sockaddr_in *)list->ai_addr)->sin_addr;
    for (i = 0; i < count && !seen; i++) seen = memcmp(out[i], bytes, length) == 0;
    if (!seen) memcpy(out[count++], bytes, length);
  }
  return count;
}

int gethostbyname2_r(const char *__restrict name, int family,
                     struct hostent *__restrict ret, char *__restrict buf,
                     size_t buflen, struct hostent **__restrict result,
                     int *__restrict h_errnop) {
  struct addrinfo hints, *list = NULL;
  unsigned char addrs[MAX_ADDRESSES][16];
  int rc, count;
  *result = NULL;
  if (family != AF_INET && family != AF_INET6) {
    *h_errnop = NETDB_INTERNAL;
    return EAFNOSUPPORT;
  }
  memset(&hints, 0, sizeof(hints));
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_CANONNAME;
  rc = getaddrinfo(name, NULL, &hints, &list);
  if (rc != 0) {
    *h_errnop = h_errno_of(rc);
    return 0;
  }
  count = collect(list, family, addrs);
  if (count == 0) {
    freeaddrinfo(list);
    *h_errnop = NO_DATA;
    return 0;
  }
  rc = fill_entry(ret, buf, buflen,
                  list->ai_canonname != NULL ? list->ai_canonname : name,
                  family, addrs, count);
  freeaddrinfo(list);
  if (rc != 0) {
    *h_errnop = NETDB_INTERNAL;
    return rc;
  }
  *h_errnop = 0;
  *result = ret;
  return 0;
}

int gethostbyname_r(const char *__restrict name, struct hostent *__restrict ret,
                    char *__restrict buf, size_t buflen,
                    struct hostent **__restrict result,
                    int *__restrict h_errnop) {
  return gethostbyname2_r(name, AF_INET, ret, buf, buflen, result, h_errnop);
}

/* The static entry of the non-reentrant calls: a name of up to NI_MAXHOST
 * and MAX_ADDRESSES addresses always fit. */
static struct hostent static_entry;
static char static_room[NI_MAXHOST + (MAX_ADDRESSES + 2) * (sizeof(char *) + 16)];

struct hostent *gethostbyname2(const char *name, int family) {
  struct hostent *result = NULL;
  int rc = gethostbyname2_r(name, family, &static_entry, static_room,
                            sizeof(static_room), &result, &h_errno);
  if (rc != 0) errno = rc;
  return result;
}

struct hostent *gethostbyname(const char *name) {
  return gethostbyname2(name, AF_INET);
}

struct hostent *gethostbyaddr(const void *addr, socklen_t len, int family) {
  struct sockaddr_storage ss;
  socklen_t sslen;
  char host[NI_MAXHOST];
  struct hostent *result = NULL;
  int rc;
  memset(&ss, 0, sizeof(ss));
  if (addr == NULL) {
    h_errno = NETDB_INTERNAL;
    errno = EFAULT;
    return NULL;
  }
  if (family == AF_INET && len == 4) {
    struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
    sin->sin_family = AF_INET;
    memcpy(&sin->sin_addr, addr, 4);
    sslen = sizeof(*sin);
  } else if (family == AF_INET6 && len == 16) {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
    sin6->sin6_family = AF_INET6;
    memcpy(&sin6->sin6_addr, addr, 16);
    sslen = sizeof(*sin6);
  } else {
    h_errno = NETDB_INTERNAL;
    errno = EINVAL;
    return NULL;
  }
  rc = getnameinfo((struct sockaddr *)&ss, sslen, host, sizeof(host), NULL, 0,
                   NI_NAMEREQD);
  if (rc != 0) {
    h_errno = h_errno_of(rc);
    return NULL;
  }
  if (fill_entry(&static_entry, static_room, sizeof(static_room), host, family,
                 addr, 1) != 0) {
    h_errno = NETDB_INTERNAL;
    return NULL;
  }
  h_errno = 0;
  result = &static_entry;
  return result;
}
