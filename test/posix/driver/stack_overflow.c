/* Recursion about 64 KiB deeper than the driver's 1 MiB stack, in a
 * program with 256 KiB of data. Without a guard the stack runs into that
 * data and the program carries on with it overwritten; with the driver's
 * stack placed first in memory the overflow traps. It must never print
 * "survived". */
#include <stdio.h>
#include <string.h>

static char data[256 * 1024];

static int deep(int n) {
  volatile char frame[1024];
  memset((char *)frame, 0x55, sizeof(frame));
  return n == 0 ? frame[0] : deep(n - 1) + frame[1];
}

int main(void) {
  size_t i, changed = 0;
  memset(data, 0x11, sizeof(data));
  deep((1024 + 64) * 1024 / 1100);
  for (i = 0; i < sizeof(data); i++) changed += data[i] != 0x11;
  printf("survived; data bytes overwritten: %zu\n", changed);
  return 0;
}
