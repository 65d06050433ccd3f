/* Names and sentences of the library's error codes, from the one table in
 * the header (NS_ERRNO_MAP, NS_EAI_MAP). The translation from native numbers
 * lives in the backend (ns_error_from_native). */
#include "internal.h"

typedef struct error_info {
  int code;
  const char *name;
  const char *message;
} error_info;

#define NSI_ERROR_INFO(name, number, message) {NS_##name, #name, message},

static const error_info error_table[] = {
    {NS_OK, "OK", "success"},
    NS_ERRNO_MAP(NSI_ERROR_INFO)
    NS_EAI_MAP(NSI_ERROR_INFO)
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
