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

/// Installs handlers for SIGINT and SIGTERM that write the signal's number (one byte) to a pipe, and returns
/// the pipe's read end; -1 (errno set) if the pipe or a handler could not be set up. Whichever thread the
/// kernel picks runs the handler, so no signal is lost; the first call installs, later calls return the same
/// descriptor.
int patinox_termination_signal_pipe(void);

#endif
