//! getaddrinfo / getnameinfo logic: source order, destination sorting, packing results.
pub mod errors;
pub mod gai_conf;
pub mod sort;
