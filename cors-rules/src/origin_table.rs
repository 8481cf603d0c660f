//! The tables a list of origin patterns is looked up in, and the lookup itself, on bytes.
//!
//! One definition for both sides: the macro lays the tables out at compile time and writes them
//! as statics, `cors-runtime` lays them out at startup for origins from configuration, and both
//! look `Origin` values up with [`OriginTables::find`]. Only the exact origins' entry type
//! differs (`E`): text in the macro, the header value a response is written with in the runtime.

use crate::hash::{Stored, Table};

/// The origins a policy allows, as hash tables: exact origins and `scheme://host:*` patterns are
/// looked up whole, `*.` patterns by the domain after each dot of the request's host, but only
/// for suffixes whose length is the length of some pattern's domain. The work per request is one
/// hash of the origin, and at most one hash per distinct pattern-domain length, whatever the
/// number of origins.
#[derive(Debug)]
pub struct OriginTables<E: 'static> {
    /// No allowed origin is longer: a longer `Origin` is refused without reading it.
    pub longest: usize,
    /// Every exact origin, serialized.
    pub exact: Table<E>,
    /// Bit `n` is set when some exact origin is `n` bytes long, bit 63 when one is 63 or more:
    /// most refused origins have a length no allowed one has, and are refused without hashing.
    pub exact_lengths: u64,
    /// `scheme://host` of every `scheme://host:*` pattern.
    pub any_port: Table<Stored<str>>,
    /// Every `*.` pattern, by its domain.
    pub subdomains: Table<Subdomain>,
    /// Bit `n` is set when some `*.` pattern's domain is `n` bytes long.
    pub subdomain_lengths: [u64; 8],
}

/// A `*.domain` pattern, as the subdomain table holds it.
#[derive(Debug)]
pub struct Subdomain {
    /// The scheme with `://`.
    pub scheme: Stored<str>,
    /// The domain the labels precede, without the leading dot.
    pub domain: Stored<str>,
    /// The port part.
    pub port: Port,
}

/// The port part of a `*.` pattern.
#[derive(Debug)]
pub enum Port {
    /// No port written: the origin ends with the host, as it does on the scheme's default port.
    Default,
    /// Exactly this port, written with its colon (`":8080"`).
    Exact(Stored<[u8]>),
    /// Any port, or none.
    Any,
}

/// What [`OriginTables::find`] found for an `Origin` value.
#[derive(Debug, PartialEq, Eq)]
pub enum OriginMatch<'t, E> {
    /// Not allowed.
    None,
    /// Equal to this exact origin of the policy, byte for byte.
    Exact(&'t E),
    /// Allowed by a wildcard pattern.
    Pattern,
}

impl<E> Clone for OriginMatch<'_, E> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<E> Copy for OriginMatch<'_, E> {}

impl<E> OriginTables<E> {
    /// Tables that allow no origin.
    #[must_use]
    pub const fn empty() -> Self {
        Self {
            longest: 0,
            exact: Table::empty(),
            exact_lengths: 0,
            any_port: Table::empty(),
            subdomains: Table::empty(),
            subdomain_lengths: [0; 8],
        }
    }
}

impl<E: AsRef<[u8]>> OriginTables<E> {
    /// The patterns the tables hold, serialized as a policy writes them, sorted.
    #[must_use]
    pub fn patterns(&self) -> Vec<String> {
        let text = |bytes: &[u8]| String::from_utf8_lossy(bytes).into_owned();
        let exact = self.exact.entries.iter().map(|e| text(e.as_ref()));
        let any_port = self
            .any_port
            .entries
            .iter()
            .map(|key| format!("{}:*", &**key));
        let subdomains = self.subdomains.entries.iter().map(|entry| {
            let port = match &entry.port {
                Port::Default => String::new(),
                Port::Exact(port) => text(port),
                Port::Any => ":*".to_owned(),
            };
            format!("{}*.{}{port}", &*entry.scheme, &*entry.domain)
        });
        let mut patterns: Vec<String> = exact.chain(any_port).chain(subdomains).collect();
        patterns.sort_unstable();
        patterns
    }

    /// What the tables say about an `Origin` value, compared byte for byte.
    #[must_use]
    #[inline]
    pub fn find(&self, origin: &[u8]) -> OriginMatch<'_, E> {
        if origin.len() > self.longest {
            return OriginMatch::None;
        }
        if self.exact_lengths & length_bit(origin.len()) != 0
            && let Some(exact) = self
                .exact
                .bucket(origin)
                .iter()
                .find(|exact| exact.as_ref() == origin)
        {
            return OriginMatch::Exact(exact);
        }
        if !self.any_port.is_empty() && self.any_port_matches(origin) {
            return OriginMatch::Pattern;
        }
        if !self.subdomains.is_empty() && self.subdomain_matches(origin) {
            return OriginMatch::Pattern;
        }
        OriginMatch::None
    }

    #[inline]
    fn any_port_matches(&self, origin: &[u8]) -> bool {
        let Some((scheme, host, rest)) = split_origin(origin) else {
            return false;
        };
        let scheme_and_host = &origin[..scheme.len() + host.len()];
        port_matches(rest, &Port::Any)
            && self
                .any_port
                .bucket(scheme_and_host)
                .iter()
                .any(|pattern| pattern.as_bytes() == scheme_and_host)
    }

    /// Tries each length a pattern's domain has, longest first: the origin (its port aside)
    /// must then end with a dot and a domain of that length. The work is bounded by the number
    /// of distinct lengths in the policy, not by the origin.
    #[inline]
    fn subdomain_matches(&self, origin: &[u8]) -> bool {
        let (before_port, port) = split_port(origin);
        // A domain of `n` bytes needs a dot and at least one byte before it: only the lengths up
        // to `room` can match, and the words of longer ones are not read.
        let Some(room) = before_port.len().checked_sub(2) else {
            return false;
        };
        if room < 64 {
            // The common case: every length that could match is in the first word.
            let lengths = self.subdomain_lengths[0] & (u64::MAX >> (63 - room));
            return self.subdomain_in(before_port, port, 0, lengths) == Some(true);
        }
        let top = (room / 64).min(self.subdomain_lengths.len() - 1);
        for word in (0..=top).rev() {
            let mut lengths = self.subdomain_lengths[word];
            if word == room / 64 {
                lengths &= u64::MAX >> (63 - room % 64);
            }
            if let Some(found) = self.subdomain_in(before_port, port, word, lengths) {
                return found;
            }
        }
        false
    }

    /// [`subdomain_matches`](Self::subdomain_matches) for the domain lengths `word * 64 + bit`
    /// of the bits set in `lengths`, longest first, each at most `before_port.len() - 2`: whether
    /// the origin matches the first pattern whose domain, scheme and port it has, or `None` when
    /// it has none's.
    #[inline]
    fn subdomain_in(
        &self,
        before_port: &[u8],
        port: &[u8],
        word: usize,
        mut lengths: u64,
    ) -> Option<bool> {
        while lengths != 0 {
            let bit = 63 - lengths.leading_zeros() as usize;
            lengths &= !(1 << bit);
            let length = word * 64 + bit;
            let dot = before_port.len() - length - 1;
            if before_port[dot] != b'.' {
                continue;
            }
            if let Some(found) = self.subdomain_at(before_port, port, dot) {
                return Some(found);
            }
        }
        None
    }

    /// Whether an origin whose host has a dot at `dot` matches the first pattern whose domain
    /// is what follows the dot and whose scheme and port are the origin's; `None` when no
    /// pattern has that domain, scheme and port. Out of line, so that the loop over lengths,
    /// where most lengths find no dot, stays small.
    #[inline(never)]
    fn subdomain_at(&self, before_port: &[u8], port: &[u8], dot: usize) -> Option<bool> {
        let domain = &before_port[dot + 1..];
        let pattern = self
            .subdomains
            .bucket(domain)
            .iter()
            .filter(|pattern| pattern.domain.as_bytes() == domain)
            .find(|pattern| {
                before_port[..dot].starts_with(pattern.scheme.as_bytes())
                    && port_matches(port, &pattern.port)
            })?;
        // The labels before this dot are what the wildcard stands for. A shorter domain cannot
        // help: its labels include these.
        let labels = &before_port[pattern.scheme.len()..dot];
        Some(labels.split(|&b| b == b'.').all(is_label))
    }
}

#[cfg(feature = "validate")]
impl<E> OriginTables<E> {
    /// Lays out the tables of `patterns`, sorted and without repeats, so the same list gives the
    /// same tables however it was written; `exact` makes an exact origin's entry from its text.
    #[must_use]
    pub fn lay_out<'a>(
        patterns: impl IntoIterator<Item = &'a crate::origin::OriginPattern>,
        mut exact_entry: impl FnMut(String) -> E,
    ) -> Self {
        use crate::limits::LONGEST_DNS_NAME;
        use crate::origin::PortPattern;
        let patterns: std::collections::BTreeSet<_> = patterns.into_iter().collect();
        let mut exact = Vec::new();
        let mut any_port = Vec::new();
        let mut subdomains = Vec::new();
        let mut subdomain_lengths = [0u64; 8];
        let mut exact_lengths = 0;
        let mut longest = 0;
        for pattern in patterns {
            if pattern.is_exact() {
                let origin = pattern.to_string();
                longest = longest.max(origin.len());
                exact_lengths |= length_bit(origin.len());
                exact.push((origin.clone(), exact_entry(origin)));
                continue;
            }
            let scheme = format!("{}://", pattern.scheme);
            let port_length = match pattern.port {
                PortPattern::Default => 0,
                PortPattern::Exact(port) => 1 + port.to_string().len(),
                PortPattern::Any => ":65535".len(),
            };
            if pattern.subdomains {
                let domain = pattern.host.clone();
                subdomain_lengths[domain.len() / 64] |= 1 << (domain.len() % 64);
                let host = LONGEST_DNS_NAME.max(domain.len() + 2);
                longest = longest.max(scheme.len() + host + port_length);
                let port = match pattern.port {
                    PortPattern::Default => Port::Default,
                    PortPattern::Exact(port) => Port::Exact(format!(":{port}").into_bytes().into()),
                    PortPattern::Any => Port::Any,
                };
                let entry = Subdomain {
                    scheme: scheme.into(),
                    domain: domain.clone().into(),
                    port,
                };
                subdomains.push((domain, entry));
            } else {
                // Not exact and no subdomains: `scheme://host:*`.
                let key = format!("{scheme}{}", pattern.host);
                longest = longest.max(key.len() + port_length);
                any_port.push((key.clone(), Stored::from(key)));
            }
        }
        Self {
            longest,
            exact: Table::lay_out(exact),
            exact_lengths,
            any_port: Table::lay_out(any_port),
            subdomains: Table::lay_out(subdomains),
            subdomain_lengths,
        }
    }
}

// The helpers below are `#[inline]`: they run on every lookup, in the crate that instantiates
// the tables (the runtime), which cannot inline a plain function of this crate.

/// The bit of [`OriginTables::exact_lengths`] for an origin of `length` bytes.
#[inline]
const fn length_bit(length: usize) -> u64 {
    1 << if length < 63 { length } else { 63 }
}

/// Splits a port off the end of an origin: the last colon among its last six bytes, if only
/// digits follow it. A longer port is not a port any pattern allows.
#[inline]
fn split_port(origin: &[u8]) -> (&[u8], &[u8]) {
    // A port ends with a digit, a host most often with a letter: then there is nothing to find.
    if !origin.last().is_some_and(u8::is_ascii_digit) {
        return (origin, &[]);
    }
    let window = origin.len().saturating_sub(6);
    match origin[window..].iter().rposition(|&b| b == b':') {
        Some(colon) if origin[window + colon + 1..].iter().all(u8::is_ascii_digit) => {
            origin.split_at(window + colon)
        }
        _ => (origin, &[]),
    }
}

/// Splits `scheme://host[:port]` into the scheme (with `://`), the host (an IPv6 host with its
/// brackets) and what follows the host.
#[inline]
fn split_origin(origin: &[u8]) -> Option<(&[u8], &[u8], &[u8])> {
    let colon = origin.iter().position(|&b| b == b':')?;
    let authority = origin[colon..].strip_prefix(b"://")?;
    let scheme = &origin[..colon + 3];
    let host_end = if authority.first() == Some(&b'[') {
        authority.iter().position(|&b| b == b']')? + 1
    } else {
        authority
            .iter()
            .position(|&b| b == b':')
            .unwrap_or(authority.len())
    };
    let (host, rest) = authority.split_at(host_end);
    Some((scheme, host, rest))
}

#[inline]
fn is_label(label: &[u8]) -> bool {
    !label.is_empty()
        && label
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// `rest` is what follows the host in the origin.
#[inline]
fn port_matches(rest: &[u8], port: &Port) -> bool {
    match port {
        Port::Default => rest.is_empty(),
        Port::Exact(expected) => rest == &**expected,
        Port::Any => rest.is_empty() || rest.strip_prefix(b":").is_some_and(is_canonical_port),
    }
}

/// A port as a browser serializes it: 1 to 65535, decimal, no leading zero.
#[inline]
fn is_canonical_port(digits: &[u8]) -> bool {
    if digits.is_empty() || digits.len() > 5 || digits[0] == b'0' {
        return false;
    }
    let mut value: u32 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return false;
        }
        value = value * 10 + u32::from(b - b'0');
    }
    value <= 65535
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Tables with single-bucket tables, which need no hashing.
    fn tables(subdomains: Vec<Subdomain>, any_port: Vec<&'static str>) -> OriginTables<String> {
        let mut subdomain_lengths = [0; 8];
        for pattern in &subdomains {
            subdomain_lengths[pattern.domain.len() / 64] |= 1 << (pattern.domain.len() % 64);
        }
        let one_bucket = |n: usize| -> Stored<[u32]> {
            let n = u32::try_from(n).unwrap();
            vec![0, n].into()
        };
        OriginTables {
            longest: 300,
            exact: Table::empty(),
            exact_lengths: 0,
            any_port: Table {
                starts: one_bucket(any_port.len()),
                entries: any_port
                    .into_iter()
                    .map(Stored::Static)
                    .collect::<Vec<_>>()
                    .into(),
            },
            subdomains: Table {
                starts: one_bucket(subdomains.len()),
                entries: subdomains.into(),
            },
            subdomain_lengths,
        }
    }

    fn pattern(scheme: &'static str, domain: &'static str, port: Port) -> Subdomain {
        Subdomain {
            scheme: Stored::Static(scheme),
            domain: Stored::Static(domain),
            port,
        }
    }

    fn exact_port(port: &'static [u8]) -> Port {
        Port::Exact(Stored::Static(port))
    }

    fn sub(origin: &str, port: Port) -> bool {
        let tables = tables(vec![pattern("https://", "example.com", port)], vec![]);
        tables.find(origin.as_bytes()) == OriginMatch::Pattern
    }

    #[test]
    fn subdomains_at_any_depth_but_never_the_apex() {
        assert!(sub("https://a.example.com", Port::Default));
        assert!(sub("https://a.b.c.example.com", Port::Default));
        assert!(sub("https://x-1_y.example.com", Port::Default));
        assert!(!sub("https://example.com", Port::Default));
        assert!(!sub("https://.example.com", Port::Default));
        assert!(!sub("https://a..example.com", Port::Default));
        assert!(!sub("https://evilexample.com", Port::Default));
        assert!(!sub("https://example.com.evil.com", Port::Default));
        assert!(!sub("https://A.example.com", Port::Default));
        assert!(!sub("http://a.example.com", Port::Default));
        assert!(!sub("https://a.example.com:443", Port::Default));
        assert!(!sub("https://a/b.example.com", Port::Default));
    }

    #[test]
    fn ports() {
        assert!(sub("https://a.example.com:8443", exact_port(b":8443")));
        assert!(!sub("https://a.example.com", exact_port(b":8443")));
        assert!(!sub("https://a.example.com:8444", exact_port(b":8443")));
        assert!(sub("https://a.example.com", Port::Any));
        assert!(sub("https://a.example.com:1", Port::Any));
        assert!(sub("https://a.example.com:65535", Port::Any));
        assert!(!sub("https://a.example.com:65536", Port::Any));
        assert!(!sub("https://a.example.com:0", Port::Any));
        assert!(!sub("https://a.example.com:080", Port::Any));
        assert!(!sub("https://a.example.com:", Port::Any));
        assert!(!sub("https://a.example.com:8a", Port::Any));
        assert!(!sub("https://a.example.com:123456", Port::Any));
    }

    #[test]
    fn nested_patterns_and_the_longest_origin() {
        let nested = tables(
            vec![
                pattern("https://", "example.com", Port::Default),
                pattern("http://", "b.example.com", Port::Any),
            ],
            vec![],
        );
        let m = |o: &str| nested.find(o.as_bytes()) == OriginMatch::Pattern;
        // `b.example.com` is tried first and has the wrong scheme; `example.com` then matches.
        assert!(m("https://a.b.example.com"));
        assert!(m("http://a.b.example.com:8080"));
        assert!(!m("http://b.example.com:8080"));
        assert!(m("https://b.example.com"));
        assert!(!m("https://A.b.example.com"));
        let long = format!("https://{}.example.com", "a".repeat(300));
        assert!(!m(&long), "longer than `longest`");
    }

    /// Domains whose lengths are in different words of the length bits, and origins long enough
    /// that every word is read.
    #[test]
    fn domains_of_every_word() {
        let domain = |length: usize| {
            let name = format!("{}.example.net", "d".repeat(length - ".example.net".len()));
            Box::leak(name.into_boxed_str()) as &'static str
        };
        let (d70, d130) = (domain(70), domain(130));
        let wide = tables(
            vec![
                pattern("https://", "example.com", Port::Default),
                pattern("https://", d70, Port::Default),
                pattern("https://", d130, Port::Any),
            ],
            vec![],
        );
        let m = |o: &str| wide.find(o.as_bytes()) == OriginMatch::Pattern;
        assert!(m(&format!("https://a.{d70}")));
        assert!(m(&format!("https://a.b.{d130}:8443")));
        assert!(!m(&format!("https://{d70}")), "the apex");
        assert!(
            !m(&format!("https://a.{d70}:8443")),
            "a port its pattern has not"
        );
        // Longer than 64 bytes, and under the short domain only.
        let labels = "b".repeat(60);
        assert!(m(&format!("https://{labels}.example.com")));
        assert!(!m(&format!("https://{labels}.example.org")));
        assert!(
            !m(&format!("https://{labels}_{d70}")),
            "no dot before the long domain"
        );
        assert!(m(&format!("https://{labels}.{d70}")), "and yes with one");
    }

    #[test]
    fn exact_host_any_port() {
        let tables = tables(vec![], vec!["http://localhost", "http://[::1]"]);
        let m = |o: &str| tables.find(o.as_bytes()) == OriginMatch::Pattern;
        assert!(m("http://localhost"));
        assert!(m("http://localhost:5173"));
        assert!(!m("http://localhost.evil.com"));
        assert!(!m("http://localhostx:80"));
        assert!(!m("https://localhost:5173"));
        assert!(m("http://[::1]:3000"));
        assert!(m("http://[::1]"));
        assert!(!m("http://[::1]]:3000"));
        assert!(!m("http://[::2]:3000"));
    }

    #[cfg(feature = "validate")]
    #[test]
    fn laid_out_tables_find_every_pattern_and_give_them_back() {
        let written = [
            "https://b.example",
            "https://*.a.example:8443",
            "http://localhost:*",
            "https://b.example",
            "https://*.c.example:*",
        ];
        let parsed: Vec<_> = written
            .iter()
            .map(|text| crate::origin::parse(text).unwrap())
            .collect();
        let tables = OriginTables::lay_out(&parsed, |origin| origin);
        assert_eq!(
            tables.patterns(),
            [
                "http://localhost:*",
                "https://*.a.example:8443",
                "https://*.c.example:*",
                "https://b.example"
            ]
        );
        assert_eq!(
            tables.find(b"https://b.example"),
            OriginMatch::Exact(&"https://b.example".to_owned())
        );
        for allowed in [
            "https://x.a.example:8443",
            "http://localhost:3000",
            "https://y.c.example",
        ] {
            assert_eq!(tables.find(allowed.as_bytes()), OriginMatch::Pattern);
        }
        for refused in [
            "https://x.a.example",
            "https://a.example:8443",
            "http://b.example",
        ] {
            assert_eq!(
                tables.find(refused.as_bytes()),
                OriginMatch::None,
                "{refused}"
            );
        }
        let empty = OriginTables::<String>::empty();
        assert_eq!(empty.find(b"https://b.example"), OriginMatch::None);
        assert!(empty.patterns().is_empty());
    }

    /// The length filter lets no exact origin through unlooked-at: origins on either side of
    /// 63 bytes, where the lengths share one bit, are each found, and a refused origin of an
    /// allowed one's length still misses.
    #[cfg(feature = "validate")]
    #[test]
    fn exact_origins_of_every_length_are_found() {
        let hosts = [
            "a".to_owned(),
            "bb".to_owned(),
            "c".repeat(51),
            "d".repeat(52),
            "e".repeat(53),
            "f".repeat(120),
        ];
        let written: Vec<String> = hosts
            .iter()
            .map(|host| format!("https://{host}.io"))
            .collect();
        let parsed: Vec<_> = written
            .iter()
            .map(|text| crate::origin::parse(text).unwrap())
            .collect();
        let tables = OriginTables::lay_out(&parsed, |origin| origin);
        let lengths: Vec<usize> = written.iter().map(String::len).collect();
        assert_eq!(lengths, [12, 13, 62, 63, 64, 131]);
        for origin in &written {
            assert_eq!(
                tables.find(origin.as_bytes()),
                OriginMatch::Exact(origin),
                "{origin}"
            );
        }
        for refused in [
            "https://z.io",
            "https://zz.io",
            &format!("https://{}.io", "z".repeat(53)),
        ] {
            assert_eq!(
                tables.find(refused.as_bytes()),
                OriginMatch::None,
                "{refused}"
            );
        }
        assert_eq!(tables.find(b"https://abc.io"), OriginMatch::None);
        assert_eq!(tables.exact_lengths.count_ones(), 4);
    }
}
