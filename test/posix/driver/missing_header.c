/* A header neither wasi-libc nor the add-on has: the build must stop
 * here, not take glibc's from /usr/include. */
#include <sys/epoll.h>
int main(void) { return epoll_create1(0); }
