// Intel ISA-L's igzip (Debian libisal-dev, pkg-config name `libisal`) for the CDF writer's gzip blocks.
#include <isa-l/igzip_lib.h>

/// The level buffer ISA-L suggests for igzip `level` (ISAL_DEF_LVLx_DEFAULT), 0 for level 0 or an
/// unknown level. The macros are arithmetic expressions that Swift does not import.
static inline uint32_t cisal_default_level_buf_size(uint32_t level) {
    switch (level) {
    case 1: return ISAL_DEF_LVL1_DEFAULT;
    case 2: return ISAL_DEF_LVL2_DEFAULT;
    case 3: return ISAL_DEF_LVL3_DEFAULT;
    default: return 0;
    }
}
