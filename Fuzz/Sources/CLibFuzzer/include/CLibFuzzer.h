#ifndef CLIBFUZZER_H
#define CLIBFUZZER_H

#include <stddef.h>
#include <stdint.h>

// libFuzzer's entry for programs with a main of their own (compiler-rt's FuzzerDriver.cpp, linked by
// -sanitize=fuzzer): parses the libFuzzer flags in argv and runs `callback` on every input it makes.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

#endif
