/* Shared by the C tests: small helpers only, so each test reads on its own. */
#ifndef NETLIBC_C_TESTS_COMMON_H
#define NETLIBC_C_TESTS_COMMON_H
#include <stdio.h>
#include <stdlib.h>

/* Prints a failure with its location and exits with status 1. */
#define FAIL(...) do { fprintf(stderr, "%s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); \
                       fputc('\n', stderr); exit(1); } while (0)
#define CHECK(cond) do { if (!(cond)) FAIL("check failed: %s", #cond); } while (0)
#endif
