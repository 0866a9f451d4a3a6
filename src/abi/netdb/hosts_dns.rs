//! The `dns` source of the hosts calls: a DNS answer (from [`crate::dns`]) laid out as a `hostent` in
//! the caller's buffer, and the NSS status glibc's `nss_dns` module would report for it.
//!
//! Layout: the addresses (8-aligned), the address pointer array, the alias pointer array, then the
//! strings. As in `nss_dns`, `h_name` is the end of the CNAME chain, `h_aliases` the names that led to
//! it, and a reverse lookup gives the first PTR name with no aliases.

use core::ffi::c_int;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use super::buffer::CBuffer;
use super::hostent;
use crate::db::record::{align_up, POINTER};
use crate::dns::{self, Families, LookupError};
use crate::sys::set_h_errno;

/// What a source of the hosts chain ended with, as nsswitch sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SourceOutcome {
    Found,
    /// Not found, with the h_errno to report (`HOST_NOT_FOUND`, `NO_DATA`, `NO_RECOVERY`).
    NotFound(c_int),
    /// Temporary failure (`TRY_AGAIN`): the call returns `EAGAIN` if nothing else answers.
    TryAgain(c_int),
    /// The source could not be used (a missing hosts file).
    Unavailable,
    /// The source could not be used, for the reason in this errno (an address DNS cannot ask for:
    /// `EAFNOSUPPORT`); h_errno is `NETDB_INTERNAL` and the call returns the errno.
    Failed(c_int),
    /// The caller's buffer is too small: `ERANGE`, h_errno `NETDB_INTERNAL`.
    BufferTooSmall,
}

/// Looks `name` up in DNS for `family` (`AF_INET6` asks AAAA, anything else A) into `out`.
///
/// Like glibc's resolver, this also writes the thread's h_errno when it asks: `HOST_NOT_FOUND` as it
/// starts and the failure's h_errno at the end (a success leaves `HOST_NOT_FOUND`). Programs read it
/// after `gethostbyname_r` fails (Python's `socket.gethostbyname_ex` does).
pub fn by_name(
    name: &[u8],
    family: c_int,
    out: &mut hostent,
    buffer: &mut CBuffer,
) -> SourceOutcome {
    let asks = dns::asks_for(name);
    if asks {
        set_h_errno(LookupError::NotFound.h_errno());
    }
    let outcome = by_name_quiet(name, family, out, buffer);
    if let (true, SourceOutcome::NotFound(h) | SourceOutcome::TryAgain(h)) = (asks, outcome) {
        set_h_errno(h);
    }
    outcome
}

fn by_name_quiet(
    name: &[u8],
    family: c_int,
    out: &mut hostent,
    buffer: &mut CBuffer,
) -> SourceOutcome {
    let families = if family == libc::AF_INET6 {
        Families::V6
    } else {
        Families::V4
    };
    match dns::lookup_host(name, families) {
        Ok(answer) => {
            let addresses: Vec<&[u8]> = match families {
                Families::V6 => answer.v6.iter().map(|a| a.as_slice()).collect(),
                _ => answer.v4.iter().map(|a| a.as_slice()).collect(),
            };
            if addresses.is_empty() {
                return SourceOutcome::NotFound(LookupError::NoData.h_errno());
            }
            let family = if families == Families::V6 {
                libc::AF_INET6
            } else {
                libc::AF_INET
            };
            write_hostent(
                &answer.canonical_name,
                &answer.aliases,
                family,
                &addresses,
                out,
                buffer,
            )
        }
        Err(error) => failure(error),
    }
}

/// Looks the name of `address` (`len` bytes of family `family`) up with a PTR query into `out`.
///
/// As `nss_dns` does, an IPv4-mapped or IPv4-compatible IPv6 address is asked (and answered) as IPv4,
/// an unknown family or a short address fails with `EAFNOSUPPORT`, and every failure to get an
/// answer, a timeout included, is "not found" with its h_errno, also written to the thread's h_errno
/// (glibc's `res_nquery` does).
pub fn by_address(
    address: &[u8],
    family: c_int,
    out: &mut hostent,
    buffer: &mut CBuffer,
) -> SourceOutcome {
    let Some((ip, family, bytes)) = query_address(address, family) else {
        return SourceOutcome::Failed(libc::EAFNOSUPPORT);
    };
    let failed = |error: LookupError| {
        set_h_errno(error.h_errno());
        SourceOutcome::NotFound(error.h_errno())
    };
    match dns::lookup_ptr(ip) {
        Ok(answer) => match answer.names.first() {
            Some(name) => write_hostent(name, &[], family, &[bytes.as_slice()], out, buffer),
            None => failed(LookupError::NotFound),
        },
        Err(error) => failed(error),
    }
}

/// The address `nss_dns` asks for ([`dns::ptr_address`]): its IP, family and bytes, or `None` for a
/// bad family or length.
fn query_address(address: &[u8], family: c_int) -> Option<(IpAddr, c_int, Vec<u8>)> {
    let ip = match family {
        libc::AF_INET => IpAddr::V4(Ipv4Addr::from(<[u8; 4]>::try_from(address.get(..4)?).ok()?)),
        libc::AF_INET6 => IpAddr::V6(Ipv6Addr::from(
            <[u8; 16]>::try_from(address.get(..16)?).ok()?,
        )),
        _ => return None,
    };
    Some(match dns::ptr_address(ip) {
        IpAddr::V4(v4) => (IpAddr::V4(v4), libc::AF_INET, v4.octets().to_vec()),
        IpAddr::V6(v6) => (IpAddr::V6(v6), libc::AF_INET6, v6.octets().to_vec()),
    })
}

fn failure(error: LookupError) -> SourceOutcome {
    match error {
        LookupError::TryAgain => SourceOutcome::TryAgain(error.h_errno()),
        _ => SourceOutcome::NotFound(error.h_errno()),
    }
}

/// Writes a `hostent` for `name`, `aliases` and `addresses` (all of `family`) into `buffer`.
fn write_hostent(
    name: &[u8],
    aliases: &[Vec<u8>],
    family: c_int,
    addresses: &[&[u8]],
    out: &mut hostent,
    buffer: &mut CBuffer,
) -> SourceOutcome {
    let length = addresses.first().map_or(4, |a| a.len());
    let start = buffer.address(0).wrapping_neg() % POINTER;
    let address_list =
        align_up(buffer.address(start + addresses.len() * length), POINTER) - buffer.address(0);
    let alias_list = address_list + (addresses.len() + 1) * POINTER;
    let strings = alias_list + (aliases.len() + 1) * POINTER;
    let string_bytes: usize = aliases.iter().map(|a| a.len() + 1).sum::<usize>() + name.len() + 1;
    if strings + string_bytes > buffer.len() {
        return SourceOutcome::BufferTooSmall;
    }
    let mut address_pointers = Vec::with_capacity(addresses.len());
    for (i, address) in addresses.iter().enumerate() {
        buffer.put(start + i * length, address);
        address_pointers.push(buffer.address(start + i * length));
    }
    let mut cursor = strings;
    let mut put_string = |buffer: &mut CBuffer, text: &[u8]| {
        buffer.put(cursor, text);
        buffer.put(cursor + text.len(), &[0]);
        cursor += text.len() + 1;
        buffer.address(cursor - text.len() - 1)
    };
    let name_pointer = put_string(buffer, name);
    let alias_pointers: Vec<usize> = aliases
        .iter()
        .map(|alias| put_string(buffer, alias))
        .collect();
    buffer.put_pointers(address_list, address_pointers);
    buffer.put_pointers(alias_list, alias_pointers);
    out.h_name = buffer.ptr(name_pointer - buffer.address(0));
    out.h_aliases = buffer.ptr(alias_list).cast();
    out.h_addrtype = family;
    out.h_length = length as c_int;
    out.h_addr_list = buffer.ptr(address_list).cast();
    SourceOutcome::Found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_hostent() -> hostent {
        hostent {
            h_name: core::ptr::null_mut(),
            h_aliases: core::ptr::null_mut(),
            h_addrtype: 0,
            h_length: 0,
            h_addr_list: core::ptr::null_mut(),
        }
    }

    /// Reads a NULL-terminated list of C strings.
    fn strings(list: *mut *mut core::ffi::c_char) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        // SAFETY: write_hostent wrote a NULL-terminated array of C strings inside the test's buffer.
        unsafe {
            let mut p = list;
            while !(*p).is_null() {
                out.push(core::ffi::CStr::from_ptr(*p).to_bytes().to_vec());
                p = p.add(1);
            }
        }
        out
    }

    #[test]
    fn lays_out_name_aliases_and_addresses() {
        let mut storage = [0u64; 32];
        // SAFETY: the storage is 256 writable bytes that outlive the buffer.
        let mut buffer = unsafe { CBuffer::new(storage.as_mut_ptr().cast(), 256) };
        let mut out = empty_hostent();
        let addresses: [&[u8]; 2] = [&[192, 0, 2, 1], &[192, 0, 2, 2]];
        let outcome = write_hostent(
            b"www.test",
            &[b"alias.test".to_vec()],
            libc::AF_INET,
            &addresses,
            &mut out,
            &mut buffer,
        );
        assert_eq!(outcome, SourceOutcome::Found);
        // SAFETY: h_name points to a string written above.
        let name = unsafe { core::ffi::CStr::from_ptr(out.h_name) };
        assert_eq!(name.to_bytes(), b"www.test");
        assert_eq!(strings(out.h_aliases), vec![b"alias.test".to_vec()]);
        assert_eq!((out.h_addrtype, out.h_length), (libc::AF_INET, 4));
        let addrs: Vec<Vec<u8>> = (0..2)
            .map(|i| {
                // SAFETY: two address pointers, each to 4 bytes, were written above.
                let bytes =
                    unsafe { core::slice::from_raw_parts(*out.h_addr_list.add(i) as *const u8, 4) };
                bytes.to_vec()
            })
            .collect();
        assert_eq!(addrs, vec![vec![192, 0, 2, 1], vec![192, 0, 2, 2]]);
        // SAFETY: the list has two entries and a NULL.
        assert!(unsafe { *out.h_addr_list.add(2) }.is_null());
    }

    #[test]
    fn every_short_buffer_is_erange_never_an_overflow() {
        let addresses: [&[u8]; 1] = [&[0; 16]];
        let mut needed = None;
        for len in 0..200 {
            let mut storage = [0u64; 32];
            // SAFETY: `len` ≤ 256 writable bytes.
            let mut buffer = unsafe { CBuffer::new(storage.as_mut_ptr().cast(), len) };
            let mut out = empty_hostent();
            let outcome = write_hostent(
                b"six.test",
                &[],
                libc::AF_INET6,
                &addresses,
                &mut out,
                &mut buffer,
            );
            match (outcome, needed) {
                (SourceOutcome::BufferTooSmall, None) => {}
                (SourceOutcome::Found, None) => needed = Some(len),
                (SourceOutcome::Found, Some(_)) => {}
                other => panic!("size {len}: {other:?}"),
            }
        }
        assert_eq!(needed, Some(16 + 2 * 8 + 8 + 9));
    }

    #[test]
    fn mapped_and_compatible_addresses_are_asked_as_ipv4() {
        let mapped = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1];
        let (ip, family, bytes) = query_address(&mapped, libc::AF_INET6).unwrap();
        assert_eq!(
            (ip, family, bytes),
            (
                "192.0.2.1".parse().unwrap(),
                libc::AF_INET,
                vec![192, 0, 2, 1]
            )
        );
        let loopback = Ipv6Addr::LOCALHOST.octets();
        assert_eq!(
            query_address(&loopback, libc::AF_INET6).unwrap().1,
            libc::AF_INET6
        );
        assert!(query_address(&[1, 2, 3], libc::AF_INET).is_none());
        assert!(query_address(&[0; 16], libc::AF_UNIX).is_none());
    }
}
