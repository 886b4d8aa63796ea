// libpq opened with dlopen on first use (see CLibraryLoading for why): only a catalog on PostgreSQL
// needs it. Every libpq function Downlink calls is defined here with the header's prototype and
// forwards to the library.
#include "libpq_library.h"
#include "library_loading.h"

static const char *const libpq_names[] = {"libpq.so.5", "libpq.so"};

#define LIBPQ_FUNCTIONS(F)                                                                                    \
    F(PGconn *, PQconnectdb, (const char *conninfo), (conninfo))                                              \
    F(char *, PQerrorMessage, (const PGconn *conn), (conn))                                                   \
    F(PGresult *, PQexecParams, (PGconn * conn, const char *command, int nParams, const Oid *paramTypes,      \
                                 const char *const *paramValues, const int *paramLengths, const int *paramFormats, \
                                 int resultFormat),                                                           \
      (conn, command, nParams, paramTypes, paramValues, paramLengths, paramFormats, resultFormat))            \
    F(Oid, PQftype, (const PGresult *res, int field_num), (res, field_num))                                   \
    F(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num))         \
    F(char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num))       \
    F(int, PQnfields, (const PGresult *res), (res))                                                           \
    F(int, PQntuples, (const PGresult *res), (res))                                                           \
    F(char *, PQresultErrorMessage, (const PGresult *res), (res))                                             \
    F(ExecStatusType, PQresultStatus, (const PGresult *res), (res))                                           \
    F(ConnStatusType, PQstatus, (const PGconn *conn), (conn))

#define LIBPQ_VOID_FUNCTIONS(F)                                                                               \
    F(void, PQclear, (PGresult * res), (res))                                                                 \
    F(void, PQfinish, (PGconn * conn), (conn))

LIBPQ_FUNCTIONS(DOWNLINK_FORWARD_POINTER)
LIBPQ_VOID_FUNCTIONS(DOWNLINK_FORWARD_POINTER)

static const struct downlink_library_symbol libpq_symbols[] = {
    LIBPQ_FUNCTIONS(DOWNLINK_FORWARD_SYMBOL) LIBPQ_VOID_FUNCTIONS(DOWNLINK_FORWARD_SYMBOL)};

DOWNLINK_LIBRARY_STATE(dl_libpq_load)

static int open_library(char *message, size_t capacity) {
    void *library = downlink_library_load("libpq (the PostgreSQL client, for a PostgreSQL catalog)", "libpq",
                                          "DOWNLINK_LIBPQ", libpq_names, DOWNLINK_COUNT(libpq_names), libpq_symbols,
                                          DOWNLINK_COUNT(libpq_symbols), message, capacity);
    return library ? 0 : -1;
}

#define DOWNLINK_REQUIRE() require_library()
LIBPQ_FUNCTIONS(DOWNLINK_FORWARD)
LIBPQ_VOID_FUNCTIONS(DOWNLINK_FORWARD_VOID)
