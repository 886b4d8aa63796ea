// The header is all there is; this file lets SwiftPM build the target.
#include "prefetch.h"
