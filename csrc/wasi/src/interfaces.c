/* <net/if.h> and getifaddrs: the host's network interfaces (Node's
 * os.networkInterfaces(), with the kernel's indexes where the host knows
 * them). One entry per address, as Linux gives for AF_INET and AF_INET6;
 * Linux's AF_PACKET entries (link-layer addresses) are not given. */
#include "addon.h"

#include <ifaddrs.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>

/* Tries this many entries first, then as many as the host says it has. */
#define FIRST_ROOM 32

static nsw_interface *fetch_interfaces(uint32_t *count) {
  uint32_t room = FIRST_ROOM, total = 0;
  for (;;) {
    nsw_interface *list = calloc(room, sizeof(nsw_interface));
    int32_t rc;
    if (list == NULL) {
      errno = ENOMEM;
      return NULL;
    }
    rc = nsw_host_interfaces(list, room * (uint32_t)sizeof(nsw_interface), &total);
    if (rc != 0) {
      free(list);
      errno = rc;
      return NULL;
    }
    if (total <= room) {
      *count = total;
      return list;
    }
    free(list);
    room = total;
  }
}

unsigned int if_nametoindex(const char *name) {
  uint32_t count, i;
  unsigned int index = 0;
  nsw_interface *list;
  if (name == NULL) return 0;
  list = fetch_interfaces(&count);
  if (list == NULL) return 0;
  for (i = 0; i < count && index == 0; i++) {
    if (strncmp(list[i].name, name, IF_NAMESIZE) == 0) index = list[i].index;
  }
  free(list);
  if (index == 0) errno = ENODEV;
  return index;
}

char *if_indextoname(unsigned int index, char *name) {
  uint32_t count, i;
  char *found = NULL;
  nsw_interface *list = fetch_interfaces(&count);
  if (list == NULL) return NULL;
  for (i = 0; i < count && found == NULL; i++) {
    if (list[i].index == index) {
      memcpy(name, list[i].name, IF_NAMESIZE);
      name[IF_NAMESIZE - 1] = '\0';
      found = name;
    }
  }
  free(list);
  if (found == NULL) errno = ENXIO;
  return found;
}

/* One block: the array, then the names. */
struct if_nameindex *if_nameindex(void) {
  uint32_t count, i, j, unique = 0;
  struct if_nameindex *out;
  char *names;
  nsw_interface *list = fetch_interfaces(&count);
  if (list == NULL) return NULL;
  out = calloc(count + 1, sizeof(*out) + IF_NAMESIZE);
  if (out == NULL) {
    free(list);
    errno = ENOBUFS;
    return NULL;
  }
  names = (char *)(out + count + 1);
  for (i = 0; i < count; i++) {
    bool seen = false;
    for (j = 0; j < unique && !seen; j++) seen = out[j].if_index == list[i].index;
    if (seen) continue;
    out[unique].if_index = list[i].index;
    out[unique].if_name = names + unique * IF_NAMESIZE;
    memcpy(out[unique].if_name, list[i].name, IF_NAMESIZE - 1);
    unique++;
  }
  out[unique].if_index = 0;
  out[unique].if_name = NULL;
  free(list);
  return out;
}

void if_freenameindex(struct if_nameindex *list) {
  free(list);
}

/* An ifaddrs entry and everything it points at, freed as one. */
typedef struct ifaddrs_block {
  struct ifaddrs entry;
  char name[IF_NAMESIZE];
  struct sockaddr_storage addr, netmask, broadcast;
} ifaddrs_block;

static void broadcast_of(const nsw_interface *it, nsw_address *out) {
  int i;
  *out = it->address;
  for (i = 0; i < 4; i++) out->addr[i] = (uint8_t)(it->address.addr[i] | ~it->netmask.addr[i]);
}

static ifaddrs_block *block_of(const nsw_interface *it) {
  ifaddrs_block *b = calloc(1, sizeof(*b));
  socklen_t len;
  if (b == NULL) return NULL;
  memcpy(b->name, it->name, IF_NAMESIZE - 1);
  b->entry.ifa_name = b->name;
  b->entry.ifa_flags = it->flags;
  len = sizeof(b->addr);
  nsw_address_to_sockaddr(&it->address, (struct sockaddr *)&b->addr, &len);
  len = sizeof(b->netmask);
  nsw_address_to_sockaddr(&it->netmask, (struct sockaddr *)&b->netmask, &len);
  b->entry.ifa_addr = (struct sockaddr *)&b->addr;
  b->entry.ifa_netmask = (struct sockaddr *)&b->netmask;
  if ((it->flags & IFF_BROADCAST) && it->address.family == NSW_FAMILY_INET) {
    nsw_address broadcast;
    broadcast_of(it, &broadcast);
    len = sizeof(b->broadcast);
    nsw_address_to_sockaddr(&broadcast, (struct sockaddr *)&b->broadcast, &len);
    b->entry.ifa_broadaddr = (struct sockaddr *)&b->broadcast;
  }
  return b;
}

int getifaddrs(struct ifaddrs **out) {
  uint32_t count, i;
  struct ifaddrs *head = NULL, **tail = &head;
  nsw_interface *list;
  if (out == NULL) return nsw_fail(EFAULT);
  list = fetch_interfaces(&count);
  if (list == NULL) return -1;
  for (i = 0; i < count; i++) {
    ifaddrs_block *b = block_of(&list[i]);
    if (b == NULL) {
      free(list);
      freeifaddrs(head);
      return nsw_fail(ENOMEM);
    }
    *tail = &b->entry;
    tail = &b->entry.ifa_next;
  }
  free(list);
  *out = head;
  return 0;
}

/* Each entry is its own block, with the entry first. */
void freeifaddrs(struct ifaddrs *list) {
  while (list != NULL) {
    struct ifaddrs *next = list->ifa_next;
    free(list);
    list = next;
  }
}
