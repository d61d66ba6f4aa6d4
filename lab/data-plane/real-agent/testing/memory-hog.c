/* Test image for the lab's Docker engine: allocates and touches N MiB, then says so (exit 0). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
  long mib = argc > 1 ? atol(argv[1]) : 0;
  for (long i = 0; i < mib; i++) {
    char *block = malloc(1 << 20);
    if (block == NULL) return 2;
    memset(block, 1, 1 << 20);
  }
  printf("allocated %ld MiB\n", mib);
  return 0;
}
