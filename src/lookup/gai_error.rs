//! The `EAI_*` results of getaddrinfo and getnameinfo.

/// A getaddrinfo / getnameinfo failure; [`GaiError::code`] is the C return value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GaiError {
    BadFlags,
    NoName,
    Again,
    Fail,
    NoData,
    Family,
    SockType,
    Service,
    AddrFamily,
    Memory,
    /// `EAI_SYSTEM`, with the errno to leave behind.
    System(i32),
    Overflow,
    IdnEncode,
}

impl GaiError {
    /// The `EAI_*` value glibc returns for this failure.
    pub fn code(self) -> i32 {
        match self {
            GaiError::BadFlags => -1,
            GaiError::NoName => -2,
            GaiError::Again => -3,
            GaiError::Fail => -4,
            GaiError::NoData => -5,
            GaiError::Family => -6,
            GaiError::SockType => -7,
            GaiError::Service => -8,
            GaiError::AddrFamily => -9,
            GaiError::Memory => -10,
            GaiError::System(_) => -11,
            GaiError::Overflow => -12,
            GaiError::IdnEncode => -105,
        }
    }
}

/// The `EAI_*` name of a getaddrinfo / getnameinfo return value, for trace lines.
pub fn code_name(code: i32) -> &'static str {
    const NAMES: [&str; 12] = [
        "EAI_BADFLAGS",
        "EAI_NONAME",
        "EAI_AGAIN",
        "EAI_FAIL",
        "EAI_NODATA",
        "EAI_FAMILY",
        "EAI_SOCKTYPE",
        "EAI_SERVICE",
        "EAI_ADDRFAMILY",
        "EAI_MEMORY",
        "EAI_SYSTEM",
        "EAI_OVERFLOW",
    ];
    match code {
        -105 => "EAI_IDN_ENCODE",
        -12..=-1 => NAMES[(-code - 1) as usize],
        _ => "?",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_glibcs() {
        assert_eq!(GaiError::BadFlags.code(), -1);
        assert_eq!(GaiError::NoData.code(), -5);
        assert_eq!(GaiError::System(5).code(), -11);
        assert_eq!(GaiError::Overflow.code(), -12);
        assert_eq!(GaiError::IdnEncode.code(), -105);
    }

    #[test]
    fn code_names() {
        assert_eq!(code_name(GaiError::NoName.code()), "EAI_NONAME");
        assert_eq!(code_name(GaiError::Overflow.code()), "EAI_OVERFLOW");
        assert_eq!(code_name(GaiError::IdnEncode.code()), "EAI_IDN_ENCODE");
        assert_eq!(code_name(7), "?");
    }
}
