//! The ASCII form of an international domain name, as browsers send it in `Origin`, without the
//! Unicode tables of IDNA (UTS #46): only for the letters whose mapping needs none.
//!
//! A browser maps each character of a host (uppercase to lowercase, and much else), normalizes
//! the result (NFC), and writes each label that is not ASCII as `xn--` and its punycode
//! (RFC 3492). For the letters listed in [`known_letter`], the mapping is the lowercase form
//! `char::to_lowercase` gives, and NFC leaves them as they are: they are precomposed, and none of
//! them combines with a letter before it. That covers Latin with the accents of Western and
//! Central Europe, the Greek and Russian alphabets, Chinese, Japanese kana and Korean, without
//! the Unicode tables a complete conversion compiles. A host with any other
//! non-ASCII character is [`Idn::Unknown`]: its error asks for the `xn--` form instead of
//! writing it. The conversions are checked against the `idna` crate, character by character.
//!
//! The rules are the strict ones (UTS #46 with `CheckHyphens`, `UseSTD3ASCIIRules` and
//! `VerifyDnsLength`), which the errors have always used: a name that breaks them is
//! [`Idn::Invalid`]. One exception: a trailing dot (the root) is kept, as browsers keep it in
//! `Origin` and as ASCII hosts keep it here, where the strict length check refuses it.

/// What this module can say of a host that is not all ASCII.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Idn {
    /// The host as browsers send it.
    Ascii(String),
    /// Not a valid domain name under the strict rules.
    Invalid,
    /// A character this module has no table for.
    Unknown,
}

/// The longest label and the longest name, in ASCII, without the root's trailing dot.
const MAX_LABEL: usize = 63;
const MAX_NAME: usize = 253;

/// The ASCII form of `host`, a domain name with a non-ASCII character in it.
pub(crate) fn to_ascii(host: &str) -> Idn {
    let mut mapped = String::with_capacity(host.len());
    let mut invalid = false;
    for c in host.chars() {
        match map(c) {
            Mapped::To(c) => mapped.push(c),
            Mapped::Disallowed => invalid = true,
            // An unknown character may map to a dot, or to nothing: the labels are unknown too.
            Mapped::Unknown => return Idn::Unknown,
        }
    }
    let name = mapped.strip_suffix('.').unwrap_or(&mapped);
    let mut ascii = String::with_capacity(host.len() * 2);
    for label in name.split('.') {
        // A label already in punycode is decoded and checked by browsers: not here.
        if label.starts_with("xn--") {
            return Idn::Unknown;
        }
        invalid |= label.is_empty()
            || label.starts_with('-')
            || label.ends_with('-')
            || label.chars().skip(2).take(2).eq("--".chars())
            || label.chars().count() > MAX_LABEL;
        if invalid {
            continue;
        }
        if !ascii.is_empty() {
            ascii.push('.');
        }
        let start = ascii.len();
        if label.is_ascii() {
            ascii.push_str(label);
        } else {
            ascii.push_str("xn--");
            punycode(label, &mut ascii);
        }
        invalid |= ascii.len() - start > MAX_LABEL;
    }
    if invalid || ascii.len() > MAX_NAME {
        return Idn::Invalid;
    }
    if name.len() < mapped.len() {
        ascii.push('.');
    }
    Idn::Ascii(ascii)
}

enum Mapped {
    To(char),
    /// Not allowed in a domain name (an ASCII character other than a letter, digit, `-`, `.`).
    Disallowed,
    Unknown,
}

fn map(c: char) -> Mapped {
    if c.is_ascii() {
        return match c {
            'a'..='z' | '0'..='9' | '-' | '.' => Mapped::To(c),
            'A'..='Z' => Mapped::To(c.to_ascii_lowercase()),
            _ => Mapped::Disallowed,
        };
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) if known_letter(l) => Mapped::To(l),
        _ => Mapped::Unknown,
    }
}

/// The lowercase letters whose IDNA mapping is themselves, whose uppercase forms map to them as
/// `char::to_lowercase` does, and which NFC leaves alone wherever they stand.
fn known_letter(c: char) -> bool {
    match c {
        // Latin-1: ß, à to ÿ, without ÷.
        'ß'..='ÿ' => c != '÷',
        // Latin Extended-A, without the letters IDNA maps to two (ĳ, ŀ, ŉ) or to another (ſ),
        // and `i̇`, the lowercase of İ, which is two characters.
        'ā'..='ž' => c.is_lowercase() && !matches!(c, 'ĳ' | 'ŀ' | 'ŉ' | 'ſ'),
        // Greek: the lowercase letters with and without tonos, final sigma among them; Russian
        // and the other letters of the basic Cyrillic block; Hiragana, Katakana (with the
        // prolonged sound mark), Chinese, Hangul syllables.
        _ => matches!(
            c,
            'ά'..='ώ' | 'а'..='џ' | 'ぁ'..='ゖ' | 'ァ'..='ヺ' | 'ー' | '一'..='鿿' | '가'..='힣'
        ),
    }
}

/// Appends the punycode (RFC 3492) of `label`.
fn punycode(label: &str, out: &mut String) {
    const BASE: u32 = 36;
    const T_MIN: u32 = 1;
    const T_MAX: u32 = 26;
    let code_points: Vec<u32> = label.chars().map(u32::from).collect();
    let basic: u32 = code_points.iter().map(|&c| u32::from(c < 0x80)).sum();
    out.extend(label.chars().filter(char::is_ascii));
    if basic > 0 {
        out.push('-');
    }
    // The label is at most 63 characters, so `delta` stays far below `u32::MAX`.
    let (mut n, mut delta, mut bias, mut handled) = (0x80, 0, 72, basic);
    while let Some(next) = code_points.iter().copied().filter(|&c| c >= n).min() {
        delta += (next - n) * (handled + 1);
        n = next;
        for &c in &code_points {
            if c < n {
                delta += 1;
            }
            if c != n {
                continue;
            }
            let mut q = delta;
            let mut k = BASE;
            loop {
                let t = k.saturating_sub(bias).clamp(T_MIN, T_MAX);
                if q < t {
                    break;
                }
                out.push(digit(t + (q - t) % (BASE - t)));
                q = (q - t) / (BASE - t);
                k += BASE;
            }
            out.push(digit(q));
            handled += 1;
            bias = adapt(delta, handled, handled == basic + 1);
            delta = 0;
        }
        delta += 1;
        n += 1;
    }
}

fn adapt(delta: u32, points: u32, first: bool) -> u32 {
    let mut delta = if first { delta / 700 } else { delta / 2 };
    delta += delta / points;
    let mut k = 0;
    while delta > (36 - 1) * 26 / 2 {
        delta /= 36 - 1;
        k += 36;
    }
    k + 36 * delta / (delta + 38)
}

fn digit(d: u32) -> char {
    let d = u8::try_from(d).unwrap_or_default();
    char::from(if d < 26 { b'a' + d } else { b'0' + d - 26 })
}

#[cfg(test)]
mod tests {
    use super::{Idn, to_ascii};

    #[test]
    fn writes_the_names_browsers_send() {
        for (host, ascii) in [
            ("bücher.de", "xn--bcher-kva.de"),
            ("Bücher.DE", "xn--bcher-kva.de"),
            ("münchen.de.", "xn--mnchen-3ya.de."),
            ("straße.de", "xn--strae-oqa.de"),
            ("пример.рф", "xn--e1afmkfd.xn--p1ai"),
            ("例え.テスト", "xn--r8jz45g.xn--zckzah"),
            ("한국.kr", "xn--3e0b707e.kr"),
            ("ελληνικά.gr", "xn--hxargifdar.gr"),
        ] {
            assert_eq!(to_ascii(host), Idn::Ascii(ascii.into()), "{host}");
        }
    }

    #[test]
    fn refuses_what_the_strict_rules_refuse() {
        for host in [
            "bü_cher.de",
            "-bücher.de",
            "bücher-.de",
            "bü--cher.de",
            "bücher..de",
            &format!("{}.de", "ü".repeat(64)),
            &format!("{}.ü", "a.".repeat(126)),
        ] {
            assert_eq!(to_ascii(host), Idn::Invalid, "{host}");
        }
    }

    #[test]
    fn leaves_to_the_user_what_needs_the_tables() {
        // A combining mark, a character IDNA maps to two, an Arabic name, a label already in
        // punycode, and the ideographic full stop, which IDNA maps to a dot.
        for host in [
            "bu\u{308}cher.de",
            "ĳs.nl",
            "مثال.eg",
            "xn--bcher-kva.dü",
            "例え。jp",
        ] {
            assert_eq!(to_ascii(host), Idn::Unknown, "{host}");
        }
    }

    /// Every character of the Basic Multilingual Plane, in three places in a name, against
    /// the `idna` crate: a name this module converts is the name `idna` gives, and a name it
    /// calls invalid is one `idna` refuses.
    #[test]
    fn agrees_with_the_idna_tables_on_every_character() {
        let mut converted = 0;
        for c in (0..=0xFFFF)
            .filter_map(char::from_u32)
            .filter(|c| !c.is_ascii())
        {
            for host in [
                format!("{c}.de"),
                format!("a{c}b.example"),
                format!("x{c}{c}-y.{c}"),
            ] {
                match to_ascii(&host) {
                    Idn::Ascii(ascii) => {
                        converted += 1;
                        assert_eq!(
                            idna::domain_to_ascii_strict(&host).ok(),
                            Some(ascii),
                            "{c:?}"
                        );
                    }
                    Idn::Invalid => {
                        assert!(idna::domain_to_ascii_strict(&host).is_err(), "{host}");
                    }
                    Idn::Unknown => {}
                }
            }
        }
        // Chinese, Hangul, kana, Latin, Greek and Cyrillic: about 33 000 letters, in three names.
        assert!(converted > 95_000, "{converted} names converted");
    }

    /// Names of random labels drawn from ASCII, the letters this module knows and a few
    /// characters it refuses, against the `idna` crate.
    #[test]
    fn agrees_with_the_idna_tables_on_random_names() {
        const ALPHABET: &[char] = &[
            'a', 'z', 'Q', '0', '9', '-', '-', '.', '_', 'ü', 'Ü', 'ß', 'ÿ', 'ő', 'Ő', 'ı', 'ς',
            'Σ', 'ά', 'я', 'Ж', 'ぁ', 'ヺ', 'ー', '一', '鿿', '가', '힣',
        ];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut next = |bound: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            usize::try_from(state % bound as u64).unwrap_or_default()
        };
        let (mut converted, mut invalid) = (0, 0);
        for _ in 0..20_000 {
            let length = 1 + next(24);
            let mut host: String = (0..length)
                .map(|_| ALPHABET[next(ALPHABET.len())])
                .collect();
            host.push('ü');
            if next(4) == 0 {
                host.push('.');
            }
            // The strict rules refuse the root's dot, which browsers and this module keep.
            let expected = match host.strip_suffix('.') {
                Some(name) => idna::domain_to_ascii_strict(name).ok().map(|a| a + "."),
                None => idna::domain_to_ascii_strict(&host).ok(),
            };
            match to_ascii(&host) {
                Idn::Ascii(ascii) => {
                    converted += 1;
                    assert_eq!(expected, Some(ascii), "{host}");
                }
                Idn::Invalid => {
                    invalid += 1;
                    assert_eq!(expected, None, "{host}");
                }
                Idn::Unknown => panic!("{host}: every character is known"),
            }
        }
        assert!(
            converted > 5_000 && invalid > 5_000,
            "{converted} converted, {invalid} invalid"
        );
    }
}
