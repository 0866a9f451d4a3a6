/* Compiled by `make check-header` at -O0 and -O2 with -Wall -Wextra -Werror: netlibc.h must agree with
 * every prototype of glibc's headers, or this file does not build. */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <ifaddrs.h>
#include <net/if.h>
#include "netlibc.h"

int main(void) { return (int)htons(0); }
