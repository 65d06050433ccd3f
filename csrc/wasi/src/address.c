/* The libc's sockaddr structs, families and socket types <-> the ABI's
 * address record, family and type numbers. */
#include "addon.h"

#include <netinet/in.h>
#include <string.h>
#include <sys/un.h>

int nsw_family_to_abi(int family) {
  switch (family) {
    case AF_UNSPEC: return NSW_FAMILY_UNSPEC;
    case AF_INET: return NSW_FAMILY_INET;
    case AF_INET6: return NSW_FAMILY_INET6;
    case AF_UNIX: return NSW_FAMILY_UNIX;
    default: return -1;
  }
}

int nsw_type_to_abi(int type) {
  switch (type) {
    case SOCK_STREAM: return NSW_TYPE_STREAM;
    case SOCK_DGRAM: return NSW_TYPE_DGRAM;
    case SOCK_RAW: return NSW_TYPE_RAW;
    case SOCK_SEQPACKET: return NSW_TYPE_SEQPACKET;
    default: return -1;
  }
}

int nsw_type_from_abi(int type) {
  switch (type) {
    case NSW_TYPE_STREAM: return SOCK_STREAM;
    case NSW_TYPE_DGRAM: return SOCK_DGRAM;
    case NSW_TYPE_RAW: return SOCK_RAW;
    case NSW_TYPE_SEQPACKET: return SOCK_SEQPACKET;
    default: return -1;
  }
}

/* The bytes a sockaddr must have for its family's fields to be read. */
#define IN_NEEDED (offsetof(struct sockaddr_in, sin_addr) + 4)
#define IN6_NEEDED (offsetof(struct sockaddr_in6, sin6_scope_id) + 4)
#define UN_PATH_AT offsetof(struct sockaddr_un, sun_path)

static int from_inet(const struct sockaddr_in *sa, socklen_t len,
                     nsw_address *out) {
  if (len < IN_NEEDED) return EINVAL;
  out->family = NSW_FAMILY_INET;
  out->port = ntohs(sa->sin_port);
  memcpy(out->addr, &sa->sin_addr, 4);
  return 0;
}

static int from_inet6(const struct sockaddr_in6 *sa, socklen_t len,
                      nsw_address *out) {
  if (len < IN6_NEEDED) return EINVAL;
  out->family = NSW_FAMILY_INET6;
  out->port = ntohs(sa->sin6_port);
  out->flowinfo = sa->sin6_flowinfo;
  memcpy(out->addr, &sa->sin6_addr, 16);
  out->scope_id = sa->sin6_scope_id;
  return 0;
}

/* The path is what follows sun_family, up to its NUL or the end of `len`. */
static int from_unix(const struct sockaddr_un *sa, socklen_t len,
                     nsw_address *out) {
  size_t room, path_len;
  if (len > sizeof(*sa)) len = sizeof(*sa);
  room = len - UN_PATH_AT;
  path_len = strnlen(sa->sun_path, room);
  if (path_len >= NSW_UNIX_PATH_MAX) return ENAMETOOLONG;
  out->family = NSW_FAMILY_UNIX;
  memcpy(out->path, sa->sun_path, path_len);
  out->path[path_len] = '\0';
  return 0;
}

int nsw_address_from_sockaddr(const struct sockaddr *sa, socklen_t len,
                              nsw_address *out) {
  memset(out, 0, sizeof(*out));
  if (sa == NULL) return EFAULT;
  if (len < sizeof(sa_family_t)) return EINVAL;
  switch (sa->sa_family) {
    case AF_INET: return from_inet((const struct sockaddr_in *)sa, len, out);
    case AF_INET6: return from_inet6((const struct sockaddr_in6 *)sa, len, out);
    case AF_UNIX: return from_unix((const struct sockaddr_un *)sa, len, out);
    default: return EAFNOSUPPORT;
  }
}

/* Builds the sockaddr for `in` in `full`; returns its length (0 when the
 * record's family is none the add-on knows). */
static socklen_t build_sockaddr(const nsw_address *in,
                                struct sockaddr_storage *full) {
  memset(full, 0, sizeof(*full));
  if (in->family == NSW_FAMILY_INET) {
    struct sockaddr_in *sa = (struct sockaddr_in *)full;
    sa->sin_family = AF_INET;
    sa->sin_port = htons(in->port);
    memcpy(&sa->sin_addr, in->addr, 4);
    return (socklen_t)sizeof(*sa);
  }
  if (in->family == NSW_FAMILY_INET6) {
    struct sockaddr_in6 *sa = (struct sockaddr_in6 *)full;
    sa->sin6_family = AF_INET6;
    sa->sin6_port = htons(in->port);
    sa->sin6_flowinfo = in->flowinfo;
    memcpy(&sa->sin6_addr, in->addr, 16);
    sa->sin6_scope_id = in->scope_id;
    return (socklen_t)sizeof(*sa);
  }
  if (in->family == NSW_FAMILY_UNIX) {
    /* As Linux: the family and the path with its NUL; an unnamed socket is
     * the family alone. */
    struct sockaddr_un *sa = (struct sockaddr_un *)full;
    size_t path_len = strnlen(in->path, NSW_UNIX_PATH_MAX - 1);
    sa->sun_family = AF_UNIX;
    memcpy(sa->sun_path, in->path, path_len);
    return (socklen_t)(UN_PATH_AT + (path_len > 0 ? path_len + 1 : 0));
  }
  return 0;
}

void nsw_address_to_sockaddr(const nsw_address *in, struct sockaddr *sa,
                             socklen_t *len) {
  struct sockaddr_storage full;
  socklen_t full_len = build_sockaddr(in, &full);
  memcpy(sa, &full, full_len < *len ? full_len : *len);
  *len = full_len;
}
