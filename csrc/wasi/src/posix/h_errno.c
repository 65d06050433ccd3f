/* h_errno, which wasi-libc does not have (hostdb.c sets it). */
#include "../addon.h"

#include <netdb.h>

int h_errno;
