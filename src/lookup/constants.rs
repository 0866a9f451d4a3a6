//! The numbers of `<netdb.h>` and `<sys/socket.h>` that getaddrinfo and getnameinfo interpret, with
//! glibc's values on x86_64 Linux.

pub(crate) const AF_UNSPEC: i32 = 0;
pub(crate) const AF_LOCAL: i32 = 1;
pub(crate) const AF_INET: i32 = 2;
pub(crate) const AF_INET6: i32 = 10;

pub(crate) const SOCK_STREAM: i32 = 1;
pub(crate) const SOCK_DGRAM: i32 = 2;
pub(crate) const SOCK_RAW: i32 = 3;
pub(crate) const SOCK_SEQPACKET: i32 = 5;
pub(crate) const SOCK_DCCP: i32 = 6;

pub(crate) const IPPROTO_TCP: i32 = 6;
pub(crate) const IPPROTO_UDP: i32 = 17;
pub(crate) const IPPROTO_DCCP: i32 = 33;
pub(crate) const IPPROTO_SCTP: i32 = 132;
pub(crate) const IPPROTO_UDPLITE: i32 = 136;

pub(crate) const AI_PASSIVE: i32 = 0x1;
pub(crate) const AI_CANONNAME: i32 = 0x2;
pub(crate) const AI_NUMERICHOST: i32 = 0x4;
pub(crate) const AI_V4MAPPED: i32 = 0x8;
pub(crate) const AI_ALL: i32 = 0x10;
pub(crate) const AI_ADDRCONFIG: i32 = 0x20;
pub(crate) const AI_IDN: i32 = 0x40;
pub(crate) const AI_CANONIDN: i32 = 0x80;
/// Deprecated in glibc, still accepted (and ignored).
pub(crate) const AI_IDN_ALLOW_UNASSIGNED: i32 = 0x100;
/// Deprecated in glibc, still accepted (and ignored).
pub(crate) const AI_IDN_USE_STD3_ASCII_RULES: i32 = 0x200;
pub(crate) const AI_NUMERICSERV: i32 = 0x400;
/// Every flag getaddrinfo accepts; any other bit is `EAI_BADFLAGS`.
pub(crate) const AI_KNOWN: i32 = AI_PASSIVE
    | AI_CANONNAME
    | AI_NUMERICHOST
    | AI_V4MAPPED
    | AI_ALL
    | AI_ADDRCONFIG
    | AI_IDN
    | AI_CANONIDN
    | AI_IDN_ALLOW_UNASSIGNED
    | AI_IDN_USE_STD3_ASCII_RULES
    | AI_NUMERICSERV;

pub(crate) const NI_NUMERICHOST: i32 = 1;
pub(crate) const NI_NUMERICSERV: i32 = 2;
pub(crate) const NI_NOFQDN: i32 = 4;
pub(crate) const NI_NAMEREQD: i32 = 8;
pub(crate) const NI_DGRAM: i32 = 16;
pub(crate) const NI_IDN: i32 = 32;
/// Deprecated in glibc, still accepted (and ignored).
pub(crate) const NI_IDN_ALLOW_UNASSIGNED: i32 = 64;
/// Deprecated in glibc, still accepted (and ignored).
pub(crate) const NI_IDN_USE_STD3_ASCII_RULES: i32 = 128;
/// Every flag getnameinfo accepts; any other bit is `EAI_BADFLAGS`.
pub(crate) const NI_KNOWN: i32 = NI_NUMERICHOST
    | NI_NUMERICSERV
    | NI_NOFQDN
    | NI_NAMEREQD
    | NI_DGRAM
    | NI_IDN
    | NI_IDN_ALLOW_UNASSIGNED
    | NI_IDN_USE_STD3_ASCII_RULES;

/// h_errno values the sources report (`<netdb.h>`).
pub(crate) const NETDB_INTERNAL: i32 = -1;
pub(crate) const HOST_NOT_FOUND: i32 = 1;
pub(crate) const TRY_AGAIN: i32 = 2;
pub(crate) const NO_DATA: i32 = 4;
