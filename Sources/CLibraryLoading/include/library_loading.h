// Loading a C library at run time (dlopen) instead of at process start.
//
// Why: libhdf5, cfitsio and libpq each pull in 24-36 shared libraries (libcurl, GnuTLS, Kerberos,
// LDAP, OpenSSL). Linked normally, every `downlink` process paid for loading and relocating all of
// them, about 8 ms of CPU on the 2-core VM, even `downlink inspect`, which uses none; and a host
// without them could not run the binary at all. Each of those libraries is now opened the first
// time a command needs it (CHDF5, CFITSIO and CLibPQ hold the forwarding functions).
#ifndef DOWNLINK_LIBRARY_LOADING_H
#define DOWNLINK_LIBRARY_LOADING_H

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Opens the first of `names` (sonames, tried in order) that the dynamic loader finds, or the path
/// in the environment variable `override_variable` when that is set (and then only it). Returns the
/// handle, or NULL with a message naming `what` and every attempt's error written to `message`.
void *downlink_library_open(const char *what, const char *override_variable, const char *const *names,
                            size_t name_count, char *message, size_t capacity);

/// The address of `symbol` in `handle`, or NULL with a message naming `what` and the symbol written
/// to `message`.
void *downlink_library_symbol(void *handle, const char *what, const char *symbol, char *message, size_t capacity);

/// Writes "downlink: <message>" to standard error and aborts. For a forwarding function called
/// before its library could be loaded: the Swift layers load libraries first and report a failure
/// as a typed error, so reaching this is a programming error, not a user's.
_Noreturn void downlink_library_fatal(const char *message);

/// One symbol to bind: its name and where its address goes.
struct downlink_library_symbol {
    const char *name;
    void **address;
};

/// Binds every symbol of `symbols` from `handle`. Returns 0, or -1 with `message` naming the first
/// missing one.
int downlink_library_bind(void *handle, const char *what, const struct downlink_library_symbol *symbols,
                          size_t count, char *message, size_t capacity);

/// `downlink_library_open`, then `downlink_library_bind` with the library's short `name` in
/// messages: the handle, or NULL with why in `message`.
void *downlink_library_load(const char *what, const char *name, const char *override_variable,
                            const char *const *names, size_t name_count,
                            const struct downlink_library_symbol *symbols, size_t symbol_count, char *message,
                            size_t capacity);

#define DOWNLINK_COUNT(array) (sizeof(array) / sizeof *(array))

#ifdef __cplusplus
}
#endif

// Forwarding functions from an X-macro list of `F(return type, name, (parameters), (arguments))`.
// The forwarding function has the name and the prototype of the library's function (the library's
// header declares it; the compiler checks the two agree), loads the library on first use through
// the includer's `DOWNLINK_REQUIRE()`, and calls through the pointer that dlsym filled in.
// Compiled with -fvisibility=hidden, so that they never interpose on the library's own symbols.
#define DOWNLINK_FORWARD_POINTER(ret, name, params, args) static __typeof__(name) *forward_##name;
#define DOWNLINK_FORWARD(ret, name, params, args)                                                    \
    ret name params {                                                                                \
        DOWNLINK_REQUIRE();                                                                          \
        return forward_##name args;                                                                  \
    }
#define DOWNLINK_FORWARD_VOID(ret, name, params, args)                                               \
    void name params {                                                                               \
        DOWNLINK_REQUIRE();                                                                          \
        forward_##name args;                                                                         \
    }
#define DOWNLINK_FORWARD_SYMBOL(ret, name, params, args) {#name, (void **)&forward_##name},

// A library's load state: `open_library(message, capacity)` (the includer's; returns 0 or -1 with a
// message) runs once per process. Defines `require_library()`, which the forwarding functions call,
// and `int public_name(char *message, size_t capacity)`, which the Swift layer calls first so that a
// missing library is a typed error rather than `downlink_library_fatal`.
#define DOWNLINK_LIBRARY_STATE(public_name)                                                          \
    static int open_library(char *message, size_t capacity);                                         \
    static pthread_once_t load_once = PTHREAD_ONCE_INIT;                                             \
    static int load_state; /* 1 loaded, -1 failed; written once under load_once */                   \
    static char load_failure[1024];                                                                  \
    static void load(void) {                                                                         \
        int status = open_library(load_failure, sizeof load_failure);                                \
        __atomic_store_n(&load_state, status == 0 ? 1 : -1, __ATOMIC_RELEASE);                       \
    }                                                                                                \
    static inline void require_library(void) {                                                       \
        if (__builtin_expect(__atomic_load_n(&load_state, __ATOMIC_ACQUIRE) == 1, 1)) return;        \
        pthread_once(&load_once, load);                                                              \
        if (__atomic_load_n(&load_state, __ATOMIC_ACQUIRE) != 1) downlink_library_fatal(load_failure); \
    }                                                                                                \
    int public_name(char *message, size_t capacity) {                                                \
        pthread_once(&load_once, load);                                                              \
        if (__atomic_load_n(&load_state, __ATOMIC_ACQUIRE) == 1) return 0;                           \
        if (capacity > 0) snprintf(message, capacity, "%s", load_failure);                           \
        return -1;                                                                                   \
    }

#endif
