/* What csrc/src/win/netdb.c needs of <windows.h>, for compiling it natively
 * into fuzz_win_netdb (force-included with -include). The database file it
 * opens is the fuzzer's input: fopen is nsf_open_database (fuzz_win_netdb.c),
 * which gives the current input as a stream. <stdio.h> comes first, so that
 * the macro does not rename the C library's own declaration. */
#ifndef NSF_WIN_SHIM_H
#define NSF_WIN_SHIM_H

#include <stdio.h>

#define MAX_PATH 260
typedef unsigned int UINT;

UINT GetSystemDirectoryA(char *buf, UINT size);
FILE *nsf_open_database(const char *path, const char *mode);

#define fopen(path, mode) nsf_open_database(path, mode)

#endif
