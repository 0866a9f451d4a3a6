#!/usr/bin/env bash
# Installs into a temporary prefix, then builds and runs a program against it through pkg-config: the
# SONAME links, the header and netlibc.pc must be enough, with no path from the build tree.
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
make -s install PREFIX="$prefix" >/dev/null
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
cat >"$prefix/prog.c" <<'C'
#include <netlibc.h>
#include <stdio.h>
int main(void) {
    int fds[2];
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds) != 0) return 1;
    printf("%u\n", ntohs(htons(4242)));
    return 0;
}
C
cc -Wall -Werror $(pkg-config --cflags netlibc) -o "$prefix/prog" "$prefix/prog.c" \
  $(pkg-config --libs netlibc) -Wl,-rpath,"$prefix/lib"
out=$("$prefix/prog")
needed=$(readelf -d "$prefix/prog" | sed -n 's/.*Shared library: \[\(libnetlibc[^]]*\)\]/\1/p')
[ "$out" = 4242 ] && [ "$needed" = libnetlibc.so.0 ] || { echo "check-install: failed ($out, $needed)"; exit 1; }
echo "check-install: installed library, header and netlibc.pc build and run a program (NEEDED $needed)"
