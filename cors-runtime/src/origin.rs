//! Matching an `Origin` value against the origins of a policy, in tables built at compile time.

use std::borrow::Borrow;

use http::HeaderValue;

use crate::names::STAR;

/// What an [`OriginSet`] found for an `Origin` value.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OriginMatch {
    /// Not allowed.
    None,
    /// Equal to this origin of the policy, byte for byte.
    Exact(&'static HeaderValue),
    /// Allowed by a wildcard pattern; the request's own value is echoed.
    Pattern,
}

/// The `Access-Control-Allow-Origin` an allowed request gets. `V` is how the request's own
/// value is held: borrowed by a preflight, shared (not copied) by an actual request's verdict.
#[derive(Clone, Copy, Debug)]
pub(crate) enum AllowOrigin<V> {
    /// `allow_origins: *`.
    Any,
    /// An exact origin of the policy, equal to the request's.
    Exact(&'static HeaderValue),
    /// Allowed by a wildcard pattern: the request's value is echoed.
    Echo(V),
}

impl<V: Borrow<HeaderValue>> AllowOrigin<V> {
    pub(crate) fn value(&self) -> HeaderValue {
        match self {
            Self::Any => STAR,
            Self::Exact(origin) => (*origin).clone(),
            Self::Echo(origin) => origin.borrow().clone(),
        }
    }
}

/// The port part of a wildcard pattern.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Port {
    /// No port: the origin ends with the host.
    None,
    /// Exactly this port, written with its colon (`":8080"`).
    Exact(&'static [u8]),
    /// Any port, or none.
    Any,
}

/// The origins a policy allows, as tables the macro built at compile time.
///
/// Exact origins and `scheme://host:*` patterns are looked up whole; `*.` patterns are looked up
/// by the domain after each dot of the request's host, but only for suffixes whose length is
/// the length of some pattern's domain. The work per request is one hash of the origin, and at
/// most one hash per distinct pattern-domain length, whatever the number of origins.
#[doc(hidden)]
#[derive(Debug)]
pub struct OriginSet {
    /// No allowed origin is longer: a longer `Origin` is refused without reading it.
    pub longest: usize,
    /// Every exact origin, serialized, as the header value it is answered with.
    pub exact: Table<&'static HeaderValue>,
    /// `scheme://host` of every `scheme://host:*` pattern.
    pub any_port: Table<&'static str>,
    /// Every `*.` pattern, by its domain.
    pub subdomains: Table<Subdomain>,
    /// Bit `n` is set when some `*.` pattern's domain is `n` bytes long.
    pub subdomain_lengths: [u64; 8],
}

/// A `*.domain` pattern.
#[doc(hidden)]
#[derive(Debug)]
pub struct Subdomain {
    /// The scheme with `://`.
    pub scheme: &'static str,
    /// The domain the labels precede, without the leading dot.
    pub domain: &'static str,
    pub port: Port,
}

/// A hash table built at compile time: `buckets.len()` is zero, one (a short list, compared
/// without hashing), or a power of two indexed by [`bucket_of`].
#[doc(hidden)]
#[derive(Debug)]
pub struct Table<T: 'static> {
    pub buckets: &'static [&'static [T]],
}

impl<T> Table<T> {
    fn bucket(&self, key: &[u8]) -> &'static [T] {
        match self.buckets.len() {
            0 => &[],
            1 => self.buckets[0],
            n => self.buckets[bucket_of(key, n)],
        }
    }

    fn is_empty(&self) -> bool {
        self.buckets.is_empty()
    }
}

/// The bucket of `key` among `buckets` (a power of two). `cors-macros` computes the same
/// function to fill the tables; `tests/tests/origins.rs` checks that the two agree.
#[doc(hidden)]
#[must_use]
#[allow(
    clippy::cast_possible_truncation,
    reason = "the bucket count fits in usize"
)]
pub fn bucket_of(key: &[u8], buckets: usize) -> usize {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut hash = key.len() as u64;
    let mut chunks = key.chunks_exact(8);
    for chunk in &mut chunks {
        let word = u64::from_le_bytes(chunk.try_into().unwrap_or([0; 8]));
        hash = (hash.rotate_left(23) ^ word).wrapping_mul(K);
    }
    let mut tail = [0u8; 8];
    tail[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    hash = (hash.rotate_left(23) ^ u64::from_le_bytes(tail)).wrapping_mul(K);
    hash ^= hash >> 32;
    (hash as usize) & (buckets - 1)
}

impl OriginSet {
    /// What the set says about an `Origin` value.
    pub(crate) fn find(&self, origin: &[u8]) -> OriginMatch {
        if origin.len() > self.longest {
            return OriginMatch::None;
        }
        if let Some(exact) = self
            .exact
            .bucket(origin)
            .iter()
            .find(|exact| exact.as_bytes() == origin)
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

    fn any_port_matches(&self, origin: &[u8]) -> bool {
        let Some((scheme, host, rest)) = split_origin(origin) else {
            return false;
        };
        let scheme_and_host = &origin[..scheme.len() + host.len()];
        port_matches(rest, Port::Any)
            && self
                .any_port
                .bucket(scheme_and_host)
                .iter()
                .any(|pattern| pattern.as_bytes() == scheme_and_host)
    }

    /// Tries each length a pattern's domain has, longest first: the origin (its port aside)
    /// must then end with a dot and a domain of that length. The work is bounded by the number
    /// of distinct lengths in the policy, not by the origin.
    fn subdomain_matches(&self, origin: &[u8]) -> bool {
        let (before_port, port) = split_port(origin);
        for (word, &lengths) in self.subdomain_lengths.iter().enumerate().rev() {
            let mut lengths = lengths;
            while lengths != 0 {
                let bit = 63 - lengths.leading_zeros() as usize;
                lengths &= !(1 << bit);
                let length = word * 64 + bit;
                let Some(dot) = before_port.len().checked_sub(length + 1) else {
                    continue;
                };
                if before_port[dot] != b'.' {
                    continue;
                }
                let domain = &before_port[dot + 1..];
                let mut candidates = self
                    .subdomains
                    .bucket(domain)
                    .iter()
                    .filter(|pattern| pattern.domain.as_bytes() == domain);
                let Some(pattern) = candidates.find(|pattern| {
                    before_port[..dot].starts_with(pattern.scheme.as_bytes())
                        && port_matches(port, pattern.port)
                }) else {
                    continue;
                };
                // The labels before this dot are what the wildcard stands for. A shorter
                // domain cannot help: its labels include these.
                let labels = &before_port[pattern.scheme.len()..dot];
                return labels.split(|&b| b == b'.').all(is_label);
            }
        }
        false
    }
}

/// Splits a port off the end of an origin: the last colon among its last six bytes, if only
/// digits follow it. A longer port is not a port any pattern allows.
fn split_port(origin: &[u8]) -> (&[u8], &[u8]) {
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

fn is_label(label: &[u8]) -> bool {
    !label.is_empty()
        && label
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// `rest` is what follows the host in the origin.
fn port_matches(rest: &[u8], port: Port) -> bool {
    match port {
        Port::None => rest.is_empty(),
        Port::Exact(expected) => rest == expected,
        Port::Any => rest.is_empty() || rest.strip_prefix(b":").is_some_and(is_canonical_port),
    }
}

/// A port as a browser serializes it: 1 to 65535, decimal, no leading zero.
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

    fn leak<T>(items: Vec<T>) -> &'static [T] {
        Box::leak(items.into_boxed_slice())
    }

    /// A set with single-bucket tables, which need no hashing.
    fn set(subdomains: Vec<Subdomain>, any_port: Vec<&'static str>) -> OriginSet {
        let mut subdomain_lengths = [0; 8];
        for pattern in &subdomains {
            subdomain_lengths[pattern.domain.len() / 64] |= 1 << (pattern.domain.len() % 64);
        }
        OriginSet {
            longest: 300,
            exact: Table { buckets: &[] },
            any_port: Table {
                buckets: leak(vec![leak(any_port)]),
            },
            subdomains: Table {
                buckets: leak(vec![leak(subdomains)]),
            },
            subdomain_lengths,
        }
    }

    fn sub(origin: &str, port: Port) -> bool {
        let set = set(
            vec![Subdomain {
                scheme: "https://",
                domain: "example.com",
                port,
            }],
            vec![],
        );
        set.find(origin.as_bytes()) == OriginMatch::Pattern
    }

    #[test]
    fn subdomains_at_any_depth_but_never_the_apex() {
        assert!(sub("https://a.example.com", Port::None));
        assert!(sub("https://a.b.c.example.com", Port::None));
        assert!(sub("https://x-1_y.example.com", Port::None));
        assert!(!sub("https://example.com", Port::None));
        assert!(!sub("https://.example.com", Port::None));
        assert!(!sub("https://a..example.com", Port::None));
        assert!(!sub("https://evilexample.com", Port::None));
        assert!(!sub("https://example.com.evil.com", Port::None));
        assert!(!sub("https://A.example.com", Port::None));
        assert!(!sub("http://a.example.com", Port::None));
        assert!(!sub("https://a.example.com:443", Port::None));
        assert!(!sub("https://a/b.example.com", Port::None));
    }

    #[test]
    fn ports() {
        assert!(sub("https://a.example.com:8443", Port::Exact(b":8443")));
        assert!(!sub("https://a.example.com", Port::Exact(b":8443")));
        assert!(!sub("https://a.example.com:8444", Port::Exact(b":8443")));
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

    /// The same answers as `bucket_of` in `cors-macros/src/expand/tables.rs`, which fills the tables.
    #[test]
    fn bucket_of_known_answers() {
        let answers: Vec<usize> = ["", "https://a.example", "example.com", "http://localhost"]
            .iter()
            .map(|key| bucket_of(key.as_bytes(), 1 << 16))
            .collect();
        assert_eq!(answers, [0, 4933, 12739, 57763]);
    }

    #[test]
    fn nested_patterns_and_the_longest_origin() {
        let nested = set(
            vec![
                Subdomain {
                    scheme: "https://",
                    domain: "example.com",
                    port: Port::None,
                },
                Subdomain {
                    scheme: "http://",
                    domain: "b.example.com",
                    port: Port::Any,
                },
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

    #[test]
    fn exact_host_any_port() {
        let set = set(vec![], vec!["http://localhost", "http://[::1]"]);
        let m = |o: &str| set.find(o.as_bytes()) == OriginMatch::Pattern;
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
}
