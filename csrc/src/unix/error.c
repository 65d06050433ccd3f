/* POSIX error numbers and getaddrinfo results → the library's codes. */
#include "../internal.h"

#include <errno.h>

int ns_error_from_native(int native) {
  if (native == 0) return NS_OK;
  /* EAGAIN/EWOULDBLOCK and ENOTSUP/EOPNOTSUPP are distinct on some systems. */
  if (native == EAGAIN || native == EWOULDBLOCK) return NS_EAGAIN;
  if (native == ENOTSUP || native == EOPNOTSUPP) return NS_ENOTSUP;
  switch (native) {
#define NSI_ERRNO_CASE(name, number, message) \
  case name:                                  \
    return NS_##name;
    NS_ERRNO_MAP(NSI_ERRNO_CASE)
#undef NSI_ERRNO_CASE
    default: return NS_EUNKNOWN;
  }
}

int nsi_last_error(void) {
  return ns_error_from_native(errno);
}

/* errno already tells a closed descriptor (EBADF) from a file (ENOTSOCK). */
int nsi_socket_error(ns_socket sock) {
  (void)sock;
  return nsi_last_error();
}

/* POSIX send already says EPIPE and EDESTADDRREQ. */
int nsi_send_error(ns_socket sock) {
  return nsi_socket_error(sock);
}

/* POSIX recv cuts a long datagram to the buffer and succeeds. */
ptrdiff_t nsi_recv_error(ns_socket sock, int len) {
  (void)len;
  return nsi_socket_error(sock);
}

int nsi_last_connect_error(ns_socket sock) {
  return nsi_socket_error(sock);
}

int nsi_error_from_gai(int gai_result) {
  switch (gai_result) {
    case 0: return NS_OK;
#define NSI_EAI_CASE(name, number, message) \
  case name:                                \
    return NS_##name;
    NS_EAI_MAP(NSI_EAI_CASE)
#undef NSI_EAI_CASE
#if defined(EAI_ADDRFAMILY) && EAI_ADDRFAMILY != EAI_FAMILY
    case EAI_ADDRFAMILY: return NS_EAI_FAMILY; /* host has no such family */
#endif
#if defined(EAI_NODATA) && EAI_NODATA != EAI_NONAME
    case EAI_NODATA: return NS_EAI_NONAME; /* the name has no address */
#endif
#ifdef EAI_SYSTEM
    case EAI_SYSTEM: return nsi_last_error();
#endif
    default: return NS_EUNKNOWN;
  }
}
