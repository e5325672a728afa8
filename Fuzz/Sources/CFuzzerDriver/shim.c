// Declarations only: the driver itself is in libFuzzer's runtime.
#include "CFuzzerDriver.h"
