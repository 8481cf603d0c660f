//! Matching an `Origin` value against the origins of a policy, in tables built at compile time.

use std::borrow::Borrow;

use crate::lines::HeaderLines;
use crate::names::STAR;
use crate::value::Value;
pub use cors_rules::table::{Port, Stored, Subdomain, Table};

/// What an [`OriginSet`] found for an `Origin` value.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OriginMatch<'p> {
    /// Not allowed.
    None,
    /// Equal to this origin of the policy, byte for byte.
    Exact(&'p Value),
    /// Allowed by a wildcard pattern; the request's own value is echoed.
    Pattern,
}

/// The `Access-Control-Allow-Origin` an allowed request gets. `V` is how the request's own
/// value is held: borrowed by a preflight, shared (not copied) by an actual request's verdict.
#[derive(Clone, Copy, Debug)]
pub(crate) enum AllowOrigin<'p, V> {
    /// `allow_origins: *`.
    Any,
    /// An exact origin of the policy, equal to the request's.
    Exact(&'p Value),
    /// Allowed by a wildcard pattern: the request's value is echoed.
    Echo(V),
}

impl<V> AllowOrigin<'_, V> {
    /// The value to answer with, in the type of the framework `H` whose request was read.
    pub(crate) fn value<H: HeaderLines>(&self) -> H::Value
    where
        V: Borrow<H::Value>,
    {
        match self {
            Self::Any => H::policy_value(&STAR).clone(),
            Self::Exact(origin) => H::policy_value(origin).clone(),
            Self::Echo(origin) => origin.borrow().clone(),
        }
    }
}

/// The origins a policy allows, as tables laid out by `cors_rules::table`: at compile time by
/// the macro, or at startup for origins from configuration.
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
    pub exact: Table<Value>,
    /// `scheme://host` of every `scheme://host:*` pattern.
    pub any_port: Table<Stored<str>>,
    /// Every `*.` pattern, by its domain.
    pub subdomains: Table<Subdomain>,
    /// Bit `n` is set when some `*.` pattern's domain is `n` bytes long.
    pub subdomain_lengths: [u64; 8],
}

impl OriginSet {
    /// What the set says about an `Origin` value.
    pub(crate) fn find(&self, origin: &[u8]) -> OriginMatch<'_> {
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
                        && port_matches(port, &pattern.port)
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
fn port_matches(rest: &[u8], port: &Port) -> bool {
    match port {
        Port::None => rest.is_empty(),
        Port::Exact(expected) => rest == &**expected,
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

    /// A set with single-bucket tables, which need no hashing.
    fn set(subdomains: Vec<Subdomain>, any_port: Vec<&'static str>) -> OriginSet {
        let mut subdomain_lengths = [0; 8];
        for pattern in &subdomains {
            subdomain_lengths[pattern.domain.len() / 64] |= 1 << (pattern.domain.len() % 64);
        }
        let one_bucket = |n: usize| -> Stored<[u32]> {
            let n = u32::try_from(n).unwrap();
            vec![0, n].into()
        };
        OriginSet {
            longest: 300,
            exact: Table::empty(),
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
        let set = set(vec![pattern("https://", "example.com", port)], vec![]);
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
        let nested = set(
            vec![
                pattern("https://", "example.com", Port::None),
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
