/* What a program's own configuration sees. */
#include <signal.h>
#include <stdio.h>
#include <time.h>
#include <unistd.h>
int main(void) {
#if defined(__unix__) && defined(__unix)
  puts("__unix__: yes");
#else
  puts("__unix__: no");
#endif
#ifdef __nativesockets_wasi__
  puts("__nativesockets_wasi__: yes");
#endif
  signal(SIGPIPE, SIG_IGN);
  printf("getpid positive: %s\n", getpid() > 0 ? "yes" : "no");
  printf("clock works: %s\n", clock() >= 0 ? "yes" : "no");
  return 0;
}
