/* getservbyname, getservbyport, getprotobyname and gethostname on the host's
 * databases. wasi-libc has none of them (it declares gethostname only).
 *
 * The entries live in static storage that the next call of the same kind
 * replaces, as POSIX allows; wasm32-wasi has one thread. */
#include "addon.h"

#include <netdb.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The host's answer is a u32 and NUL-terminated strings ending with an
 * empty one; the room for it doubles from the first size to the max. */
#define ANSWER_FIRST 512
#define ANSWER_MAX (1024 * 1024)

/* The last answer of one kind and the string pointers into it. */
typedef struct entry_store {
  char *bytes;
  size_t size;
  char **words; /* NULL-terminated */
  size_t word_room;
} entry_store;

static entry_store service_store, protocol_store;
static struct servent service_entry;
static struct protoent protocol_entry;

typedef enum query_kind {
  SERVICE_BY_NAME,
  SERVICE_BY_PORT,
  PROTOCOL_BY_NAME,
  PROTOCOL_BY_NUMBER
} query_kind;

typedef struct query {
  query_kind kind;
  const char *name;  /* service or protocol name */
  const char *proto; /* NULL: any */
  int port;          /* host order; the protocol number by number */
} query;

static uint32_t length_of(const char *s) {
  return s != NULL ? (uint32_t)strlen(s) : 0;
}

static int32_t ask_host(const query *q, char *out, uint32_t out_len) {
  switch (q->kind) {
    case SERVICE_BY_NAME:
      return nsw_host_service_by_name(q->name, length_of(q->name), q->proto,
                                      length_of(q->proto), out, out_len);
    case SERVICE_BY_PORT:
      return nsw_host_service_by_port(q->port, q->proto, length_of(q->proto),
                                      out, out_len);
    case PROTOCOL_BY_NAME:
      return nsw_host_protocol_by_name(q->name, length_of(q->name), out,
                                       out_len);
    case PROTOCOL_BY_NUMBER:
      return nsw_host_protocol_by_number(q->port, out, out_len);
  }
  return EINVAL;
}

static bool reserve_bytes(entry_store *store, size_t size) {
  char *grown;
  if (store->size >= size) return true;
  grown = (char *)realloc(store->bytes, size);
  if (grown == NULL) return false;
  store->bytes = grown;
  store->size = size;
  return true;
}

/* Asks the host, growing the store until the answer fits. 0 or an errno. */
static int fetch(const query *q, entry_store *store) {
  size_t size = store->size > ANSWER_FIRST ? store->size : ANSWER_FIRST;
  for (;;) {
    int32_t rc;
    if (!reserve_bytes(store, size)) return ENOMEM;
    rc = ask_host(q, store->bytes, (uint32_t)store->size);
    if (rc != ERANGE) return rc;
    if (size >= ANSWER_MAX) return ERANGE;
    size *= 2;
  }
}

static bool add_word(entry_store *store, size_t at, char *word) {
  if (at + 1 >= store->word_room) {
    size_t room = store->word_room ? store->word_room * 2 : 8;
    char **grown = (char **)realloc(store->words, room * sizeof(char *));
    if (grown == NULL) return false;
    store->words = grown;
    store->word_room = room;
  }
  store->words[at] = word;
  store->words[at + 1] = NULL;
  return true;
}

/* Points store->words at the strings after the u32 and returns how many
 * there are, or -1 (out of memory, or an answer with no end inside the
 * store, which a correct host never gives). */
static int split_words(entry_store *store) {
  char *p = store->bytes + sizeof(uint32_t);
  char *end = store->bytes + store->size;
  int count = 0;
  if (!add_word(store, 0, NULL)) return -1;
  for (;;) {
    char *nul = (char *)memchr(p, '\0', (size_t)(end - p));
    if (nul == NULL) return -1;
    if (nul == p) return count; /* the empty string ends the list */
    if (!add_word(store, (size_t)count, p)) return -1;
    count++;
    p = nul + 1;
  }
}

static uint32_t answer_number(const entry_store *store) {
  uint32_t number;
  memcpy(&number, store->bytes, sizeof(number));
  return number;
}

/* Runs `q` into `store`; the number of strings, or -1 with errno set. */
static int lookup(const query *q, entry_store *store) {
  int rc, words;
  if ((q->kind == SERVICE_BY_NAME || q->kind == PROTOCOL_BY_NAME) &&
      q->name == NULL) {
    return nsw_fail(EINVAL);
  }
  rc = fetch(q, store);
  if (rc != 0) return nsw_fail(rc);
  words = split_words(store);
  if (words < 0) return nsw_fail(ENOMEM);
  return words;
}

static struct servent *service_lookup(const query *q) {
  int words = lookup(q, &service_store);
  if (words < 2) return NULL; /* a service has a name and a protocol */
  service_entry.s_name = service_store.words[0];
  service_entry.s_proto = service_store.words[1];
  service_entry.s_aliases = service_store.words + 2;
  service_entry.s_port = htons((uint16_t)answer_number(&service_store));
  return &service_entry;
}

struct servent *getservbyname(const char *name, const char *proto) {
  query q = {SERVICE_BY_NAME, name, proto, 0};
  return service_lookup(&q);
}

/* `port` holds the port in network byte order, as POSIX has it. */
struct servent *getservbyport(int port, const char *proto) {
  query q = {SERVICE_BY_PORT, NULL, proto, ntohs((uint16_t)port)};
  return service_lookup(&q);
}

static struct protoent *protocol_lookup(const query *q) {
  int words = lookup(q, &protocol_store);
  if (words < 1) return NULL;
  protocol_entry.p_name = protocol_store.words[0];
  protocol_entry.p_aliases = protocol_store.words + 1;
  protocol_entry.p_proto = (int)answer_number(&protocol_store);
  return &protocol_entry;
}

struct protoent *getprotobyname(const char *name) {
  query q = {PROTOCOL_BY_NAME, name, NULL, 0};
  return protocol_lookup(&q);
}

struct protoent *getprotobynumber(int number) {
  query q = {PROTOCOL_BY_NUMBER, NULL, NULL, number};
  return protocol_lookup(&q);
}

int gethostname(char *name, size_t len) {
  if (name == NULL) return nsw_fail(EFAULT);
  return nsw_result(nsw_host_host_name(name, (uint32_t)len));
}
