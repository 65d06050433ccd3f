/* Winsock error codes, C runtime errno values and getaddrinfo results → the
 * library's codes. This is the only place Windows error numbers are read. */
#include "backend.h"

#include <errno.h>

typedef struct native_error {
  int native;
  int code;
} native_error;

/* WSA codes (10000 and up) and the C runtime's errno values (below 200) do
 * not overlap, so one table answers for both. */
static const native_error native_errors[] = {
    {WSAEINTR, NS_EINTR},
    {WSAEBADF, NS_EBADF},
    {WSAEACCES, NS_EACCES},
    {WSAEFAULT, NS_EFAULT},
    {WSAEINVAL, NS_EINVAL},
    {WSAEMFILE, NS_EMFILE},
    {WSAEWOULDBLOCK, NS_EAGAIN},
    {WSAEINPROGRESS, NS_EINPROGRESS},
    {WSAEALREADY, NS_EALREADY},
    {WSAENOTSOCK, NS_ENOTSOCK},
    {WSAEDESTADDRREQ, NS_EDESTADDRREQ},
    {WSAEMSGSIZE, NS_EMSGSIZE},
    {WSAEPROTOTYPE, NS_EPROTOTYPE},
    {WSAENOPROTOOPT, NS_ENOPROTOOPT},
    {WSAEPROTONOSUPPORT, NS_EPROTONOSUPPORT},
    {WSAESOCKTNOSUPPORT, NS_EPROTONOSUPPORT},
    {WSAEOPNOTSUPP, NS_ENOTSUP},
    {WSAEPFNOSUPPORT, NS_EAFNOSUPPORT},
    {WSAEAFNOSUPPORT, NS_EAFNOSUPPORT},
    {WSAEADDRINUSE, NS_EADDRINUSE},
    {WSAEADDRNOTAVAIL, NS_EADDRNOTAVAIL},
    {WSAENETDOWN, NS_ENETDOWN},
    {WSAENETUNREACH, NS_ENETUNREACH},
    {WSAENETRESET, NS_ECONNRESET},
    {WSAECONNABORTED, NS_ECONNABORTED},
    {WSAECONNRESET, NS_ECONNRESET},
    {WSAENOBUFS, NS_ENOBUFS},
    {WSAEISCONN, NS_EISCONN},
    {WSAENOTCONN, NS_ENOTCONN},
    /* Sending after shutdown(SD_SEND): POSIX says EPIPE. */
    {WSAESHUTDOWN, NS_EPIPE},
    {WSAETIMEDOUT, NS_ETIMEDOUT},
    {WSAECONNREFUSED, NS_ECONNREFUSED},
    {WSAENAMETOOLONG, NS_ENAMETOOLONG},
    {WSAEHOSTDOWN, NS_EHOSTUNREACH},
    {WSAEHOSTUNREACH, NS_EHOSTUNREACH},
    {WSAEPROCLIM, NS_EMFILE},
    {WSAEDISCON, NS_EPIPE},
    {WSA_NOT_ENOUGH_MEMORY, NS_ENOMEM},
    {WSA_INVALID_HANDLE, NS_EBADF},
    {WSA_INVALID_PARAMETER, NS_EINVAL},
    {WSANOTINITIALISED, NS_EINVAL},
    /* The C runtime's errno values (mingw-w64 and MSVC define every POSIX
     * name the library has a code for), and their synonyms. */
#define NSI_CRT_ERRNO(name, number, message) {name, NS_##name},
    NS_ERRNO_MAP(NSI_CRT_ERRNO)
#undef NSI_CRT_ERRNO
    {EOPNOTSUPP, NS_ENOTSUP},
    {EWOULDBLOCK, NS_EAGAIN},
};

int ns_error_from_native(int native) {
  size_t i;
  if (native == 0) return NS_OK;
  for (i = 0; i < sizeof(native_errors) / sizeof(native_errors[0]); i++) {
    if (native_errors[i].native == native) return native_errors[i].code;
  }
  return NS_EUNKNOWN;
}

int nsi_last_error(void) {
  return ns_error_from_native(WSAGetLastError());
}

/* Whether `sock` names any open handle of this process. */
static bool is_open_handle(ns_socket sock) {
  DWORD flags;
  /* (HANDLE)-1 is the pseudo-handle of the current process, always "open". */
  if (sock == NS_INVALID_SOCKET) return false;
  return GetHandleInformation((HANDLE)sock, &flags) != 0;
}

bool nsi_win_socket_kind(ns_socket sock, int *family, int *type) {
  WSAPROTOCOL_INFOW info;
  int len = (int)sizeof(info);
  if (getsockopt(sock, SOL_SOCKET, SO_PROTOCOL_INFOW, (char *)&info, &len) != 0)
    return false;
  *family = info.iAddressFamily;
  *type = info.iSocketType;
  return true;
}

static bool is_socket(ns_socket sock) {
  int type = 0, len = (int)sizeof(type);
  return getsockopt(sock, SOL_SOCKET, SO_TYPE, (char *)&type, &len) == 0;
}

int nsi_socket_error(ns_socket sock) {
  int native = WSAGetLastError();
  /* Wine answers some calls on a file handle with WSAEINVAL where Windows
   * says WSAENOTSOCK; either way, a handle that is not a socket is told
   * apart here. Only error paths pay for the extra calls. */
  if ((native == WSAENOTSOCK || native == WSAEINVAL) && !is_socket(sock))
    return is_open_handle(sock) ? NS_ENOTSOCK : NS_EBADF;
  return ns_error_from_native(native);
}

int nsi_send_error(ns_socket sock) {
  int native = WSAGetLastError(), family, type;
  switch (native) {
    /* The peer is gone (Winsock says reset, aborted or shut down for every
     * send after it; POSIX says EPIPE). */
    case WSAECONNRESET:
    case WSAECONNABORTED:
    case WSAESHUTDOWN:
      return NS_EPIPE;
    /* An unconnected datagram socket without a destination. */
    case WSAENOTCONN:
    case WSAEINVAL:
      if (nsi_win_socket_kind(sock, &family, &type) && type == SOCK_DGRAM)
        return NS_EDESTADDRREQ;
      break;
    default:
      break;
  }
  WSASetLastError(native);
  return nsi_socket_error(sock);
}

ptrdiff_t nsi_recv_error(ns_socket sock, int len) {
  int family, type, native = WSAGetLastError();
  if (native == WSAEMSGSIZE && nsi_win_socket_kind(sock, &family, &type) &&
      type != SOCK_STREAM)
    return len;
  WSASetLastError(native);
  return nsi_socket_error(sock);
}

int nsi_last_connect_error(ns_socket sock) {
  /* A non-blocking connect that has begun is WSAEWOULDBLOCK on Windows. */
  if (WSAGetLastError() == WSAEWOULDBLOCK) return NS_EINPROGRESS;
  return nsi_socket_error(sock);
}

int nsi_error_from_gai(int gai_result) {
  switch (gai_result) {
    case 0: return NS_OK;
    case WSATRY_AGAIN: return NS_EAI_AGAIN;
    case WSAEINVAL: return NS_EAI_BADFLAGS;
    case WSANO_RECOVERY: return NS_EAI_FAIL;
    case WSAEAFNOSUPPORT: return NS_EAI_FAMILY;
    case WSA_NOT_ENOUGH_MEMORY: return NS_EAI_MEMORY;
    case WSAHOST_NOT_FOUND: return NS_EAI_NONAME;
    case WSANO_DATA: return NS_EAI_NONAME; /* the name has no address */
    case WSATYPE_NOT_FOUND: return NS_EAI_SERVICE;
    case WSAESOCKTNOSUPPORT: return NS_EAI_SOCKTYPE;
    /* Wine passes glibc's EAI_ADDRFAMILY (-9) through untranslated: the
     * host has no address of the family asked for. */
    case -9: return NS_EAI_FAMILY;
    default: return ns_error_from_native(gai_result);
  }
}
