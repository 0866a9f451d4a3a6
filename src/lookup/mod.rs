//! getaddrinfo / getnameinfo logic: source order, destination sorting, packing results.
pub mod errors;
