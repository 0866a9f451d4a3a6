/* The API guide's getservent example: every entry of the services database. */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>

int main(void) {
    int i;
    struct servent *s;
    while ((s = getservent()) != NULL) {
        printf("name=%s (%s/%d), ", s->s_name, s->s_proto, ntohs(s->s_port));
        printf("alias={ ");
        for (i = 0; s->s_aliases[i] != NULL; i++) printf("%s ", s->s_aliases[i]);
        printf("}\n");
    }
    return 0;
}
