/* Winsock sockets: start-up, creation without handle inheritance, closing,
 * blocking mode, ioctl, waiting for readiness, the host name and unix-domain
 * addresses. */
#include "backend.h"

#include <limits.h>
#include <stddef.h>

/* ---- WSAStartup --------------------------------------------------------- */

static SRWLOCK startup_lock = SRWLOCK_INIT;
static volatile LONG started;

int ns_init(void) {
  int rc = NS_OK;
  if (InterlockedCompareExchange(&started, 0, 0)) return NS_OK;
  AcquireSRWLockExclusive(&startup_lock);
  if (!started) {
    WSADATA data;
    int err = WSAStartup(MAKEWORD(2, 2), &data);
    if (err == 0) {
      InterlockedExchange(&started, 1);
    } else {
      rc = ns_error_from_native(err);
    }
  }
  ReleaseSRWLockExclusive(&startup_lock);
  return rc;
}

/* One WSACleanup for the one WSAStartup that ns_init made; a later call of
 * any function starts Winsock again. */
void ns_cleanup(void) {
  AcquireSRWLockExclusive(&startup_lock);
  if (started) {
    WSACleanup();
    InterlockedExchange(&started, 0);
  }
  ReleaseSRWLockExclusive(&startup_lock);
}

/* ---- creation, inheritance, closing ------------------------------------ */

/* SetHandleInformation reports through GetLastError, not WSAGetLastError. */
static int set_handle_inheritable(ns_socket sock, bool inheritable) {
  if (sock == NS_INVALID_SOCKET) return NS_EBADF;
  if (!SetHandleInformation((HANDLE)sock, HANDLE_FLAG_INHERIT,
                            inheritable ? HANDLE_FLAG_INHERIT : 0))
    return GetLastError() == ERROR_INVALID_HANDLE
               ? NS_EBADF
               : ns_error_from_native((int)GetLastError());
  return NS_OK;
}

/* Applies the inheritance asked for; closes `sock` on failure. */
static int finish_new_socket(SOCKET sock, bool inheritable, ns_socket *out) {
  int rc = set_handle_inheritable(sock, inheritable);
  if (rc != NS_OK) {
    closesocket(sock);
    return rc;
  }
  *out = sock;
  return NS_OK;
}

int nsi_open_socket(int domain, int type, int protocol, bool inheritable,
                    ns_socket *out) {
  /* WSA_FLAG_OVERLAPPED is what socket() would use; NO_HANDLE_INHERIT makes
   * the socket non-inheritable atomically (Windows 7 SP1 and later). */
  SOCKET sock = WSASocketW(domain, type, protocol, NULL, 0,
                           WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
  if (sock == INVALID_SOCKET && WSAGetLastError() == WSAEINVAL) {
    /* Older Windows do not know the flag: clear inheritance afterwards. */
    sock = WSASocketW(domain, type, protocol, NULL, 0, WSA_FLAG_OVERLAPPED);
  }
  if (sock == INVALID_SOCKET) return nsi_last_error();
  return finish_new_socket(sock, inheritable, out);
}

int nsi_accept(ns_socket server, bool inheritable, struct sockaddr *addr,
               socklen_t *len, ns_socket *out) {
  /* Windows has no accept4: the accepted handle's inheritance is set right
   * after, which a CreateProcess on another thread could overtake. */
  SOCKET sock = accept(server, addr, len);
  if (sock == INVALID_SOCKET) return nsi_socket_error(server);
  return finish_new_socket(sock, inheritable, out);
}

/* Windows has no SIGPIPE: nothing to add. */
int nsi_send_flags(int flags) {
  return flags;
}

int nsi_ai_v4mapped(void) {
  return AI_V4MAPPED;
}

int ns_close(ns_socket sock) {
  if (closesocket(sock) == 0) return NS_OK;
  return nsi_socket_error(sock);
}

int ns_set_inheritable(ns_socket sock, bool inheritable) {
  return set_handle_inheritable(sock, inheritable);
}

int ns_set_blocking(ns_socket sock, bool blocking) {
  u_long nonblocking = blocking ? 0 : 1;
  if (ioctlsocket(sock, FIONBIO, &nonblocking) != 0)
    return nsi_socket_error(sock);
  return NS_OK;
}

int ns_ioctl(ns_socket sock, unsigned long request, unsigned long *arg) {
  u_long value;
  if (arg == NULL) return NS_EINVAL;
  if (request == NS_FIONBIO) {
    value = *arg != 0;
    if (ioctlsocket(sock, FIONBIO, &value) != 0) return nsi_socket_error(sock);
    return NS_OK;
  }
  if (request == NS_FIONREAD) {
    value = 0;
    if (ioctlsocket(sock, FIONREAD, &value) != 0) return nsi_socket_error(sock);
    *arg = (unsigned long)value;
    return NS_OK;
  }
  return NS_EINVAL;
}

/* ---- addresses of sockets ----------------------------------------------- */

static socklen_t address_length(int family) {
  switch (family) {
    case AF_INET: return (socklen_t)sizeof(struct sockaddr_in);
    case AF_INET6: return (socklen_t)sizeof(struct sockaddr_in6);
    case AF_UNIX: return (socklen_t)offsetof(struct sockaddr_un, sun_path);
    default: return (socklen_t)sizeof(struct sockaddr);
  }
}

int nsi_check_address(ns_socket sock, const struct sockaddr *addr,
                      socklen_t len) {
  int family, type;
  if (len < (socklen_t)sizeof(addr->sa_family)) return NS_EINVAL;
  if (!nsi_win_socket_kind(sock, &family, &type)) return NS_OK;
  if (addr->sa_family != family) return NS_EAFNOSUPPORT;
  if (len < address_length(family)) return NS_EINVAL;
  return NS_OK;
}

int nsi_sock_name(ns_socket sock, struct sockaddr_storage *ss) {
  int len = (int)sizeof(*ss), family, type;
  if (getsockname(sock, (struct sockaddr *)ss, &len) == 0) return NS_OK;
  /* Unbound: Winsock says WSAEINVAL where POSIX gives the zero address. */
  if (WSAGetLastError() == WSAEINVAL &&
      nsi_win_socket_kind(sock, &family, &type)) {
    memset(ss, 0, sizeof(*ss));
    ss->ss_family = (ADDRESS_FAMILY)family;
    return NS_OK;
  }
  return nsi_socket_error(sock);
}

/* ---- readiness ---------------------------------------------------------- */

/* A Winsock fd_set is a count followed by an array that select reads up to
 * that count, so a set of any size can be allocated: no FD_SETSIZE limit.
 * (select rather than WSAPoll: WSAPoll misses failed connects before
 * Windows 10 2004.) */
static SOCKET *set_array(fd_set *set) {
  return (SOCKET *)((char *)set + offsetof(fd_set, fd_array));
}

static fd_set *new_set(const ns_socket *socks, size_t n) {
  fd_set *set = (fd_set *)malloc(offsetof(fd_set, fd_array) +
                                 n * sizeof(SOCKET));
  if (set == NULL) return NULL;
  set->fd_count = (u_int)n;
  memcpy(set_array(set), socks, n * sizeof(SOCKET));
  return set;
}

static int compare_sockets(const void *a, const void *b) {
  SOCKET x = *(const SOCKET *)a, y = *(const SOCKET *)b;
  return x < y ? -1 : x > y;
}

/* select leaves only the ready sockets in a set; sorted, they are found by
 * binary search. */
static bool set_has(fd_set *set, SOCKET sock) {
  return bsearch(&sock, set_array(set), set->fd_count, sizeof(SOCKET),
                 compare_sockets) != NULL;
}

/* Which socket made select fail: the first that is not an open socket. */
static int bad_socket_error(const ns_socket *socks, size_t n, int fallback) {
  size_t i;
  for (i = 0; i < n; i++) {
    int type = 0, len = (int)sizeof(type);
    if (getsockopt(socks[i], SOL_SOCKET, SO_TYPE, (char *)&type, &len) != 0)
      return nsi_socket_error(socks[i]);
  }
  return fallback;
}

int nsi_poll(const ns_socket *socks, size_t n, bool for_write, int timeout_ms,
             unsigned char *ready) {
  fd_set *wanted, *failed;
  struct timeval tv;
  size_t i;
  int rc;
  /* Winsock's select refuses three empty sets; a wait on nothing is a sleep
   * (the core never asks for one without a timeout). */
  if (n == 0) {
    Sleep((DWORD)timeout_ms);
    return 0;
  }
  if (n > (size_t)INT_MAX) return NS_EINVAL;
  wanted = new_set(socks, n);
  /* A failed non-blocking connect is reported in the exception set only. */
  failed = new_set(socks, n);
  if (wanted == NULL || failed == NULL) {
    free(wanted);
    free(failed);
    return NS_ENOMEM;
  }
  tv.tv_sec = timeout_ms / 1000;
  tv.tv_usec = (timeout_ms % 1000) * 1000;
  rc = select(0, for_write ? NULL : wanted, for_write ? wanted : NULL, failed,
              timeout_ms < 0 ? NULL : &tv);
  if (rc == SOCKET_ERROR) {
    rc = bad_socket_error(socks, n, nsi_last_error());
  } else {
    qsort(set_array(wanted), wanted->fd_count, sizeof(SOCKET), compare_sockets);
    qsort(set_array(failed), failed->fd_count, sizeof(SOCKET), compare_sockets);
    rc = 0;
    for (i = 0; i < n; i++) {
      ready[i] = set_has(wanted, socks[i]) || set_has(failed, socks[i]);
      rc += ready[i];
    }
  }
  free(wanted);
  free(failed);
  return rc;
}

/* ---- host name --------------------------------------------------------- */

int nsi_hostname(char *buf, size_t len) {
  if (gethostname(buf, len > (size_t)INT_MAX ? INT_MAX : (int)len) != 0)
    return nsi_last_error();
  return NS_OK;
}
