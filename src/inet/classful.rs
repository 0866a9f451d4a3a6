//! Class A/B/C network arithmetic (RFC 791's address classes, obsolete since CIDR but still what
//! `inet_makeaddr`, `inet_lnaof` and `inet_netof` compute). Values are in host byte order.

const CLASS_A_HOST: u32 = 0x00ff_ffff;
const CLASS_B_HOST: u32 = 0x0000_ffff;
const CLASS_C_HOST: u32 = 0x0000_00ff;

/// The class of an address, from its leading bits: 0 → A, 10 → B, anything else is treated as C
/// (glibc does not single out classes D and E here).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    A,
    B,
    C,
}

fn class_of(address: u32) -> Class {
    if address & 0x8000_0000 == 0 {
        Class::A
    } else if address & 0xc000_0000 == 0x8000_0000 {
        Class::B
    } else {
        Class::C
    }
}

/// Joins a network number and a host number (`inet_makeaddr`). The network's size picks the class:
/// below 128 is class A, below 65536 class B, below 2^24 class C; a larger network is OR-ed with the
/// host as is.
pub fn make_address(network: u32, host: u32) -> u32 {
    if network < 128 {
        (network << 24) | (host & CLASS_A_HOST)
    } else if network < 65536 {
        (network << 16) | (host & CLASS_B_HOST)
    } else if network < 16_777_216 {
        (network << 8) | (host & CLASS_C_HOST)
    } else {
        network | host
    }
}

/// The host part of an address under its class (`inet_lnaof`).
pub fn host_part(address: u32) -> u32 {
    match class_of(address) {
        Class::A => address & CLASS_A_HOST,
        Class::B => address & CLASS_B_HOST,
        Class::C => address & CLASS_C_HOST,
    }
}

/// The network part of an address under its class, shifted down (`inet_netof`).
pub fn network_part(address: u32) -> u32 {
    match class_of(address) {
        Class::A => address >> 24,
        Class::B => address >> 16,
        Class::C => address >> 8,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn make_address_picks_the_class_from_the_network_size() {
        assert_eq!(make_address(10, 0x0102_0304), 0x0a02_0304);
        assert_eq!(make_address(127, 1), 0x7f00_0001);
        assert_eq!(make_address(128, 0xffff_ffff), 0x0080_ffff);
        assert_eq!(make_address(0xac10, 0x0102_0304), 0xac10_0304);
        assert_eq!(make_address(0xc0a801, 0x0102_0304), 0xc0a8_0104);
        assert_eq!(make_address(0x0100_0000, 0x0102_0304), 0x0102_0304);
    }

    #[test]
    fn parts_follow_the_leading_bits() {
        assert_eq!(
            (network_part(0x0a01_0203), host_part(0x0a01_0203)),
            (0x0a, 0x01_0203)
        );
        assert_eq!(
            (network_part(0xac10_0203), host_part(0xac10_0203)),
            (0xac10, 0x0203)
        );
        assert_eq!(
            (network_part(0xc0a8_0102), host_part(0xc0a8_0102)),
            (0xc0_a801, 0x02)
        );
        assert_eq!(
            (network_part(0xe000_0001), host_part(0xe000_0001)),
            (0xe0_0000, 0x01)
        );
    }

    #[test]
    fn parts_rebuild_the_address() {
        for address in [
            0u32,
            1,
            0x7fff_ffff,
            0x8000_0000,
            0xbfff_ffff,
            0xc000_0000,
            0xffff_ffff,
        ] {
            assert_eq!(
                make_address(network_part(address), host_part(address)),
                address,
                "{address:#x}"
            );
        }
    }
}
