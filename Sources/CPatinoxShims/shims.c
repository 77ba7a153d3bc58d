#include "patinox_shims.h"

#if defined(__linux__)
int patinox_memfd_create(const char *name) {
    return memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
}

int patinox_memfd_seal_shrink(int descriptor) {
    return fcntl(descriptor, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_SEAL);
}
#endif
