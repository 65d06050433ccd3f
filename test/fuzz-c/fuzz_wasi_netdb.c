/* libFuzzer target: the WASI add-on's reading of the host's database answers
 * (csrc/wasi/src/netdb.c, compiled natively: its getservbyname,
 * getservbyport, getprotobyname and gethostname are renamed nsf_* with -D so
 * that this process keeps the C library's). The imports are answered here
 * with the input: a hostile or broken host, giving any bytes, any length and
 * any result. An entry the add-on returns must be well formed. */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

struct servent *nsf_getservbyname(const char *name, const char *proto);
struct servent *nsf_getservbyport(int port, const char *proto);
struct protoent *nsf_getprotobyname(const char *name);
struct protoent *nsf_getprotobynumber(int number);
int nsf_gethostname(char *name, size_t len);

static const uint8_t *answer;
static size_t answer_size;
static int32_t answer_result;

/* The host's side: the answer if it fits (or if the host lies and says it
 * does: result 0 with a short copy), else ERANGE as the ABI says. */
static int32_t give_answer(void *out, uint32_t out_len) {
  if (answer_result != 0 && answer_result != ERANGE) return answer_result;
  if (answer_size > out_len) {
    memcpy(out, answer, out_len);
    return answer_result == 0 && out_len >= 4096 ? 0 : ERANGE;
  }
  memcpy(out, answer, answer_size);
  return 0;
}

int32_t nsw_host_service_by_name(const char *name, uint32_t name_len,
                                 const char *proto, uint32_t proto_len,
                                 void *out, uint32_t out_len) {
  (void)name, (void)name_len, (void)proto, (void)proto_len;
  return give_answer(out, out_len);
}

int32_t nsw_host_service_by_port(int32_t port, const char *proto,
                                 uint32_t proto_len, void *out,
                                 uint32_t out_len) {
  (void)port, (void)proto, (void)proto_len;
  return give_answer(out, out_len);
}

int32_t nsw_host_protocol_by_name(const char *name, uint32_t name_len,
                                  void *out, uint32_t out_len) {
  (void)name, (void)name_len;
  return give_answer(out, out_len);
}

int32_t nsw_host_protocol_by_number(int32_t number, void *out, uint32_t out_len) {
  (void)number;
  return give_answer(out, out_len);
}

int32_t nsw_host_host_name(char *buf, uint32_t buf_len) {
  return give_answer(buf, buf_len);
}

static void check_servent(const struct servent *s) {
  char **a;
  EXPECT(s->s_name != NULL && s->s_proto != NULL && s->s_aliases != NULL);
  for (a = s->s_aliases; *a != NULL; a++) (void)strlen(*a);
  (void)strlen(s->s_name);
  (void)strlen(s->s_proto);
}

static void check_protoent(const struct protoent *p) {
  char **a;
  EXPECT(p->p_name != NULL && p->p_aliases != NULL);
  for (a = p->p_aliases; *a != NULL; a++) (void)strlen(*a);
  (void)strlen(p->p_name);
}

/* The first byte picks the host's result (mostly 0), the rest is the answer. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const int32_t results[] = {0, 0, 0, 0, ERANGE, ENOENT, EINVAL, 0};
  struct servent *s;
  struct protoent *p;
  char host[64];
  if (size == 0) return 0;
  answer_result = results[data[0] % 8];
  answer = data + 1;
  answer_size = size - 1;
  if ((s = nsf_getservbyname("http", "tcp")) != NULL) check_servent(s);
  if ((s = nsf_getservbyport(htons(80), NULL)) != NULL) check_servent(s);
  if ((p = nsf_getprotobyname("tcp")) != NULL) check_protoent(p);
  if ((p = nsf_getprotobynumber(6)) != NULL) check_protoent(p);
  (void)nsf_gethostname(host, sizeof(host));
  return 0;
}
