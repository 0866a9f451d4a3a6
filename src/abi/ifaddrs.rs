//! `<ifaddrs.h>`: the list of interfaces and their addresses.

use core::ffi::c_int;

use crate::interfaces::{self, ifaddrs::Target};
use crate::sys::set_errno;
use crate::trace;

/// `getifaddrs(ifap)` — lists the host's interfaces and their addresses.
///
/// One `AF_PACKET` entry per interface (with its `struct rtnl_link_stats` in `ifa_data`), then every
/// address, in the kernel's order. The list is one `malloc`ed block in glibc's layout, so glibc's `freeifaddrs` frees it too.
///
/// Differences from glibc: when interfaces change during every one of 64 consecutive attempts the call
/// fails with `EAGAIN` where glibc would retry forever; a null `ifap` fails with `EFAULT` where glibc
/// crashes (docs/deviations.md).
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/getifaddrs.3.html)
///
/// # Safety
/// `ifap` must be null (`EFAULT`) or point to a writable `struct ifaddrs *`.
#[no_mangle]
pub unsafe extern "C" fn getifaddrs(ifap: *mut *mut libc::ifaddrs) -> c_int {
    if ifap.is_null() {
        set_errno(crate::sys::Errno(libc::EFAULT));
        return -1;
    }
    // SAFETY: `ifap` is non-null and, per the contract, points to writable storage for a pointer.
    unsafe { *ifap = core::ptr::null_mut() };
    let timer = trace::start();
    let result = interfaces::interface_list();
    if let Some(timer) = timer {
        match &result {
            Ok(image) => trace::emit(
                timer,
                format_args!("getifaddrs() = 0, {} entries", image.entries.len()),
            ),
            Err(e) => trace::emit(timer, format_args!("getifaddrs() = -1, errno {}", e.0)),
        }
    }
    let image = match result {
        Ok(image) => image,
        Err(errno) => {
            set_errno(errno);
            return -1;
        }
    };
    if image.entries.is_empty() {
        return 0;
    }
    let entries_size = image.entries.len() * interfaces::ifaddrs::ENTRY_SIZE;
    // SAFETY: calloc with a non-zero size; the result is checked for NULL below.
    let block = unsafe { libc::calloc(1, entries_size + image.statistics.len()) } as *mut u8;
    if block.is_null() {
        set_errno(crate::sys::Errno(libc::ENOMEM));
        return -1;
    }
    // SAFETY: `block` holds `entries_size + statistics.len()` bytes, which `write_image` fills within.
    unsafe { write_image(block, &image) };
    // SAFETY: as above for `ifap`.
    unsafe { *ifap = block.cast() };
    0
}

/// Copies the image's bytes into `block` and turns every target into an address inside it.
///
/// # Safety
/// `block` must be writable for the image's entries and statistics and 8-byte aligned.
unsafe fn write_image(block: *mut u8, image: &interfaces::ifaddrs::Image) {
    let entry_size = interfaces::ifaddrs::ENTRY_SIZE;
    let statistics = image.entries.len() * entry_size;
    // SAFETY: the statistics area lies right after the entries, inside the block.
    unsafe {
        core::ptr::copy_nonoverlapping(
            image.statistics.as_ptr(),
            block.add(statistics),
            image.statistics.len(),
        )
    };
    for (i, entry) in image.entries.iter().enumerate() {
        // SAFETY: entry `i` spans `entry_size` bytes at `i * entry_size`, inside the block.
        let base = unsafe { block.add(i * entry_size) };
        // SAFETY: as above.
        unsafe { core::ptr::copy_nonoverlapping(entry.bytes.as_ptr(), base, entry_size) };
        for (field, target) in entry.pointers() {
            let offset = match target {
                Target::Entry { entry, offset } => entry * entry_size + offset,
                Target::Statistics { offset } => statistics + offset,
            };
            // SAFETY: `field` is a pointer field's offset inside the entry (8-byte aligned, because the
            // block and the entry size are); `offset` lies inside the block by construction.
            unsafe { base.add(field).cast::<*mut u8>().write(block.add(offset)) };
        }
    }
}

/// `freeifaddrs(ifa)` — frees a list from `getifaddrs` (either library's: both are one block).
///
/// Differences from glibc: none.
///
/// # References
/// - [Linux](https://man7.org/linux/man-pages/man3/freeifaddrs.3.html)
///
/// # Safety
/// `ifa` must be null or a list from `getifaddrs`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn freeifaddrs(ifa: *mut libc::ifaddrs) {
    // SAFETY: `ifa` is NULL or the start of a block from getifaddrs, allocated with malloc.
    unsafe { libc::free(ifa.cast()) };
}
