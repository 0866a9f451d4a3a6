//! `<netdb.h>`: the database functions (hosts, services, protocols, networks, h_errno strings).
//!
//! Each submodule is one part of the header; the parsing and lookups live in [`crate::db`], and these
//! functions only convert arguments and lay results out in the caller's memory as glibc does.
use core::ffi::{c_char, c_int};

pub mod addrinfo;
pub mod buffer;
mod enumeration;
pub mod herror;
pub mod hosts;
mod hosts_dns;
pub mod nameinfo;
pub mod networks;
pub mod protocols;
pub mod services;
mod thread_result;
mod trace_line;

/// `struct hostent`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct hostent {
    pub h_name: *mut c_char,
    pub h_aliases: *mut *mut c_char,
    pub h_addrtype: c_int,
    pub h_length: c_int,
    pub h_addr_list: *mut *mut c_char,
}

/// `struct servent`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct servent {
    pub s_name: *mut c_char,
    pub s_aliases: *mut *mut c_char,
    pub s_port: c_int,
    pub s_proto: *mut c_char,
}

/// `struct protoent`.
#[repr(C)]
#[derive(Clone, Copy)]
pub struct protoent {
    pub p_name: *mut c_char,
    pub p_aliases: *mut *mut c_char,
    pub p_proto: c_int,
}

/// `struct netent`.
#[repr(C)]
pub struct netent {
    pub n_name: *mut c_char,
    pub n_aliases: *mut *mut c_char,
    pub n_addrtype: c_int,
    pub n_net: u32,
}
