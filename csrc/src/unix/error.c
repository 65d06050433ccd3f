/* POSIX error numbers and getaddrinfo results → the library's codes. */
#include "../internal.h"

#include <errno.h>

int ns_error_from_native(int native) {
  if (native == 0) return NS_OK;
  /* EAGAIN/EWOULDBLOCK and ENOTSUP/EOPNOTSUPP are distinct on some systems. */
  if (native == EAGAIN || native == EWOULDBLOCK) return NS_EAGAIN;
  if (native == ENOTSUP || native == EOPNOTSUPP) return NS_ENOTSUP;
  switch (native) {
    case EACCES: return NS_EACCES;
    case EADDRINUSE: return NS_EADDRINUSE;
    case EADDRNOTAVAIL: return NS_EADDRNOTAVAIL;
    case EAFNOSUPPORT: return NS_EAFNOSUPPORT;
    case EALREADY: return NS_EALREADY;
    case EBADF: return NS_EBADF;
    case ECONNABORTED: return NS_ECONNABORTED;
    case ECONNREFUSED: return NS_ECONNREFUSED;
    case ECONNRESET: return NS_ECONNRESET;
    case EDESTADDRREQ: return NS_EDESTADDRREQ;
    case EFAULT: return NS_EFAULT;
    case EHOSTUNREACH: return NS_EHOSTUNREACH;
    case EINPROGRESS: return NS_EINPROGRESS;
    case EINTR: return NS_EINTR;
    case EINVAL: return NS_EINVAL;
    case EISCONN: return NS_EISCONN;
    case EMFILE: return NS_EMFILE;
    case EMSGSIZE: return NS_EMSGSIZE;
    case ENAMETOOLONG: return NS_ENAMETOOLONG;
    case ENETDOWN: return NS_ENETDOWN;
    case ENETUNREACH: return NS_ENETUNREACH;
    case ENOBUFS: return NS_ENOBUFS;
    case ENOENT: return NS_ENOENT;
    case ENOMEM: return NS_ENOMEM;
    case ENOPROTOOPT: return NS_ENOPROTOOPT;
    case ENOTCONN: return NS_ENOTCONN;
    case ENOTSOCK: return NS_ENOTSOCK;
    case EPERM: return NS_EPERM;
    case EPIPE: return NS_EPIPE;
    case EPROTONOSUPPORT: return NS_EPROTONOSUPPORT;
    case EPROTOTYPE: return NS_EPROTOTYPE;
    case ERANGE: return NS_ERANGE;
    case ETIMEDOUT: return NS_ETIMEDOUT;
    case ENFILE: return NS_ENFILE;
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
    case EAI_AGAIN: return NS_EAI_AGAIN;
    case EAI_BADFLAGS: return NS_EAI_BADFLAGS;
    case EAI_FAIL: return NS_EAI_FAIL;
    case EAI_FAMILY: return NS_EAI_FAMILY;
    case EAI_MEMORY: return NS_EAI_MEMORY;
    case EAI_NONAME: return NS_EAI_NONAME;
    case EAI_SERVICE: return NS_EAI_SERVICE;
    case EAI_SOCKTYPE: return NS_EAI_SOCKTYPE;
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
