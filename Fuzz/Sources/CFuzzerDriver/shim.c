// Declarations only: the driver itself is in libFuzzer's runtime.
#include "CFuzzerDriver.h"

// A debug build links the executable's main under another name (`--defsym main=EngineFuzz_main`),
// which pulls libFuzzer's own main into the link; that one needs this symbol. The engine's main
// drives libFuzzer through LLVMFuzzerRunDriver with its own callback, so this is never called.
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    (void)data;
    (void)size;
    return 0;
}
