//! The IDNA conversions of `AI_IDN`, `AI_CANONIDN` and `NI_IDN`: RFC 3492 punycode, and the part of
//! the UTS #46 mapping that matters for host names typed in a UTF-8 locale (lowercasing).
//!
//! glibc hands these names to libidn2 in the locale's encoding; in a locale that is not UTF-8 a
//! non-ASCII name cannot be converted and the call fails with `EAI_IDN_ENCODE`, which the caller
//! reproduces by passing `utf8_locale = false`.

use super::gai_error::GaiError;

const BASE: u32 = 36;
const T_MIN: u32 = 1;
const T_MAX: u32 = 26;
const SKEW: u32 = 38;
const DAMP: u32 = 700;
const INITIAL_BIAS: u32 = 72;
const INITIAL_N: u32 = 128;
const ACE_PREFIX: &str = "xn--";

fn adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / DAMP } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

fn threshold(k: u32, bias: u32) -> u32 {
    k.saturating_sub(bias).clamp(T_MIN, T_MAX)
}

fn digit_char(digit: u32) -> char {
    let byte = if digit < 26 {
        b'a' + digit as u8
    } else {
        b'0' + (digit - 26) as u8
    };
    byte as char
}

fn char_digit(c: char) -> Option<u32> {
    match c {
        'a'..='z' => Some(c as u32 - 'a' as u32),
        'A'..='Z' => Some(c as u32 - 'A' as u32),
        '0'..='9' => Some(c as u32 - '0' as u32 + 26),
        _ => None,
    }
}

/// RFC 3492 encoding of one label (without the `xn--` prefix). `None` on arithmetic overflow.
pub fn punycode_encode(input: &[char]) -> Option<String> {
    let mut output: String = input.iter().filter(|c| c.is_ascii()).collect();
    let basic = output.len() as u32;
    if basic > 0 {
        output.push('-');
    }
    let (mut n, mut delta, mut bias, mut handled) = (INITIAL_N, 0u32, INITIAL_BIAS, basic);
    while (handled as usize) < input.len() {
        let next = input.iter().map(|&c| c as u32).filter(|&c| c >= n).min()?;
        delta = delta.checked_add((next - n).checked_mul(handled + 1)?)?;
        n = next;
        for &c in input {
            let c = c as u32;
            if c < n {
                delta = delta.checked_add(1)?;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = threshold(k, bias);
                    if q < t {
                        break;
                    }
                    output.push(digit_char(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                output.push(digit_char(q));
                bias = adapt(delta, handled + 1, handled == basic);
                delta = 0;
                handled += 1;
            }
        }
        delta = delta.checked_add(1)?;
        n = n.checked_add(1)?;
    }
    Some(output)
}

/// RFC 3492 decoding of one label (without the `xn--` prefix). `None` for invalid input.
pub fn punycode_decode(input: &str) -> Option<String> {
    let (basic, encoded) = match input.rfind('-') {
        Some(at) => (&input[..at], &input[at + 1..]),
        None => ("", input),
    };
    if !basic.is_ascii() {
        return None;
    }
    let mut output: Vec<char> = basic.chars().collect();
    let (mut n, mut i, mut bias) = (INITIAL_N, 0u32, INITIAL_BIAS);
    let mut digits = encoded.chars();
    while digits.as_str().chars().next().is_some() {
        let old_i = i;
        let mut weight = 1u32;
        let mut k = BASE;
        loop {
            let digit = char_digit(digits.next()?)?;
            i = i.checked_add(digit.checked_mul(weight)?)?;
            let t = threshold(k, bias);
            if digit < t {
                break;
            }
            weight = weight.checked_mul(BASE - t)?;
            k += BASE;
        }
        let length = output.len() as u32 + 1;
        bias = adapt(i - old_i, length, old_i == 0);
        n = n.checked_add(i / length)?;
        i %= length;
        output.insert(i as usize, char::from_u32(n)?);
        i += 1;
    }
    Some(output.into_iter().collect())
}

/// `__idna_to_dns_encoding`: an ASCII name is used as it is; otherwise each label is lowercased and
/// non-ASCII labels become `xn--` punycode.
pub fn to_dns_encoding(name: &[u8], utf8_locale: bool) -> Result<Vec<u8>, GaiError> {
    if name.is_ascii() {
        return Ok(name.to_vec());
    }
    let text = std::str::from_utf8(name)
        .ok()
        .filter(|_| utf8_locale)
        .ok_or(GaiError::IdnEncode)?;
    let mut labels = Vec::new();
    for label in text.split('.') {
        let mapped: Vec<char> = label.chars().flat_map(char::to_lowercase).collect();
        if mapped
            .iter()
            .any(|&c| !(c.is_alphanumeric() || c == '-' || c == '_'))
        {
            return Err(GaiError::IdnEncode);
        }
        if mapped.iter().all(char::is_ascii) {
            labels.push(mapped.into_iter().collect::<String>());
        } else {
            labels.push(format!(
                "{ACE_PREFIX}{}",
                punycode_encode(&mapped).ok_or(GaiError::IdnEncode)?
            ));
        }
    }
    Ok(labels.join(".").into_bytes())
}

/// `__idna_from_dns_encoding`: `xn--` labels decoded. A result that is not ASCII needs a UTF-8
/// locale (`EAI_IDN_ENCODE` otherwise).
pub fn from_dns_encoding(name: &[u8], utf8_locale: bool) -> Result<Vec<u8>, GaiError> {
    let text = std::str::from_utf8(name).map_err(|_| GaiError::IdnEncode)?;
    let mut labels = Vec::new();
    for label in text.split('.') {
        let decoded = match label.get(..4) {
            Some(prefix) if prefix.eq_ignore_ascii_case(ACE_PREFIX) => {
                punycode_decode(&label[4..]).ok_or(GaiError::IdnEncode)?
            }
            _ => label.to_string(),
        };
        labels.push(decoded);
    }
    let joined = labels.join(".");
    if !joined.is_ascii() && !utf8_locale {
        return Err(GaiError::IdnEncode);
    }
    Ok(joined.into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 3492 section 7.1 samples, and well-known IDNs.
    const SAMPLES: [(&str, &str); 5] = [
        ("bücher", "bcher-kva"),
        ("münchen", "mnchen-3ya"),
        ("他们为什么不说中文", "ihqwcrb4cv8a8dqg056pqjye"),
        (
            "почемужеонинеговорятпорусски",
            "b1abfaaepdrnnbgefbadotcwatmq2g4l",
        ),
        ("3年b組金八先生", "3b-ww4c5e180e575a65lsy2b"),
    ];

    #[test]
    fn punycode_round_trips_rfc_samples() {
        for (unicode, ace) in SAMPLES {
            let chars: Vec<char> = unicode.chars().collect();
            assert_eq!(punycode_encode(&chars).as_deref(), Some(ace), "{unicode}");
            assert_eq!(punycode_decode(ace).as_deref(), Some(unicode), "{ace}");
        }
    }

    #[test]
    fn dns_encoding_maps_and_encodes_labels() {
        assert_eq!(
            to_dns_encoding("Bücher.Test".as_bytes(), true),
            Ok(b"xn--bcher-kva.test".to_vec())
        );
        assert_eq!(
            to_dns_encoding(b"Plain.Test", true),
            Ok(b"Plain.Test".to_vec())
        );
        assert_eq!(
            to_dns_encoding("bücher.test".as_bytes(), false),
            Err(GaiError::IdnEncode)
        );
        assert_eq!(
            to_dns_encoding("a☃b.test".as_bytes(), true),
            Err(GaiError::IdnEncode)
        );
        assert_eq!(
            to_dns_encoding(b"\xff.test", true),
            Err(GaiError::IdnEncode)
        );
    }

    #[test]
    fn dns_decoding_needs_utf8_for_non_ascii() {
        assert_eq!(
            from_dns_encoding(b"xn--bcher-kva.test", true),
            Ok("bücher.test".as_bytes().to_vec())
        );
        assert_eq!(
            from_dns_encoding(b"xn--bcher-kva.test", false),
            Err(GaiError::IdnEncode)
        );
        assert_eq!(
            from_dns_encoding(b"plain.test", false),
            Ok(b"plain.test".to_vec())
        );
        assert_eq!(
            from_dns_encoding(b"xn--!.test", true),
            Err(GaiError::IdnEncode)
        );
    }
}
