int part_b(int x);
#include <stdio.h>
int main(void) { printf("linked: %d\n", part_b(41)); return 0; }
