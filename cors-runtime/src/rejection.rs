//! Why a preflight or a write was refused, for a server's logs.

use std::fmt;

/// Why a preflight failed (the first check, in the Fetch Standard's order, that did not pass),
/// or why a write was refused before the handler (`refuse_cross_origin_writes`).
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
    /// A write (any method but GET, HEAD and OPTIONS) that a page the policy does not trust made
    /// a browser send, under `refuse_cross_origin_writes`: the request's `Origin` and
    /// `Sec-Fetch-Site`.
    CrossOriginWrite {
        /// The `Origin` value, `None` when absent or empty.
        origin: Option<&'r [u8]>,
        /// The `Sec-Fetch-Site` value, `None` when absent or empty.
        sec_fetch_site: Option<&'r [u8]>,
    },
    /// A write with more than one `Sec-Fetch-Site` line, under `refuse_cross_origin_writes`.
    MultipleFetchSites,
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
            Self::CrossOriginWrite {
                origin,
                sec_fetch_site,
            } => {
                match origin {
                    Some(origin) => write!(f, "write from origin `{}`", origin.escape_ascii())?,
                    None => f.write_str("write without an `Origin`")?,
                }
                match sec_fetch_site {
                    Some(site) => write!(
                        f,
                        " (`Sec-Fetch-Site: {}`) refused: the policy does not allow the page's origin",
                        site.escape_ascii()
                    ),
                    None => f.write_str(
                        " (no `Sec-Fetch-Site`) refused: the origin is neither allowed by the \
                         policy nor the request's own",
                    ),
                }
            }
            Self::MultipleFetchSites => f.write_str("more than one `Sec-Fetch-Site` header"),
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
            Self::CrossOriginWrite {
                origin,
                sec_fetch_site,
            } => f
                .debug_struct("CrossOriginWrite")
                .field("origin", &origin.map(Text))
                .field("sec_fetch_site", &sec_fetch_site.map(Text))
                .finish(),
            Self::MultipleFetchSites => f.write_str("MultipleFetchSites"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_text_and_error_is_implemented() {
        let cases: [(Rejection<'_>, &str); 5] = [
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
            (
                Rejection::CrossOriginWrite {
                    origin: Some(b"https://evil.example"),
                    sec_fetch_site: None,
                },
                r#"CrossOriginWrite { origin: Some("https://evil.example"), sec_fetch_site: None }"#,
            ),
        ];
        for (rejection, debug) in cases {
            assert_eq!(format!("{rejection:?}"), debug);
        }
        let error: &dyn std::error::Error = &Rejection::MultipleOrigins;
        assert_eq!(error.to_string(), "more than one `Origin` header");
        assert!(error.source().is_none());
    }

    #[test]
    fn a_refused_write_says_who_and_why_in_one_line() {
        let cases = [
            (
                Rejection::CrossOriginWrite {
                    origin: Some(b"https://evil.example"),
                    sec_fetch_site: Some(b"cross-site"),
                },
                "write from origin `https://evil.example` (`Sec-Fetch-Site: cross-site`) refused: \
                 the policy does not allow the page's origin",
            ),
            (
                Rejection::CrossOriginWrite {
                    origin: None,
                    sec_fetch_site: Some(b"same-site"),
                },
                "write without an `Origin` (`Sec-Fetch-Site: same-site`) refused: the policy \
                 does not allow the page's origin",
            ),
            (
                Rejection::CrossOriginWrite {
                    origin: Some(b"http://evil\n.example"),
                    sec_fetch_site: None,
                },
                "write from origin `http://evil\\n.example` (no `Sec-Fetch-Site`) refused: the \
                 origin is neither allowed by the policy nor the request's own",
            ),
        ];
        for (rejection, display) in cases {
            assert_eq!(rejection.to_string(), display);
            assert!(!display.contains('\n'));
        }
    }
}
