/* Names and sentences of the library's error codes. The translation from
 * native numbers lives in the backend (ns_error_from_native). */
#include "internal.h"

typedef struct error_info {
  int code;
  const char *name;
  const char *message;
} error_info;

static const error_info error_table[] = {
    {NS_OK, "OK", "success"},
    {NS_EACCES, "EACCES", "permission denied"},
    {NS_EADDRINUSE, "EADDRINUSE", "address already in use"},
    {NS_EADDRNOTAVAIL, "EADDRNOTAVAIL", "address not available"},
    {NS_EAFNOSUPPORT, "EAFNOSUPPORT", "address family not supported"},
    {NS_EAGAIN, "EAGAIN", "resource temporarily unavailable (would block)"},
    {NS_EALREADY, "EALREADY", "operation already in progress"},
    {NS_EBADF, "EBADF", "bad socket descriptor"},
    {NS_ECONNABORTED, "ECONNABORTED", "connection aborted"},
    {NS_ECONNREFUSED, "ECONNREFUSED", "connection refused"},
    {NS_ECONNRESET, "ECONNRESET", "connection reset by peer"},
    {NS_EDESTADDRREQ, "EDESTADDRREQ", "destination address required"},
    {NS_EFAULT, "EFAULT", "bad address"},
    {NS_EHOSTUNREACH, "EHOSTUNREACH", "host is unreachable"},
    {NS_EINPROGRESS, "EINPROGRESS", "operation in progress"},
    {NS_EINTR, "EINTR", "interrupted system call"},
    {NS_EINVAL, "EINVAL", "invalid argument"},
    {NS_EISCONN, "EISCONN", "socket is already connected"},
    {NS_EMFILE, "EMFILE", "too many open files"},
    {NS_EMSGSIZE, "EMSGSIZE", "message too long"},
    {NS_ENAMETOOLONG, "ENAMETOOLONG", "name too long"},
    {NS_ENETDOWN, "ENETDOWN", "network is down"},
    {NS_ENETUNREACH, "ENETUNREACH", "network is unreachable"},
    {NS_ENOBUFS, "ENOBUFS", "no buffer space available"},
    {NS_ENOENT, "ENOENT", "not found in the database"},
    {NS_ENOMEM, "ENOMEM", "not enough memory"},
    {NS_ENOPROTOOPT, "ENOPROTOOPT", "protocol option not available"},
    {NS_ENOTCONN, "ENOTCONN", "socket is not connected"},
    {NS_ENOTSOCK, "ENOTSOCK", "descriptor is not a socket"},
    {NS_ENOTSUP, "ENOTSUP", "operation not supported"},
    {NS_EPERM, "EPERM", "operation not permitted"},
    {NS_EPIPE, "EPIPE", "broken pipe"},
    {NS_EPROTONOSUPPORT, "EPROTONOSUPPORT", "protocol not supported"},
    {NS_EPROTOTYPE, "EPROTOTYPE", "protocol wrong type for socket"},
    {NS_ERANGE, "ERANGE", "result too large for the buffer"},
    {NS_ETIMEDOUT, "ETIMEDOUT", "connection timed out"},
    {NS_ENFILE, "ENFILE", "too many open files in system"},
    {NS_EAI_AGAIN, "EAI_AGAIN", "temporary failure in name resolution"},
    {NS_EAI_BADFLAGS, "EAI_BADFLAGS", "bad value for resolver flags"},
    {NS_EAI_FAIL, "EAI_FAIL", "non-recoverable failure in name resolution"},
    {NS_EAI_FAMILY, "EAI_FAMILY", "address family not supported by resolver"},
    {NS_EAI_MEMORY, "EAI_MEMORY", "resolver out of memory"},
    {NS_EAI_NONAME, "EAI_NONAME", "name or address not known"},
    {NS_EAI_SERVICE, "EAI_SERVICE", "service not supported for socket type"},
    {NS_EAI_SOCKTYPE, "EAI_SOCKTYPE", "socket type not supported"},
    {NS_EUNKNOWN, "EUNKNOWN", "unknown error"},
};

static const error_info *find_error(int code) {
  size_t i;
  for (i = 0; i < sizeof(error_table) / sizeof(error_table[0]); i++) {
    if (error_table[i].code == code) return &error_table[i];
  }
  return NULL;
}

const char *ns_strerror(int code) {
  const error_info *info = find_error(code);
  return info ? info->message : "unknown error";
}

const char *ns_err_name(int code) {
  const error_info *info = find_error(code);
  return info ? info->name : "EUNKNOWN";
}

const char *ns_version(void) {
  return "0.1.0";
}
