//! The DNS stub resolver: resolv.conf, the wire codec, UDP/TCP transport, the lookup logic and the TTL
//! cache.
