//! Matching an `Origin` value against the wildcard patterns of a policy.
//!
//! Exact origins are compared by the code `cors_policy!` generates; only the `*.` and `:*` forms
//! come here, with every piece of the pattern already split and checked at compile time.

use std::borrow::Borrow;

use http::HeaderValue;

use crate::names::STAR;

/// What the generated matcher found for an `Origin` value.
#[doc(hidden)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OriginMatch {
    /// Not allowed.
    None,
    /// Equal to this origin of the policy, byte for byte.
    Exact(&'static str),
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
    Exact(&'static str),
    /// Allowed by a wildcard pattern: the request's value is echoed.
    Echo(V),
}

impl<V: Borrow<HeaderValue>> AllowOrigin<V> {
    pub(crate) fn value(&self) -> HeaderValue {
        match self {
            Self::Any => STAR,
            Self::Exact(origin) => HeaderValue::from_static(origin),
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

/// Whether `origin` is `scheme` followed by `host` (or by one or more labels and `.host` when
/// `subdomains` is set) and a port allowed by `port`.
///
/// `scheme` includes `://`. The labels a subdomain wildcard stands for are what a browser
/// serializes: non-empty, lowercase ASCII letters, digits, `-` and `_`, separated by single dots.
#[doc(hidden)]
#[must_use]
pub fn match_pattern(
    origin: &[u8],
    scheme: &[u8],
    host: &[u8],
    subdomains: bool,
    port: Port,
) -> bool {
    let Some(authority) = origin.strip_prefix(scheme) else {
        return false;
    };
    if !subdomains {
        return authority
            .strip_prefix(host)
            .is_some_and(|rest| port_matches(rest, port));
    }
    // A subdomain pattern's host is a domain name, so the first colon starts the port.
    let host_end = authority
        .iter()
        .position(|&b| b == b':')
        .unwrap_or(authority.len());
    let (request_host, rest) = authority.split_at(host_end);
    let Some(labels) = request_host
        .strip_suffix(host)
        .and_then(|before| before.strip_suffix(b"."))
    else {
        return false;
    };
    !labels.is_empty() && labels.split(|&b| b == b'.').all(is_label) && port_matches(rest, port)
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

    fn sub(origin: &str, port: Port) -> bool {
        match_pattern(origin.as_bytes(), b"https://", b"example.com", true, port)
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

    #[test]
    fn exact_host_any_port() {
        let m = |o: &str| match_pattern(o.as_bytes(), b"http://", b"localhost", false, Port::Any);
        assert!(m("http://localhost"));
        assert!(m("http://localhost:5173"));
        assert!(!m("http://localhost.evil.com"));
        assert!(!m("http://localhostx:80"));
        assert!(!m("https://localhost:5173"));
        let v6 = |o: &str| match_pattern(o.as_bytes(), b"http://", b"[::1]", false, Port::Any);
        assert!(v6("http://[::1]:3000"));
        assert!(!v6("http://[::1]]:3000"));
    }
}
