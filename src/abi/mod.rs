//! The C ABI, one module per C header. Only this layer holds `#[no_mangle] extern "C"` functions and
//! raw pointers; each function converts its arguments, calls the safe core and reports the result the
//! way glibc does (return value, errno, h_errno).
pub mod arpa_inet;
pub mod gai;
pub mod ifaddrs;
pub mod net_if;
pub mod netdb;
pub mod sys_socket;
