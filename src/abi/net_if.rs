//! `<net/if.h>`: interface names and indexes.

use core::ffi::{c_char, c_uint, CStr};

use crate::interfaces::names;
use crate::sys::{set_errno, Errno};
use crate::trace::{self, Quoted};

/// `if_nametoindex(ifname)` — the index of the interface called `ifname`, or 0 (errno set).
///
/// Differences from glibc: a null `ifname` returns 0 with errno `ENODEV` (glibc crashes).
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/if_nametoindex.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/if_nametoindex.3.html)
///
/// # Safety
/// `ifname` must be null or point to a NUL-terminated string.
#[no_mangle]
pub unsafe extern "C" fn if_nametoindex(ifname: *const c_char) -> c_uint {
    if ifname.is_null() {
        // glibc crashes here (strlen); no interface has no name.
        set_errno(Errno(libc::ENODEV));
        return 0;
    }
    let timer = trace::start();
    // SAFETY: `ifname` is non-null and, per the contract, a NUL-terminated string.
    let name = unsafe { CStr::from_ptr(ifname) }.to_bytes();
    let result = names::name_to_index(name);
    if let Some(timer) = timer {
        let shown = Quoted(Some(name));
        match result {
            Ok(index) => trace::emit(timer, format_args!("if_nametoindex({shown}) = {index}")),
            Err(e) => trace::emit(
                timer,
                format_args!("if_nametoindex({shown}) = 0, errno {}", e.0),
            ),
        }
    }
    result.unwrap_or_else(|errno| {
        set_errno(errno);
        0
    })
}

/// `if_indextoname(ifindex, ifname)` — writes the name of interface `ifindex` into `ifname`.
///
/// `ifname` must hold `IF_NAMESIZE` bytes; returns it, or NULL with errno `ENXIO` for an unknown index.
///
/// Differences from glibc: a null `ifname` with a known index returns NULL with errno `EINVAL` (glibc
/// crashes).
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/if_indextoname.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/if_indextoname.3.html)
///
/// # Safety
/// `ifname` must be null or point to `IF_NAMESIZE` writable bytes.
///
/// cbindgen:ptrs-as-arrays=[[ifname;IF_NAMESIZE]]
#[no_mangle]
pub unsafe extern "C" fn if_indextoname(ifindex: c_uint, ifname: *mut c_char) -> *mut c_char {
    let timer = trace::start();
    let result = names::index_to_name(ifindex);
    if let Some(timer) = timer {
        match &result {
            Ok(name) => {
                let shown = Quoted(Some(name.split(|&b| b == 0).next().unwrap_or(&[])));
                trace::emit(timer, format_args!("if_indextoname({ifindex}) = {shown}"));
            }
            Err(e) => trace::emit(
                timer,
                format_args!("if_indextoname({ifindex}) = NULL, errno {}", e.0),
            ),
        }
    }
    match result {
        // glibc crashes copying a found name into a null buffer.
        Ok(_) if ifname.is_null() => {
            set_errno(Errno(libc::EINVAL));
            core::ptr::null_mut()
        }
        Ok(name) => {
            // SAFETY: the caller provides IF_NAMESIZE writable bytes; glibc's strncpy writes all 16.
            unsafe {
                core::ptr::copy_nonoverlapping(name.as_ptr().cast(), ifname, names::NAME_SIZE)
            };
            ifname
        }
        Err(errno) => {
            set_errno(errno);
            core::ptr::null_mut()
        }
    }
}

/// `if_nameindex()` — lists every interface's index and name.
///
/// The list ends with an entry of 0 and NULL; free it with `if_freenameindex`. The array and each name are separate `malloc` blocks, as in glibc, so either
/// library's `if_freenameindex` frees it.
///
/// Differences from glibc: none.
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/if_nameindex.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/if_nameindex.3.html)
#[no_mangle]
pub extern "C" fn if_nameindex() -> *mut libc::if_nameindex {
    let timer = trace::start();
    let result = names::name_index_list();
    if let Some(timer) = timer {
        match &result {
            Ok(list) => trace::emit(
                timer,
                format_args!("if_nameindex() = {} interfaces", list.len()),
            ),
            Err(e) => trace::emit(timer, format_args!("if_nameindex() = NULL, errno {}", e.0)),
        }
    }
    let list = match result {
        Ok(list) => list,
        Err(errno) => {
            set_errno(errno);
            return core::ptr::null_mut();
        }
    };
    let size = (list.len() + 1) * core::mem::size_of::<libc::if_nameindex>();
    // SAFETY: malloc of a non-zero size, checked for NULL.
    let array = unsafe { libc::malloc(size) } as *mut libc::if_nameindex;
    if array.is_null() {
        set_errno(Errno(libc::ENOBUFS));
        return array;
    }
    for (i, (index, name)) in list.iter().enumerate() {
        let copy = name.as_deref().map_or(Ok(core::ptr::null_mut()), c_string);
        let Ok(copy) = copy else {
            // SAFETY: the first `i` entries are filled; this terminates the array for freeing.
            unsafe {
                array.add(i).write(libc::if_nameindex {
                    if_index: 0,
                    if_name: core::ptr::null_mut(),
                })
            };
            // SAFETY: `array` is a terminated list built here.
            unsafe { if_freenameindex(array) };
            set_errno(Errno(libc::ENOBUFS));
            return core::ptr::null_mut();
        };
        // SAFETY: entry `i` lies inside the array of `list.len() + 1` entries.
        unsafe {
            array.add(i).write(libc::if_nameindex {
                if_index: *index,
                if_name: copy,
            })
        };
    }
    // SAFETY: the last entry of the array.
    unsafe {
        array.add(list.len()).write(libc::if_nameindex {
            if_index: 0,
            if_name: core::ptr::null_mut(),
        })
    };
    array
}

/// A malloc'ed NUL-terminated copy of `bytes` (which hold no NUL).
fn c_string(bytes: &[u8]) -> Result<*mut c_char, ()> {
    // SAFETY: malloc of a non-zero size, checked for NULL.
    let copy = unsafe { libc::malloc(bytes.len() + 1) } as *mut u8;
    if copy.is_null() {
        return Err(());
    }
    // SAFETY: `copy` holds `bytes.len() + 1` bytes.
    unsafe {
        core::ptr::copy_nonoverlapping(bytes.as_ptr(), copy, bytes.len());
        copy.add(bytes.len()).write(0);
    }
    Ok(copy.cast())
}

/// `if_freenameindex(ptr)` — frees a list from `if_nameindex`: each name, then the array.
///
/// Differences from glibc: a null `ptr` is ignored (glibc crashes).
///
/// # References
/// - [POSIX](https://pubs.opengroup.org/onlinepubs/9799919799/functions/if_freenameindex.html)
/// - [Linux](https://man7.org/linux/man-pages/man3/if_freenameindex.3.html)
///
/// # Safety
/// `ptr` must be null or a list from `if_nameindex`, not yet freed.
#[no_mangle]
pub unsafe extern "C" fn if_freenameindex(ptr: *mut libc::if_nameindex) {
    if ptr.is_null() {
        // glibc crashes here; there is nothing to free.
        return;
    }
    let mut entry = ptr;
    loop {
        // SAFETY: `ptr` is a list from if_nameindex, terminated by an entry of 0 and NULL.
        let current = unsafe { &*entry };
        if current.if_name.is_null() && current.if_index == 0 {
            break;
        }
        // SAFETY: each name is NULL or a malloc'ed string owned by the list.
        unsafe { libc::free(current.if_name.cast()) };
        // SAFETY: the terminator has not been reached, so the next entry exists.
        entry = unsafe { entry.add(1) };
    }
    // SAFETY: the array itself was malloc'ed.
    unsafe { libc::free(ptr.cast()) };
}
