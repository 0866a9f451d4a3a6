/* herror and hstrerror for every h_errno value and prefix form; herror's output (fd 2) is sent to
 * stdout so the runner compares it. */
#include <netdb.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
    for (int value = -2; value <= 6; value++) printf("hstrerror(%d) = %s\n", value, hstrerror(value));
    fflush(stdout);
    dup2(1, 2);
    const char *prefixes[] = {"lookup", "", NULL};
    for (int value = -1; value <= 5; value++) {
        for (int i = 0; i < 3; i++) {
            h_errno = value;
            herror(prefixes[i]);
        }
    }
    return 0;
}
