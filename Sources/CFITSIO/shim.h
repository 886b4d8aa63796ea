// cfitsio for Swift. Only the short function names (ffinit, ffcrtb, ffptbb, ...) import: the long
// fits_* names are macros. Constants used by Downlink are re-exported as functions where they are
// macros that Swift cannot import.
#include <fitsio.h>
