#ifndef PATINOX_SHIMS_H
#define PATINOX_SHIMS_H

#if defined(__linux__)
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <sys/mman.h>

/// An anonymous, sealable in-memory file (memfd_create with MFD_CLOEXEC | MFD_ALLOW_SEALING); -1 on error.
int patinox_memfd_create(const char *name);

/// Seals a memfd against shrinking and further sealing, so no one can truncate it under a mapping.
int patinox_memfd_seal_shrink(int descriptor);
#endif

#endif
