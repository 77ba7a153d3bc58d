#include "patinox_shims.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#if defined(__linux__)
int patinox_memfd_create(const char *name) {
    return memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
}

int patinox_memfd_seal_shrink(int descriptor) {
    return fcntl(descriptor, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_SEAL);
}
#endif

static int signal_pipe[2] = {-1, -1};
static int signal_pipe_error = 0;
static pthread_once_t signal_pipe_once = PTHREAD_ONCE_INIT;

// SAFETY: runs in signal context, so it only calls write(2) (async-signal-safe) on a descriptor that is set
// before the handler is installed and never changed, and keeps errno for the interrupted code. The write end
// does not block: with the pipe full (255+ signals unread) a signal is dropped, and one is already waiting.
static void patinox_on_termination_signal(int number) {
    int saved = errno;
    unsigned char byte = (unsigned char)number;
    ssize_t written = write(signal_pipe[1], &byte, 1);
    (void)written;
    errno = saved;
}

static void patinox_install_signal_pipe(void) {
    if (pipe(signal_pipe) != 0) {
        signal_pipe_error = errno;
        return;
    }
    fcntl(signal_pipe[0], F_SETFD, FD_CLOEXEC);
    fcntl(signal_pipe[1], F_SETFD, FD_CLOEXEC);
    fcntl(signal_pipe[1], F_SETFL, fcntl(signal_pipe[1], F_GETFL) | O_NONBLOCK);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = patinox_on_termination_signal;
    action.sa_flags = SA_RESTART;
    sigfillset(&action.sa_mask);
    if (sigaction(SIGINT, &action, NULL) != 0 || sigaction(SIGTERM, &action, NULL) != 0) {
        signal_pipe_error = errno;
        close(signal_pipe[0]);
        close(signal_pipe[1]);
        signal_pipe[0] = signal_pipe[1] = -1;
    }
}

int patinox_termination_signal_pipe(void) {
    pthread_once(&signal_pipe_once, patinox_install_signal_pipe);
    if (signal_pipe[0] < 0) errno = signal_pipe_error;
    return signal_pipe[0];
}
