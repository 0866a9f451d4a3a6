//! The files databases: hosts, services, protocols and networks, parsed once and cached, with a cheap
//! change check (inode, size, mtime) on every lookup.
