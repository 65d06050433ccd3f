/*
 * nativesockets WASI add-on: <netdb.h>, which wasi-libc does not have.
 *
 * The resolver and the services/protocols databases run in the Node host
 * (wasm/ABI.md). Flag and error values are glibc's, so code written for
 * Linux reads the same. getservby*, getprotobyname return static storage
 * that the next call of the same kind overwrites (wasm32-wasi has one
 * thread). gethostbyname and gethostbyaddr are answered by getaddrinfo and
 * getnameinfo; their errors are in h_errno.
 */
#ifndef NATIVESOCKETS_WASI_NETDB_H
#define NATIVESOCKETS_WASI_NETDB_H

#pragma GCC system_header

#include <sys/socket.h>
#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

struct addrinfo {
  int ai_flags;
  int ai_family;
  int ai_socktype;
  int ai_protocol;
  socklen_t ai_addrlen;
  struct sockaddr *ai_addr;
  char *ai_canonname;
  struct addrinfo *ai_next;
};

struct servent {
  char *s_name;
  char **s_aliases;
  int s_port; /* network byte order */
  char *s_proto;
};

struct protoent {
  char *p_name;
  char **p_aliases;
  int p_proto;
};

struct hostent {
  char *h_name;
  char **h_aliases;
  int h_addrtype;
  int h_length;
  char **h_addr_list;
};
#define h_addr h_addr_list[0]

#define AI_PASSIVE 0x01
#define AI_CANONNAME 0x02
#define AI_NUMERICHOST 0x04
#define AI_V4MAPPED 0x08
#define AI_ALL 0x10
#define AI_ADDRCONFIG 0x20
#define AI_NUMERICSERV 0x400

#define NI_NUMERICHOST 0x01
#define NI_NUMERICSERV 0x02
#define NI_NOFQDN 0x04
#define NI_NAMEREQD 0x08
#define NI_DGRAM 0x10

#define NI_MAXHOST 1025
#define NI_MAXSERV 32

#define EAI_BADFLAGS (-1)
#define EAI_NONAME (-2)
#define EAI_AGAIN (-3)
#define EAI_FAIL (-4)
#define EAI_FAMILY (-6)
#define EAI_SOCKTYPE (-7)
#define EAI_SERVICE (-8)
#define EAI_MEMORY (-10)
#define EAI_SYSTEM (-11) /* the reason is in errno */
#define EAI_OVERFLOW (-12)

/* h_errno's values (glibc's). */
#define HOST_NOT_FOUND 1
#define TRY_AGAIN 2
#define NO_RECOVERY 3
#define NO_DATA 4
#define NO_ADDRESS NO_DATA
#define NETDB_INTERNAL (-1)
#define NETDB_SUCCESS 0

extern int h_errno;
const char *hstrerror(int code);
void herror(const char *prefix);

/* Static storage that the next call overwrites. */
struct hostent *gethostbyname(const char *name);
struct hostent *gethostbyname2(const char *name, int family);
struct hostent *gethostbyaddr(const void *addr, socklen_t len, int family);
/* glibc's reentrant forms: 0 with *result set (NULL: not found, see
 * *h_errnop), or ERANGE when `buf` is too small. */
int gethostbyname_r(const char *__restrict name, struct hostent *__restrict ret,
                    char *__restrict buf, size_t buflen,
                    struct hostent **__restrict result,
                    int *__restrict h_errnop);
int gethostbyname2_r(const char *__restrict name, int family,
                     struct hostent *__restrict ret, char *__restrict buf,
                     size_t buflen, struct hostent **__restrict result,
                     int *__restrict h_errnop);

int getaddrinfo(const char *__restrict node, const char *__restrict service,
                const struct addrinfo *__restrict hints,
                struct addrinfo **__restrict res);
void freeaddrinfo(struct addrinfo *list);
const char *gai_strerror(int code);
int getnameinfo(const struct sockaddr *__restrict addr, socklen_t addrlen,
                char *__restrict host, socklen_t hostlen,
                char *__restrict serv, socklen_t servlen, int flags);

struct servent *getservbyname(const char *name, const char *proto);
struct servent *getservbyport(int port, const char *proto);
struct protoent *getprotobyname(const char *name);
struct protoent *getprotobynumber(int number);

#ifdef __cplusplus
}
#endif

#endif /* NATIVESOCKETS_WASI_NETDB_H */
