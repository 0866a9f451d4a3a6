/* Every database call when the database files do not exist (run by db_without_files.sh): return
 * values, errno and h_errno, which glibc sets differently per call. */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>

int main(void) {
    char buf[1024];
    int rc, h;
    struct servent se, *sr;
    struct hostent he, *hr;
    struct netent ne, *nr;
    struct protoent pe, *pr;
    unsigned char loopback[4] = {127, 0, 0, 1};

    errno = 77; rc = getservbyname_r("http", "tcp", &se, buf, sizeof buf, &sr);
    printf("getservbyname_r rc=%d errno=%d found=%d\n", rc, errno, sr != NULL);
    errno = 77; sr = getservbyname("http", "tcp");
    printf("getservbyname errno=%d found=%d\n", errno, sr != NULL);
    errno = 77; rc = getservent_r(&se, buf, sizeof buf, &sr);
    printf("getservent_r rc=%d errno=%d\n", rc, errno);
    errno = 77; sr = getservent();
    printf("getservent errno=%d found=%d\n", errno, sr != NULL);
    errno = 77; rc = getprotobynumber_r(6, &pe, buf, sizeof buf, &pr);
    printf("getprotobynumber_r rc=%d errno=%d\n", rc, errno);
    errno = 77; rc = getprotoent_r(&pe, buf, sizeof buf, &pr);
    printf("getprotoent_r rc=%d errno=%d\n", rc, errno);
    errno = 77; pr = getprotoent();
    printf("getprotoent errno=%d found=%d\n", errno, pr != NULL);
    h = 55; errno = 77; rc = gethostbyname_r("localhost", &he, buf, sizeof buf, &hr, &h);
    printf("gethostbyname_r rc=%d errno=%d h=%d\n", rc, errno, h);
    h_errno = 66; errno = 77; hr = gethostbyname("localhost");
    printf("gethostbyname errno=%d h_errno=%d found=%d\n", errno, h_errno, hr != NULL);
    h = 55; errno = 77; rc = gethostent_r(&he, buf, sizeof buf, &hr, &h);
    printf("gethostent_r rc=%d errno=%d h=%d\n", rc, errno, h);
    h_errno = 66; errno = 77; hr = gethostent();
    printf("gethostent errno=%d h_errno=%d found=%d\n", errno, h_errno, hr != NULL);
    h = 55; errno = 77; rc = gethostbyaddr_r(loopback, 4, AF_INET, &he, buf, sizeof buf, &hr, &h);
    printf("gethostbyaddr_r rc=%d errno=%d h=%d\n", rc, errno, h);
    h_errno = 66; errno = 77; hr = gethostbyaddr(loopback, 4, AF_INET);
    printf("gethostbyaddr errno=%d h_errno=%d found=%d\n", errno, h_errno, hr != NULL);
    h = 55; errno = 77; rc = getnetbyname_r("x", &ne, buf, sizeof buf, &nr, &h);
    printf("getnetbyname_r rc=%d errno=%d h=%d\n", rc, errno, h);
    h_errno = 66; errno = 77; nr = getnetbyaddr(1, AF_INET);
    printf("getnetbyaddr errno=%d h_errno=%d found=%d\n", errno, h_errno, nr != NULL);
    h = 55; errno = 77; rc = getnetent_r(&ne, buf, sizeof buf, &nr, &h);
    printf("getnetent_r rc=%d errno=%d h=%d\n", rc, errno, h);
    h_errno = 66; errno = 77; nr = getnetent();
    printf("getnetent errno=%d h_errno=%d found=%d\n", errno, h_errno, nr != NULL);
    return 0;
}
