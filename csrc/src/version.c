/* The version of the library actually linked, from the header's macros. */
#include "internal.h"

#define NSI_TEXT(x) #x
#define NSI_VERSION_TEXT(major, minor, patch) \
  NSI_TEXT(major) "." NSI_TEXT(minor) "." NSI_TEXT(patch)

const char *ns_version(void) {
  return NSI_VERSION_TEXT(NS_VERSION_MAJOR, NS_VERSION_MINOR, NS_VERSION_PATCH);
}
