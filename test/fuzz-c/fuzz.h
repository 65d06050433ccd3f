/* What every libFuzzer target here shares: EXPECT, which aborts (so the
 * fuzzer reports it) when a result breaks one of the API's promises. */
#ifndef NS_FUZZ_H
#define NS_FUZZ_H

#include <stdio.h>
#include <stdlib.h>

#define EXPECT(cond)                                                     \
  do {                                                                   \
    if (!(cond)) {                                                       \
      fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
      abort();                                                           \
    }                                                                    \
  } while (0)

#endif
