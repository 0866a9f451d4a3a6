//! getaddrinfo's error codes (`EAI_*`) and glibc 2.36's messages for them.

use core::ffi::CStr;

/// `gai_strerror`'s text for `code`, as glibc 2.36 words it (untranslated). Codes without a message,
/// including `EAI_OVERFLOW` (a 2.38 addition) and 0, are "Unknown error".
pub fn gai_error_message(code: i32) -> &'static CStr {
    match code {
        -1 => c"Bad value for ai_flags",                     // EAI_BADFLAGS
        -2 => c"Name or service not known",                  // EAI_NONAME
        -3 => c"Temporary failure in name resolution",       // EAI_AGAIN
        -4 => c"Non-recoverable failure in name resolution", // EAI_FAIL
        -5 => c"No address associated with hostname",        // EAI_NODATA
        -6 => c"ai_family not supported",                    // EAI_FAMILY
        -7 => c"ai_socktype not supported",                  // EAI_SOCKTYPE
        -8 => c"Servname not supported for ai_socktype",     // EAI_SERVICE
        -9 => c"Address family for hostname not supported",  // EAI_ADDRFAMILY
        -10 => c"Memory allocation failure",                 // EAI_MEMORY
        -11 => c"System error",                              // EAI_SYSTEM
        -100 => c"Processing request in progress",           // EAI_INPROGRESS
        -101 => c"Request canceled",                         // EAI_CANCELED
        -102 => c"Request not canceled",                     // EAI_NOTCANCELED
        -103 => c"All requests done",                        // EAI_ALLDONE
        -104 => c"Interrupted by a signal",                  // EAI_INTR
        -105 => c"Parameter string not correctly encoded",   // EAI_IDN_ENCODE
        _ => c"Unknown error",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_and_unknown_codes() {
        assert_eq!(gai_error_message(-2), c"Name or service not known");
        assert_eq!(
            gai_error_message(-105),
            c"Parameter string not correctly encoded"
        );
        for unknown in [0, 1, -12, -13, -99, -106, i32::MIN, i32::MAX] {
            assert_eq!(
                gai_error_message(unknown),
                c"Unknown error",
                "code {unknown}"
            );
        }
    }
}
