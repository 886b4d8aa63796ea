// See include/library_loading.h.
#define _GNU_SOURCE
#include "library_loading.h"

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void append(char *message, size_t capacity, const char *text) {
    size_t used = strnlen(message, capacity);
    if (used + 1 < capacity) snprintf(message + used, capacity - used, "%s", text);
}

void *downlink_library_open(const char *what, const char *override_variable, const char *const *names,
                            size_t name_count, char *message, size_t capacity) {
    if (capacity > 0) message[0] = 0;
    const char *override = override_variable ? getenv(override_variable) : NULL;
    const char *const *candidates = names;
    size_t count = name_count;
    if (override && *override) {
        candidates = &override;
        count = 1;
        snprintf(message, capacity, "%s cannot be loaded from $%s", what, override_variable);
    } else {
        snprintf(message, capacity, "%s is not installed or cannot be loaded", what);
    }
    for (size_t i = 0; i < count; i++) {
        // RTLD_LOCAL: the library's symbols stay out of the global scope, so it cannot interpose
        // on anything else in the process; Downlink reaches them only through dlsym.
        void *handle = dlopen(candidates[i], RTLD_LAZY | RTLD_LOCAL);
        if (handle) return handle;
        const char *error = dlerror();
        append(message, capacity, i == 0 ? " (" : "; ");
        append(message, capacity, error ? error : candidates[i]);
    }
    append(message, capacity, ")");
    return NULL;
}

void *downlink_library_symbol(void *handle, const char *what, const char *symbol, char *message, size_t capacity) {
    dlerror();
    void *address = dlsym(handle, symbol);
    if (address) return address;
    snprintf(message, capacity, "%s has no symbol %s (a version Downlink was not built for?)", what, symbol);
    return NULL;
}

int downlink_library_bind(void *handle, const char *what, const struct downlink_library_symbol *symbols,
                          size_t count, char *message, size_t capacity) {
    for (size_t i = 0; i < count; i++) {
        void *address = downlink_library_symbol(handle, what, symbols[i].name, message, capacity);
        if (!address) return -1;
        *symbols[i].address = address;
    }
    return 0;
}

void *downlink_library_load(const char *what, const char *name, const char *override_variable,
                            const char *const *names, size_t name_count,
                            const struct downlink_library_symbol *symbols, size_t symbol_count, char *message,
                            size_t capacity) {
    void *handle = downlink_library_open(what, override_variable, names, name_count, message, capacity);
    if (!handle) return NULL;
    if (downlink_library_bind(handle, name, symbols, symbol_count, message, capacity) == 0) return handle;
    dlclose(handle);
    return NULL;
}

_Noreturn void downlink_library_fatal(const char *message) {
    fprintf(stderr, "downlink: %s\n", message);
    abort();
}
