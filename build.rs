//! Build script: gives the shared library its SONAME and regenerates `include/netlibc.h` with cbindgen.

use std::path::Path;

/// glibc turns these into macros at `-O2`; the header declares them as `(name)(…)` so that the
/// declaration survives the macro and is still checked against glibc's prototype.
const MACRO_SHADOWED: &[&str] = &["htonl", "htons", "ntohl", "ntohs"];

fn main() {
    println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libnetlibc.so.0");
    println!("cargo:rerun-if-changed=src/abi");
    println!("cargo:rerun-if-changed=cbindgen.toml");
    println!("cargo:rerun-if-changed=build.rs");

    let crate_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let config = cbindgen::Config::from_file(Path::new(&crate_dir).join("cbindgen.toml"))
        .expect("cbindgen.toml is valid");
    let bindings = cbindgen::Builder::new()
        .with_crate(&crate_dir)
        .with_config(config)
        .generate()
        .expect("cbindgen could not read src/abi");
    let mut text = Vec::new();
    bindings.write(&mut text);
    let text = protect_from_macros(&String::from_utf8(text).expect("cbindgen writes UTF-8"));

    let header = Path::new(&crate_dir).join("include/netlibc.h");
    if std::fs::read_to_string(&header).ok().as_deref() != Some(text.as_str()) {
        std::fs::create_dir_all(header.parent().expect("include/ has a parent"))
            .expect("include/ can be created");
        std::fs::write(&header, text).expect("include/netlibc.h can be written");
    }
}

/// Rewrites ` name(` as ` (name)(` for the functions glibc may define as macros.
fn protect_from_macros(header: &str) -> String {
    let mut out = header.to_string();
    for name in MACRO_SHADOWED {
        out = out.replace(&format!(" {name}("), &format!(" ({name})("));
    }
    out
}
