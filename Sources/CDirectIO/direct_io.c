#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include "direct_io.h"

int downlink_o_direct(void) {
#ifdef O_DIRECT
    const char *setting = getenv("DOWNLINK_DIRECT_IO");
    return (setting != NULL && strcmp(setting, "0") == 0) ? 0 : O_DIRECT;
#else
    return 0;
#endif
}
