//! The hash of the lookup indexes: keyed per map with a random seed, a few instructions per word.
//!
//! std's default (SipHash-1-3) costs about 150 instructions for one short key, which was a tenth of a
//! `gethostbyname("localhost")`. The keys here are short (a name, an address, a port, a name's FNV
//! digest), so each 8-byte word goes through one folded 64×64→128-bit multiply with the map's seed
//! mixed in (the construction of wyhash and aHash's fallback). The seed comes from std's
//! `RandomState` (the kernel's randomness), so a file written to collide in the low bits of the hash
//! (an ad-blocking hosts list is third-party content) cannot predict the buckets; keys that are
//! really equal are grouped by the indexes themselves, as before.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

const MULTIPLIER: u64 = 0x9e37_79b9_7f4a_7c15;
const FINISH: u64 = 0xa076_1d64_78bd_642f;

/// `a × b` as 128 bits, the two halves XORed: every input bit reaches every output bit.
#[inline(always)]
fn folded_multiply(a: u64, b: u64) -> u64 {
    let product = u128::from(a) * u128::from(b);
    (product as u64) ^ ((product >> 64) as u64)
}

/// A map's hash: its seed.
#[derive(Clone, Copy, Debug)]
pub struct Seeded {
    seed: u64,
}

impl Default for Seeded {
    fn default() -> Seeded {
        Seeded {
            seed: RandomState::new().hash_one(0x006e_6574_6c69_6263_u64),
        }
    }
}

impl BuildHasher for Seeded {
    type Hasher = Mixer;

    #[inline]
    fn build_hasher(&self) -> Mixer {
        Mixer { state: self.seed }
    }
}

/// The hash state of one key.
#[derive(Clone, Copy, Debug)]
pub struct Mixer {
    state: u64,
}

impl Mixer {
    #[inline(always)]
    fn add(&mut self, word: u64) {
        self.state = folded_multiply(self.state ^ word, MULTIPLIER);
    }
}

impl Hasher for Mixer {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            // The length tells "ab" from "ab\0".
            self.add(u64::from_le_bytes(word) ^ ((rest.len() as u64) << 59));
        }
    }

    #[inline]
    fn write_u8(&mut self, value: u8) {
        self.add(u64::from(value));
    }

    #[inline]
    fn write_u16(&mut self, value: u16) {
        self.add(u64::from(value));
    }

    #[inline]
    fn write_u32(&mut self, value: u32) {
        self.add(u64::from(value));
    }

    #[inline]
    fn write_u64(&mut self, value: u64) {
        self.add(value);
    }

    #[inline]
    fn write_usize(&mut self, value: usize) {
        self.add(value as u64);
    }

    #[inline]
    fn write_i32(&mut self, value: i32) {
        self.add(u64::from(value as u32));
    }

    #[inline]
    fn finish(&self) -> u64 {
        folded_multiply(self.state, FINISH)
    }
}

/// A `HashMap` with this hash.
pub type Map<K, V> = std::collections::HashMap<K, V, Seeded>;

/// ASCII upper-case letters of the 8 bytes of `word` turned to lower case, all at once (bytes
/// above 0x7f are left alone).
#[inline(always)]
fn lower_word(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let low7 = word & (0x7f * ONES);
    // Bit 7 of each byte: set from 'A' (0x41) up, and from '[' (0x5b) up; no carry leaves a byte.
    let from_a = low7 + (0x3f * ONES);
    let past_z = low7 + (0x25 * ONES);
    let upper = from_a & !past_z & !word & (0x80 * ONES);
    word | (upper >> 2)
}

/// The 8-byte words of `bytes` in lower case (the last one padded with zeros), with their lengths.
#[inline]
pub fn lower_words(bytes: &[u8]) -> impl Iterator<Item = (u64, usize)> + '_ {
    bytes.chunks(8).map(|chunk| {
        let mut word = [0u8; 8];
        word[..chunk.len()].copy_from_slice(chunk);
        (lower_word(u64::from_le_bytes(word)), chunk.len())
    })
}

/// A hash of `bytes` without ASCII case, unkeyed (for keys that a keyed map then hashes again):
/// one multiply per 8 bytes.
pub fn folded_case_hash(bytes: &[u8]) -> u64 {
    let mut state = bytes.len() as u64;
    for (word, _) in lower_words(bytes) {
        state = folded_multiply(state ^ word, MULTIPLIER);
    }
    folded_multiply(state, FINISH)
}

/// Whether two names are the same, ASCII case ignored (the usual case, both spelled alike, is one
/// comparison of the bytes).
#[inline]
pub fn same_name(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && (a == b || a.eq_ignore_ascii_case(b))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn case_is_folded_for_ascii_letters_only() {
        for byte in 0..=255u8 {
            let word = u64::from_le_bytes([byte; 8]);
            let expected = u64::from_le_bytes([byte.to_ascii_lowercase(); 8]);
            assert_eq!(lower_word(word), expected, "byte {byte:#x}");
        }
        let mixed = b"LocalHost.EXAMPLE\xc3\x89@[`{";
        let lower = mixed.to_ascii_lowercase();
        assert_eq!(folded_case_hash(mixed), folded_case_hash(&lower));
        assert_ne!(folded_case_hash(b"ab"), folded_case_hash(b"ab\0"));
        assert!(same_name(b"LocalHost", b"localhost"));
        assert!(!same_name(b"localhost", b"localhos"));
    }

    #[test]
    fn keys_spread_and_equal_keys_agree() {
        let hasher = Seeded::default();
        let hash = |key: &[u8]| hasher.hash_one(key);
        assert_eq!(hash(b"localhost"), hash(b"localhost"));
        assert_ne!(hash(b"ab"), hash(b"ab\0"));
        assert_ne!(hash(b""), hash(b"\0"));
        // Sequential numbers (ports, addresses) land in distinct low bits.
        let low: HashSet<u64> = (0u32..4096)
            .map(|n| hasher.hash_one(n.to_be_bytes()) & 0xfff)
            .collect();
        assert!(low.len() > 2400, "{} distinct of 4096", low.len());
        // Another map, another seed.
        assert_ne!(
            Seeded::default().hash_one(b"localhost"),
            Seeded::default().hash_one(b"localhost")
        );
        let mut map: Map<Box<[u8]>, u32> = Map::default();
        map.insert(b"tcpmux"[..].into(), 1);
        assert_eq!(map.get(&b"tcpmux"[..]), Some(&1));
    }
}
