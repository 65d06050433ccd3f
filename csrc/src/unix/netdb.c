/* The services and protocols databases (/etc/services, /etc/protocols or
 * whatever NSS is configured to use), through the reentrant _r calls where
 * the C library has them. Where it has not (macOS, the WASI add-on), the
 * plain calls keep their results per thread. */
#include "../internal.h"
#include "features.h"

#include <errno.h>

#if defined(NSI_HAVE_NETDB_R)

/* The _r calls want a scratch buffer; grow it until the entry fits. */
#define NSI_NETDB_BUFFER_START 1024
#define NSI_NETDB_BUFFER_MAX ((size_t)1024 * 1024)

static int servent_lookup(const char *name, int port_net, const char *proto,
                          ns_servent *out) {
  size_t size = NSI_NETDB_BUFFER_START;
  for (;;) {
    struct servent entry, *found = NULL;
    char *scratch = (char *)malloc(size);
    int rc;
    if (scratch == NULL) return NS_ENOMEM;
    if (name != NULL)
      rc = getservbyname_r(name, proto, &entry, scratch, size, &found);
    else
      rc = getservbyport_r(port_net, proto, &entry, scratch, size, &found);
    if (rc == 0 && found != NULL) {
      rc = nsi_servent_fill(out, found->s_name, found->s_aliases,
                            ns_ntohs((uint16_t)found->s_port), found->s_proto);
      free(scratch);
      return rc;
    }
    free(scratch);
    if (rc != ERANGE) return NS_ENOENT;
    if (size >= NSI_NETDB_BUFFER_MAX) return NS_ENOMEM;
    size *= 2;
  }
}

int nsi_protocol_by_name(const char *name, int *proto) {
  size_t size = NSI_NETDB_BUFFER_START;
  for (;;) {
    struct protoent entry, *found = NULL;
    char *scratch = (char *)malloc(size);
    int rc;
    if (scratch == NULL) return NS_ENOMEM;
    rc = getprotobyname_r(name, &entry, scratch, size, &found);
    if (rc == 0 && found != NULL) *proto = found->p_proto;
    free(scratch);
    if (rc == 0) return found != NULL ? NS_OK : NS_ENOENT;
    if (rc != ERANGE) return NS_ENOENT;
    if (size >= NSI_NETDB_BUFFER_MAX) return NS_ENOMEM;
    size *= 2;
  }
}

#else

static int servent_lookup(const char *name, int port_net, const char *proto,
                          ns_servent *out) {
  struct servent *found = name != NULL ? getservbyname(name, proto)
                                       : getservbyport(port_net, proto);
  if (found == NULL) return NS_ENOENT;
  return nsi_servent_fill(out, found->s_name, found->s_aliases,
                          ns_ntohs((uint16_t)found->s_port), found->s_proto);
}

int nsi_protocol_by_name(const char *name, int *proto) {
  struct protoent *found = getprotobyname(name);
  if (found == NULL) return NS_ENOENT;
  *proto = found->p_proto;
  return NS_OK;
}

#endif

int nsi_service_by_name(const char *name, const char *proto, ns_servent *out) {
  return servent_lookup(name, 0, proto, out);
}

int nsi_service_by_port(ns_port port, const char *proto, ns_servent *out) {
  /* The C library wants the port as an int holding network-order bytes. */
  return servent_lookup(NULL, (int)ns_htons(port), proto, out);
}
