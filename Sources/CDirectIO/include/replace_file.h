// Renaming a finished output over an earlier version of it, without paying for the earlier
// version inside the rename. When a rename replaces the last link of a file nobody has open, the
// kernel frees that file's blocks inside the rename call: 84-89 ms for a 300 MB file on the 2-core
// VM's ext4 (Python's os.rename, 2 runs), on the writer's path, every time reprocessing overwrites a product.
#ifndef DOWNLINK_REPLACE_FILE_H
#define DOWNLINK_REPLACE_FILE_H

/// `rename(from, to)`, with 0 or -1 and errno as `rename` gives them. When `to` is a regular file of
/// `DOWNLINK_REPLACE_BACKGROUND_BYTES` or more, it is held open (O_PATH) across the rename and
/// closed on a detached thread, where the kernel then frees it. Smaller files, or a thread that
/// cannot be started, are released at once, as a plain rename would.
int downlink_rename_replacing(const char *from, const char *to);

/// Allocated bytes from which a replaced file is released on a background thread.
#define DOWNLINK_REPLACE_BACKGROUND_BYTES (16L << 20)

#endif
