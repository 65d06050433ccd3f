/* Prints the library's error table as the linked library answers it: one
 * "NAME NUMBER" line per code (ns_err_name of each NS_* number), then
 * "version X.Y.Z" (ns_version). check.mjs compares the JS copies with it. */
#include "nativesockets.h"

#include <stdio.h>

#define PRINT_CODE(name, number, message) \
  printf("%s %d\n", ns_err_name(NS_##name), (int)NS_##name);

int main(void) {
  printf("%s %d\n", ns_err_name(NS_OK), (int)NS_OK);
  NS_ERRNO_MAP(PRINT_CODE)
  NS_EAI_MAP(PRINT_CODE)
  printf("%s %d\n", ns_err_name(NS_EUNKNOWN), (int)NS_EUNKNOWN);
  printf("version %s\n", ns_version());
  return 0;
}
