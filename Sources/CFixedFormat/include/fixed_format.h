#ifndef FIXED_FORMAT_H
#define FIXED_FORMAT_H

#include <stddef.h>

/// Writes `value` as printf's "%.*f" does with `precision` into `buffer` (at most `capacity`
/// bytes, NUL included) and returns the length it needed, as snprintf does. Swift cannot call
/// variadic C functions, and its va_list path boxes every argument.
int engine_format_fixed(char *buffer, size_t capacity, int precision, double value);

#endif
