/* libFuzzer target: the Windows backend's parser of drivers\etc\services and
 * drivers\etc\protocol (csrc/src/win/netdb.c, compiled natively with
 * win_shim.h). The input is the file; the lookups are for names and ports
 * taken from the input's first bytes and for ones every file has, so that
 * matching lines are found and turned into entries. Every entry found must
 * be well formed: a name, a protocol, aliases ending with NULL, a port that
 * the line had. */
#include "nativesockets.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

/* What win/netdb.c asks of the backend (internal.h). */
int nsi_service_by_name(const char *name, const char *proto, ns_servent *out);
int nsi_service_by_port(ns_port port, const char *proto, ns_servent *out);
int nsi_protocol_by_name(const char *name, int *proto);

static const uint8_t *file_data;
static size_t file_size;

unsigned int GetSystemDirectoryA(char *buf, unsigned int size) {
  static const char dir[] = "C:\\Windows\\System32";
  if (size < sizeof(dir)) return sizeof(dir);
  memcpy(buf, dir, sizeof(dir));
  return sizeof(dir) - 1;
}

/* The input as the file's bytes, whichever database is asked for. */
FILE *nsf_open_database(const char *path, const char *mode) {
  (void)path;
  if (file_size == 0) return fopen("/dev/null", mode);
  return fmemopen((void *)file_data, file_size, mode);
}

static void check_servent(const ns_servent *s) {
  size_t i;
  EXPECT(s->name != NULL && s->proto != NULL);
  for (i = 0; i < s->alias_count; i++) EXPECT(s->aliases[i] != NULL);
  EXPECT(s->aliases == NULL || s->aliases[s->alias_count] == NULL);
}

static void lookups(const char *name, ns_port port) {
  static const char *const protos[] = {NULL, "tcp", "udp"};
  size_t i;
  int number;
  for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++) {
    ns_servent s;
    memset(&s, 0, sizeof(s));
    if (nsi_service_by_name(name, protos[i], &s) == NS_OK) {
      check_servent(&s);
      ns_servent_free(&s);
    }
    memset(&s, 0, sizeof(s));
    if (nsi_service_by_port(port, protos[i], &s) == NS_OK) {
      check_servent(&s);
      EXPECT(s.port == port);
      ns_servent_free(&s);
    }
  }
  if (nsi_protocol_by_name(name, &number) == NS_OK)
    EXPECT(number >= 0 && number <= 255);
}

/* The first word of the input (up to 32 bytes) is a name to look up, and
 * its first two bytes a port. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char name[33];
  size_t n = 0;
  ns_port port = (ns_port)(size >= 2 ? (data[0] << 8 | data[1]) : 80);
  while (n < size && n < 32 && data[n] > ' ' && data[n] != '#') {
    name[n] = (char)data[n];
    n++;
  }
  name[n] = '\0';
  file_data = data;
  file_size = size;
  lookups(n > 0 ? name : "http", port);
  lookups("tcp", 80);
  return 0;
}
