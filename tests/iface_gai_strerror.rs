//! `gai_strerror` against glibc 2.36: the same text for every code in a wide range.

mod common;

use std::ffi::{c_char, c_int, CStr};

use common::Glibc;

type GaiStrerrorFn = unsafe extern "C" fn(c_int) -> *const c_char;

#[test]
fn every_code_matches_glibc() {
    let glibc = Glibc::open();
    // SAFETY: glibc's own prototype.
    let theirs: GaiStrerrorFn = unsafe { glibc.function(c"gai_strerror") };
    let codes = (-300..=300).chain([i32::MIN, i32::MAX, -1000, 1000]);
    for code in codes {
        // SAFETY: both return static NUL-terminated strings.
        let (expected, got) = unsafe {
            (
                CStr::from_ptr(theirs(code)),
                CStr::from_ptr(netlibc::abi::gai::gai_strerror(code)),
            )
        };
        assert_eq!(got, expected, "gai_strerror({code})");
    }
}
