/* Version, enum conversions, byte order, error names. */
#include "test.h"

#include <errno.h>
#include <stdlib.h>

static void version_matches_macros(void) {
  char want[32];
  snprintf(want, sizeof(want), "%d.%d.%d", NS_VERSION_MAJOR, NS_VERSION_MINOR,
           NS_VERSION_PATCH);
  CHECK_STR(ns_version(), want);
}

static void port_to_string_formats_decimal(void) {
  char buf[NS_PORTSTRLEN];
  CHECK_OK(ns_port_to_string(0, buf, sizeof(buf)));
  CHECK_STR(buf, "0");
  CHECK_OK(ns_port_to_string(80, buf, sizeof(buf)));
  CHECK_STR(buf, "80");
  CHECK_OK(ns_port_to_string(65535, buf, sizeof(buf)));
  CHECK_STR(buf, "65535");
  CHECK_OK(ns_port_to_string(32768, buf, sizeof(buf)));
  CHECK_STR(buf, "32768");
}

static void port_to_string_small_buffer_is_erange(void) {
  char buf[8] = "xxxxxxx";
  CHECK_EQ(ns_port_to_string(65535, buf, 5), NS_ERANGE);
  CHECK_EQ(ns_port_to_string(80, buf, 2), NS_ERANGE);
  CHECK_EQ(ns_port_to_string(80, buf, 0), NS_ERANGE);
  CHECK_OK(ns_port_to_string(80, buf, 3));
  CHECK_STR(buf, "80");
  CHECK_EQ(ns_port_to_string(80, NULL, 8), NS_EINVAL);
}

static void domain_to_int_gives_native_values(void) {
  CHECK_EQ(ns_domain_to_int(NS_AF_UNSPEC), AF_UNSPEC);
  CHECK_EQ(ns_domain_to_int(NS_AF_UNIX), AF_UNIX);
  CHECK_EQ(ns_domain_to_int(NS_AF_INET), AF_INET);
  CHECK_EQ(ns_domain_to_int(NS_AF_INET6), AF_INET6);
  CHECK_EQ(ns_domain_to_int((ns_domain)7), -1);
  CHECK_EQ(ns_domain_to_int((ns_domain)-3), -1);
}

static void sock_type_and_protocol_to_int(void) {
  CHECK_EQ(ns_sock_type_to_int(NS_SOCK_STREAM), SOCK_STREAM);
  CHECK_EQ(ns_sock_type_to_int(NS_SOCK_DGRAM), SOCK_DGRAM);
  CHECK_EQ(ns_sock_type_to_int(NS_SOCK_RAW), SOCK_RAW);
  CHECK_EQ(ns_sock_type_to_int(NS_SOCK_SEQPACKET), SOCK_SEQPACKET);
  CHECK_EQ(ns_sock_type_to_int((ns_sock_type)4), -1);
  CHECK_EQ(ns_protocol_to_int(NS_IPPROTO_TCP), IPPROTO_TCP);
  CHECK_EQ(ns_protocol_to_int(NS_IPPROTO_UDP), IPPROTO_UDP);
  CHECK_EQ(ns_protocol_to_int(NS_IPPROTO_IP), IPPROTO_IP);
  CHECK_EQ(ns_protocol_to_int(NS_IPPROTO_IPV6), IPPROTO_IPV6);
  CHECK_EQ(ns_protocol_to_int(NS_IPPROTO_RAW), 255);
  CHECK_EQ(ns_protocol_to_int(NS_IPPROTO_ICMP), 1);
  CHECK_EQ(ns_protocol_to_int(NS_IPPROTO_ICMPV6), 58);
  CHECK_EQ(ns_protocol_to_int((ns_protocol)0), -1);
  CHECK_EQ(ns_protocol_to_int((ns_protocol)23), -1);
}

static void to_known_domain_maps_native_families(void) {
  ns_domain d = (ns_domain)99;
  CHECK(ns_to_known_domain(AF_INET, &d) && d == NS_AF_INET);
  CHECK(ns_to_known_domain(AF_INET6, &d) && d == NS_AF_INET6);
  CHECK(ns_to_known_domain(AF_UNIX, &d) && d == NS_AF_UNIX);
  CHECK(ns_to_known_domain(AF_UNSPEC, &d) && d == NS_AF_UNSPEC);
  d = (ns_domain)99;
  CHECK(!ns_to_known_domain(12345, &d));
  CHECK(!ns_to_known_domain(-1, &d));
  CHECK_EQ(d, 99);
  CHECK(!ns_to_known_domain(AF_INET, NULL));
}

static void to_sock_type_follows_nim(void) {
  CHECK_EQ(ns_to_sock_type(NS_IPPROTO_TCP), NS_SOCK_STREAM);
  CHECK_EQ(ns_to_sock_type(NS_IPPROTO_UDP), NS_SOCK_DGRAM);
  CHECK_EQ(ns_to_sock_type(NS_IPPROTO_IP), NS_SOCK_RAW);
  CHECK_EQ(ns_to_sock_type(NS_IPPROTO_IPV6), NS_SOCK_RAW);
  CHECK_EQ(ns_to_sock_type(NS_IPPROTO_RAW), NS_SOCK_RAW);
  CHECK_EQ(ns_to_sock_type(NS_IPPROTO_ICMP), NS_SOCK_RAW);
  CHECK_EQ(ns_to_sock_type(NS_IPPROTO_ICMPV6), NS_SOCK_RAW);
}

static void byte_order_is_big_endian_on_the_wire(void) {
  uint16_t s = ns_htons(0x1234);
  uint32_t l = ns_htonl(0x01020304u);
  const unsigned char *sb = (const unsigned char *)&s;
  const unsigned char *lb = (const unsigned char *)&l;
  CHECK(sb[0] == 0x12 && sb[1] == 0x34);
  CHECK(lb[0] == 1 && lb[1] == 2 && lb[2] == 3 && lb[3] == 4);
  CHECK_EQ(ns_ntohs(s), 0x1234);
  CHECK_EQ(ns_ntohl(l), 0x01020304);
  CHECK_EQ(ns_htons(0x1234), htons(0x1234));
  CHECK_EQ(ns_htonl(0xdeadbeefu), htonl(0xdeadbeefu));
  CHECK_EQ(ns_ntohl(ns_htonl(0xfffffffeu)), 0xfffffffeu);
}

static const int all_codes[] = {
    NS_EACCES, NS_EADDRINUSE, NS_EADDRNOTAVAIL, NS_EAFNOSUPPORT, NS_EAGAIN,
    NS_EALREADY, NS_EBADF, NS_ECONNABORTED, NS_ECONNREFUSED, NS_ECONNRESET,
    NS_EDESTADDRREQ, NS_EFAULT, NS_EHOSTUNREACH, NS_EINPROGRESS, NS_EINTR,
    NS_EINVAL, NS_EISCONN, NS_EMFILE, NS_EMSGSIZE, NS_ENAMETOOLONG,
    NS_ENETDOWN, NS_ENETUNREACH, NS_ENOBUFS, NS_ENOENT, NS_ENOMEM,
    NS_ENOPROTOOPT, NS_ENOTCONN, NS_ENOTSOCK, NS_ENOTSUP, NS_EPERM, NS_EPIPE,
    NS_EPROTONOSUPPORT, NS_EPROTOTYPE, NS_ERANGE, NS_ETIMEDOUT, NS_ENFILE,
    NS_EAI_AGAIN, NS_EAI_BADFLAGS, NS_EAI_FAIL, NS_EAI_FAMILY, NS_EAI_MEMORY,
    NS_EAI_NONAME, NS_EAI_SERVICE, NS_EAI_SOCKTYPE, NS_EUNKNOWN};

static void every_code_has_a_distinct_name_and_sentence(void) {
  size_t n = sizeof(all_codes) / sizeof(all_codes[0]), i, j;
  for (i = 0; i < n; i++) {
    const char *name = ns_err_name(all_codes[i]);
    const char *msg = ns_strerror(all_codes[i]);
    CHECK(all_codes[i] < 0);
    CHECK(name != NULL && name[0] == 'E');
    CHECK(msg != NULL && strlen(msg) > 3);
    for (j = i + 1; j < n; j++) {
      CHECK(all_codes[i] != all_codes[j]);
      CHECK(strcmp(name, ns_err_name(all_codes[j])) != 0);
    }
  }
  CHECK_STR(ns_err_name(NS_ECONNREFUSED), "ECONNREFUSED");
  CHECK_STR(ns_err_name(NS_EAI_NONAME), "EAI_NONAME");
  CHECK_STR(ns_strerror(NS_ECONNREFUSED), "connection refused");
  CHECK_STR(ns_err_name(NS_OK), "OK");
  CHECK_STR(ns_err_name(-12345), "EUNKNOWN");
  CHECK_STR(ns_err_name(77), "EUNKNOWN");
  CHECK_STR(ns_strerror(-12345), "unknown error");
}

static void error_from_native_translates_errno(void) {
  CHECK_EQ(ns_error_from_native(0), NS_OK);
  CHECK_EQ(ns_error_from_native(ECONNREFUSED), NS_ECONNREFUSED);
  CHECK_EQ(ns_error_from_native(ECONNRESET), NS_ECONNRESET);
  CHECK_EQ(ns_error_from_native(EADDRINUSE), NS_EADDRINUSE);
  CHECK_EQ(ns_error_from_native(EWOULDBLOCK), NS_EAGAIN);
  CHECK_EQ(ns_error_from_native(EAGAIN), NS_EAGAIN);
  CHECK_EQ(ns_error_from_native(EINPROGRESS), NS_EINPROGRESS);
  CHECK_EQ(ns_error_from_native(EPIPE), NS_EPIPE);
  CHECK_EQ(ns_error_from_native(EBADF), NS_EBADF);
  CHECK_EQ(ns_error_from_native(EMFILE), NS_EMFILE);
  CHECK_EQ(ns_error_from_native(ENOTSOCK), NS_ENOTSOCK);
  CHECK_EQ(ns_error_from_native(ERANGE), NS_ERANGE);
  CHECK_EQ(ns_error_from_native(987654), NS_EUNKNOWN);
}

const test_case conversion_tests[] = {
    {"version_matches_macros", version_matches_macros},
    {"port_to_string_formats_decimal", port_to_string_formats_decimal},
    {"port_to_string_small_buffer_is_erange", port_to_string_small_buffer_is_erange},
    {"domain_to_int_gives_native_values", domain_to_int_gives_native_values},
    {"sock_type_and_protocol_to_int", sock_type_and_protocol_to_int},
    {"to_known_domain_maps_native_families", to_known_domain_maps_native_families},
    {"to_sock_type_follows_nim", to_sock_type_follows_nim},
    {"byte_order_is_big_endian_on_the_wire", byte_order_is_big_endian_on_the_wire},
    {"every_code_has_a_distinct_name_and_sentence", every_code_has_a_distinct_name_and_sentence},
    {"error_from_native_translates_errno", error_from_native_translates_errno},
    {NULL, NULL}};
