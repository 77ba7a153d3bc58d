// The module declares libFuzzer's LLVMFuzzerRunDriver (include/CLibFuzzer.h); compiler-rt defines it.
#include "CLibFuzzer.h"
