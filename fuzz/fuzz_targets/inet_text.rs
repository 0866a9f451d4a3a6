//! Fuzz target: any bytes as address text. netlibc's IPv4/IPv6 parsers must give glibc's answer
//! (glibc's own functions, reached through `dlopen("libc.so.6")`, are the oracle): inet_pton for
//! both families, inet_aton, inet_network, and inet_ntop of what was parsed.
#![no_main]

use std::ffi::{c_char, c_int, c_void, CString};
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use netlibc::inet::format::{format_ipv4, format_ipv6};
use netlibc::inet::ipv4::{parse_ipv4_legacy, parse_ipv4_strict, parse_network_number};
use netlibc::inet::ipv6::parse_ipv6;

type Pton = extern "C" fn(c_int, *const c_char, *mut c_void) -> c_int;
type Aton = extern "C" fn(*const c_char, *mut u32) -> c_int;
type Network = extern "C" fn(*const c_char) -> u32;
type Ntop = extern "C" fn(c_int, *const c_void, *mut c_char, u32) -> *const c_char;

struct Glibc {
    pton: Pton,
    aton: Aton,
    network: Network,
    ntop: Ntop,
}

fn glibc() -> &'static Glibc {
    static GLIBC: OnceLock<Glibc> = OnceLock::new();
    GLIBC.get_or_init(|| {
        // SAFETY: libc.so.6 is already loaded; dlsym results are glibc's functions with these C types.
        unsafe {
            let handle = libc::dlopen(c"libc.so.6".as_ptr(), libc::RTLD_NOW);
            assert!(!handle.is_null());
            let symbol = |name: &std::ffi::CStr| {
                let address = libc::dlsym(handle, name.as_ptr());
                assert!(!address.is_null());
                address
            };
            Glibc {
                pton: std::mem::transmute::<*mut c_void, Pton>(symbol(c"inet_pton")),
                aton: std::mem::transmute::<*mut c_void, Aton>(symbol(c"inet_aton")),
                network: std::mem::transmute::<*mut c_void, Network>(symbol(c"inet_network")),
                ntop: std::mem::transmute::<*mut c_void, Ntop>(symbol(c"inet_ntop")),
            }
        }
    })
}

fn glibc_ntop(family: c_int, bytes: &[u8]) -> Vec<u8> {
    let mut out = [0 as c_char; 64];
    let text = (glibc().ntop)(family, bytes.as_ptr().cast(), out.as_mut_ptr(), 64);
    assert!(!text.is_null());
    // SAFETY: glibc wrote a NUL-terminated string into `out`.
    unsafe { std::ffi::CStr::from_ptr(out.as_ptr()) }
        .to_bytes()
        .to_vec()
}

fuzz_target!(|data: &[u8]| {
    // C strings end at the first NUL: both sides see the same text.
    let text = data.split(|&b| b == 0).next().unwrap_or_default();
    let c_text = CString::new(text).unwrap();
    let glibc = glibc();

    let mut v4 = [0u8; 4];
    let glibc_v4 =
        ((glibc.pton)(libc::AF_INET, c_text.as_ptr(), v4.as_mut_ptr().cast()) == 1).then_some(v4);
    assert_eq!(
        parse_ipv4_strict(text),
        glibc_v4,
        "inet_pton(AF_INET, {text:?})"
    );
    if let Some(address) = glibc_v4 {
        assert_eq!(
            format_ipv4(address).as_bytes(),
            glibc_ntop(libc::AF_INET, &address)
        );
    }

    let mut v6 = [0u8; 16];
    let glibc_v6 =
        ((glibc.pton)(libc::AF_INET6, c_text.as_ptr(), v6.as_mut_ptr().cast()) == 1).then_some(v6);
    assert_eq!(parse_ipv6(text), glibc_v6, "inet_pton(AF_INET6, {text:?})");
    if let Some(address) = glibc_v6 {
        assert_eq!(
            format_ipv6(address).as_bytes(),
            glibc_ntop(libc::AF_INET6, &address)
        );
    }
    if data.len() >= 16 {
        // Formatting any 16 bytes (not only parsed ones) must match too.
        let raw: [u8; 16] = data[..16].try_into().unwrap();
        assert_eq!(
            format_ipv6(raw).as_bytes(),
            glibc_ntop(libc::AF_INET6, &raw)
        );
    }

    let mut aton = 0u32;
    let glibc_aton = ((glibc.aton)(c_text.as_ptr(), &mut aton) == 1).then_some(u32::from_be(aton));
    assert_eq!(parse_ipv4_legacy(text), glibc_aton, "inet_aton({text:?})");

    let glibc_network = (glibc.network)(c_text.as_ptr());
    let ours = parse_network_number(text).unwrap_or(u32::MAX);
    assert_eq!(ours, glibc_network, "inet_network({text:?})");
});
