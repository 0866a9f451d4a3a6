//! Address text to binary and back (pure functions, no I/O).
