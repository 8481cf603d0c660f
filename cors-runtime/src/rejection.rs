//! Why a preflight was refused, for a server's logs.

use std::fmt;

/// Why a preflight failed: the first check, in the Fetch Standard's order, that did not pass.
///
/// The borrowed bytes are the offending part of the request, as sent (possibly not UTF-8).
/// [`Display`](fmt::Display) writes a one-line reason, and [`Debug`](fmt::Debug) shows the
/// bytes as a string (`Header("x-secret")`); both escape bytes that are not printable ASCII.
/// It is a [`std::error::Error`], so it can be returned or logged as one.
///
/// ```
/// use cors_runtime::{cors_policy, CorsPolicy, Rejection, Verdict};
/// use cors_runtime::http::{header, HeaderMap, HeaderValue, Method};
///
/// static API: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
///
/// let mut request = HeaderMap::new();
/// request.insert(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
/// request.insert(header::ACCESS_CONTROL_REQUEST_METHOD, HeaderValue::from_static("GET"));
/// let Verdict::Preflight(preflight) = API.check(&Method::OPTIONS, &request) else { unreachable!() };
/// assert_eq!(preflight.rejection(), Some(Rejection::Origin(b"https://evil.example")));
/// assert_eq!(
///     preflight.rejection().unwrap().to_string(),
///     "origin `https://evil.example` is not allowed"
/// );
/// assert_eq!(
///     format!("{:?}", preflight.rejection().unwrap()),
///     r#"Origin("https://evil.example")"#
/// );
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection<'r> {
    /// The `Origin` value is not allowed by the policy.
    Origin(&'r [u8]),
    /// The request has more than one `Origin` line.
    MultipleOrigins,
    /// The `Access-Control-Request-Method` value is not allowed (or not a method at all).
    Method(&'r [u8]),
    /// The request has more than one `Access-Control-Request-Method` line.
    MultipleMethods,
    /// This element of `Access-Control-Request-Headers` is not allowed (or not a header name),
    /// whatever the policy lists; cut to its first 64 bytes.
    Header(&'r [u8]),
    /// `Access-Control-Request-Headers` lists more elements than the policy could allow, each
    /// of them allowed (so some repeat), or more than 8 empty ones.
    TooManyHeaders,
    /// A Private Network Access preflight, and the policy does not set `allow_private_network`.
    PrivateNetwork,
}

impl fmt::Display for Rejection<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Origin(origin) => write!(f, "origin `{}` is not allowed", origin.escape_ascii()),
            Self::MultipleOrigins => f.write_str("more than one `Origin` header"),
            Self::Method(method) => write!(f, "method `{}` is not allowed", method.escape_ascii()),
            Self::MultipleMethods => {
                f.write_str("more than one `Access-Control-Request-Method` header")
            }
            Self::Header(name) => {
                write!(f, "request header `{}` is not allowed", name.escape_ascii())
            }
            Self::TooManyHeaders => f.write_str(
                "`Access-Control-Request-Headers` lists more names than the policy allows",
            ),
            Self::PrivateNetwork => f.write_str("private network access is not allowed"),
        }
    }
}

impl std::error::Error for Rejection<'_> {}

/// Request bytes shown as a string literal, escaped where they are not printable ASCII.
struct Text<'r>(&'r [u8]);

impl fmt::Debug for Text<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{}\"", self.0.escape_ascii())
    }
}

impl fmt::Debug for Rejection<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Origin(origin) => f.debug_tuple("Origin").field(&Text(origin)).finish(),
            Self::MultipleOrigins => f.write_str("MultipleOrigins"),
            Self::Method(method) => f.debug_tuple("Method").field(&Text(method)).finish(),
            Self::MultipleMethods => f.write_str("MultipleMethods"),
            Self::Header(name) => f.debug_tuple("Header").field(&Text(name)).finish(),
            Self::TooManyHeaders => f.write_str("TooManyHeaders"),
            Self::PrivateNetwork => f.write_str("PrivateNetwork"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_text_and_error_is_implemented() {
        let cases: [(Rejection<'_>, &str); 4] = [
            (Rejection::Header(b"x-secret"), r#"Header("x-secret")"#),
            (
                Rejection::Method(b"PA\"TCH\xff"),
                r#"Method("PA\"TCH\xff")"#,
            ),
            (
                Rejection::Origin(b"https://a.example"),
                r#"Origin("https://a.example")"#,
            ),
            (Rejection::PrivateNetwork, "PrivateNetwork"),
        ];
        for (rejection, debug) in cases {
            assert_eq!(format!("{rejection:?}"), debug);
        }
        let error: &dyn std::error::Error = &Rejection::MultipleOrigins;
        assert_eq!(error.to_string(), "more than one `Origin` header");
        assert!(error.source().is_none());
    }
}
