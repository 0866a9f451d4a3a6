//! Interface names and indexes: `if_nametoindex`, `if_indextoname` and `if_nameindex`'s logic.
//!
//! glibc answers the first two with `SIOCGIFINDEX` / `SIOCGIFNAME` on a throw-away datagram socket and
//! the list with a netlink link dump; so do we, so the answers and errno values are the kernel's.

use crate::sys::netlink::{RouteSocket, RTM_GETLINK, RTM_NEWLINK};
use crate::sys::syscall::{check, syscall6};
use crate::sys::Errno;

/// `IF_NAMESIZE`: an interface name's bytes, NUL included.
pub(crate) const NAME_SIZE: usize = 16;
const SIOCGIFNAME: usize = 0x8910;
const SIOCGIFINDEX: usize = 0x8933;

/// `struct ifreq` as the two ioctls use it: the name, then the index.
#[repr(C)]
struct InterfaceRequest {
    name: [u8; NAME_SIZE],
    index: i32,
    rest: [u8; 20],
}

/// A datagram socket for interface ioctls, closed on drop; the families are tried in glibc's order.
struct IoctlSocket(i32);

impl IoctlSocket {
    fn open() -> Result<IoctlSocket, Errno> {
        let mut last = Errno(libc::EAFNOSUPPORT);
        for family in [
            libc::AF_NETLINK,
            libc::AF_UNIX,
            libc::AF_INET,
            libc::AF_INET6,
        ] {
            let kind = (libc::SOCK_DGRAM | libc::SOCK_CLOEXEC) as usize;
            // SAFETY: socket takes no pointers.
            match check(unsafe {
                syscall6(libc::SYS_socket as usize, family as usize, kind, 0, 0, 0, 0)
            }) {
                Ok(fd) => return Ok(IoctlSocket(fd as i32)),
                Err(errno) => last = errno,
            }
        }
        Err(last)
    }

    fn request(&self, command: usize, request: &mut InterfaceRequest) -> Result<(), Errno> {
        // SAFETY: both commands read and write one `struct ifreq`, which `request` is (40 bytes).
        check(unsafe {
            syscall6(
                libc::SYS_ioctl as usize,
                self.0 as usize,
                command,
                request as *mut _ as usize,
                0,
                0,
                0,
            )
        })
        .map(drop)
    }
}

impl Drop for IoctlSocket {
    fn drop(&mut self) {
        // SAFETY: the fd is ours and closed once.
        unsafe { syscall6(libc::SYS_close as usize, self.0 as usize, 0, 0, 0, 0, 0) };
    }
}

/// The index of the interface called `name` (no NUL). Errors as glibc: `ENODEV` for a name too long
/// to exist or unknown, `ENOSYS` where the kernel says `EINVAL`.
pub fn name_to_index(name: &[u8]) -> Result<u32, Errno> {
    if name.len() >= NAME_SIZE {
        return Err(Errno(libc::ENODEV));
    }
    let mut request = InterfaceRequest {
        name: [0; NAME_SIZE],
        index: 0,
        rest: [0; 20],
    };
    request.name[..name.len()].copy_from_slice(name);
    let socket = IoctlSocket::open()?;
    match socket.request(SIOCGIFINDEX, &mut request) {
        Ok(()) => Ok(request.index as u32),
        Err(Errno(libc::EINVAL)) => Err(Errno(libc::ENOSYS)),
        Err(errno) => Err(errno),
    }
}

/// The name of interface `index`, as the 16 bytes glibc copies out (`strncpy`, so NUL-padded).
/// An unknown index is `ENXIO`, as POSIX asks.
pub fn index_to_name(index: u32) -> Result<[u8; NAME_SIZE], Errno> {
    let mut request = InterfaceRequest {
        name: [0; NAME_SIZE],
        index: index as i32,
        rest: [0; 20],
    };
    let socket = IoctlSocket::open()?;
    match socket.request(SIOCGIFNAME, &mut request) {
        Ok(()) => {
            let mut name = [0u8; NAME_SIZE];
            let len = request
                .name
                .iter()
                .position(|&b| b == 0)
                .unwrap_or(NAME_SIZE);
            name[..len].copy_from_slice(&request.name[..len]);
            Ok(name)
        }
        Err(Errno(libc::ENODEV)) => Err(Errno(libc::ENXIO)),
        Err(errno) => Err(errno),
    }
}

/// One link of `if_nameindex`'s list: its index and name (absent if the kernel sent none).
pub type NameIndex = (u32, Option<Vec<u8>>);

/// Every link, in the kernel's order: `if_nameindex`'s list.
pub fn name_index_list() -> Result<Vec<NameIndex>, Errno> {
    let mut socket = RouteSocket::open()?;
    let dump = socket.dump(RTM_GETLINK)?;
    Ok(dump
        .messages()
        .filter(|m| m.kind == RTM_NEWLINK)
        .filter_map(|m| super::rtnl::Link::parse(m.payload))
        .map(|link| (link.index as u32, link.name().map(<[u8]>::to_vec)))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loopback_round_trips() {
        let index = name_to_index(b"lo").expect("lo exists");
        let name = index_to_name(index).unwrap();
        assert_eq!(&name[..3], b"lo\0");
        assert!(name_index_list()
            .unwrap()
            .contains(&(index, Some(b"lo".to_vec()))));
    }

    #[test]
    fn errors_are_glibcs() {
        assert_eq!(name_to_index(b"0123456789abcdef"), Err(Errno(libc::ENODEV)));
        assert_eq!(name_to_index(b"nosuch-if"), Err(Errno(libc::ENODEV)));
        assert_eq!(index_to_name(0), Err(Errno(libc::ENXIO)));
        assert_eq!(index_to_name(0x7fff_fff0), Err(Errno(libc::ENXIO)));
    }
}
