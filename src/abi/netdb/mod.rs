//! `<netdb.h>`: name and service lookups.
pub mod addrinfo;
pub mod nameinfo;
