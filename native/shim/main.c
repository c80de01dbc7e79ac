/* tscompose-shim: creates one container and stays alive as its monitor.
 * This is the entry point; the container work lives in the files beside it.
 * `tscompose-shim --version` prints the shim's protocol version (used by `tscompose doctor`). */
#include <stdio.h>
#include <string.h>

#define SHIM_VERSION "0.1.0"

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "--version") == 0) {
    printf("tscompose-shim %s\n", SHIM_VERSION);
    return 0;
  }
  fprintf(stderr, "tscompose-shim: usage: tscompose-shim --version\n");
  return 2;
}
