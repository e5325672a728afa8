#include <stdio.h>
#include "fixed_format.h"

int engine_format_fixed(char *buffer, size_t capacity, int precision, double value) {
    return snprintf(buffer, capacity, "%.*f", precision, value);
}
