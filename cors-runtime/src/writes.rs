//! Refusing cross-origin writes (`refuse_cross_origin_writes: true`).
//!
//! CORS decides who may read a response, not who may send a request: a page on any site can make
//! a browser send a form POST, or a `fetch` with `mode: "no-cors"`, with the user's cookies, and
//! only the reading is blocked. Under this key a write (a method other than GET, HEAD and
//! OPTIONS) is refused before the handler unless it comes from the page's own origin, from an
//! origin the policy allows, or from a client that is not a browser. Browsers say where a request
//! comes from: `Sec-Fetch-Site` in every current engine, and `Origin` on every request that is
//! not GET or HEAD.
//!
//! These are the rules of Go's `net/http.CrossOriginProtection`, with the policy's origins as the
//! trusted ones, and stricter where Go is lenient: several `Origin` or `Sec-Fetch-Site` lines
//! are refused, and only an origin serialized as browsers do can be the request's own.

use std::fmt;

use http::StatusCode;

use crate::lines::{HeaderLines, Name};
use crate::rejection::Rejection;

/// A request's method, as classifying reads it: `http` 1's `Method`, or actix-web's (`http`
/// 0.2), which have the same API.
pub(crate) trait RequestMethod {
    /// `OPTIONS`: a preflight when it also carries `Origin` and `Access-Control-Request-Method`.
    fn is_options(&self) -> bool;
    /// Any method but GET, HEAD and OPTIONS; asked only under the key, so that a policy without
    /// it pays nothing for the question.
    fn is_write(&self) -> bool;
    /// The method as sent, for the logs.
    #[cfg_attr(
        not(feature = "tracing"),
        expect(dead_code, reason = "only the tracing event reads it")
    )]
    fn name(&self) -> &str;
}

/// A request's URI, as the rule reads it: `http` 1's `Uri`, or actix-web's (`http` 0.2).
pub(crate) trait RequestUri {
    /// The URI's authority, when it has one (absolute form, HTTP/2's `:authority`). Read only
    /// for a write the rule must check against the request's own origin.
    fn authority(&self) -> Option<&[u8]>;
    /// The URI's path, for the logs.
    #[cfg_attr(
        not(feature = "tracing"),
        expect(dead_code, reason = "only the tracing events read it")
    )]
    fn path(&self) -> &str;
}

/// [`RequestMethod`] and [`RequestUri`] for one `http` crate's `Method` and `Uri`.
macro_rules! request_line {
    ($method:ty, $uri:ty) => {
        impl RequestUri for $uri {
            fn authority(&self) -> Option<&[u8]> {
                <$uri>::authority(self).map(|authority| authority.as_str().as_bytes())
            }

            fn path(&self) -> &str {
                <$uri>::path(self)
            }
        }

        impl RequestMethod for $method {
            #[inline]
            fn is_options(&self) -> bool {
                *self == <$method>::OPTIONS
            }

            #[inline]
            fn is_write(&self) -> bool {
                // `is_safe` is one match; of the methods it calls safe, only GET, HEAD and
                // OPTIONS are reads here (TRACE, and QUERY where the crate knows it, are not).
                !self.is_safe() || matches!(self.as_str(), "TRACE" | "QUERY")
            }

            fn name(&self) -> &str {
                self.as_str()
            }
        }
    };
}
request_line!(http::Method, http::Uri);
#[cfg(feature = "actix")]
request_line!(actix_web::http::Method, actix_web::http::Uri);

/// What classifying a request reads besides its headers.
#[derive(Debug)]
pub(crate) struct Head<'a, M, U> {
    pub(crate) method: &'a M,
    /// The request's URI, whose authority, when it has one, is the request's own; without a
    /// URI, or without an authority in it, the `Host` header is.
    pub(crate) uri: Option<&'a U>,
    /// The prefix whose policy decides, for a request that came through a middleware (`/` for
    /// the middleware's own policy); `None` for `check`. The logs say where with it.
    #[cfg_attr(
        not(feature = "tracing"),
        expect(dead_code, reason = "only the tracing events read it")
    )]
    pub(crate) prefix: Option<&'a str>,
}

#[cfg(feature = "tracing")]
impl<'a, M, U: RequestUri> Head<'a, M, U> {
    /// Where the request was decided, when it came through a middleware.
    pub(crate) fn place(&self) -> Option<crate::trace::Place<'a>> {
        Some(crate::trace::Place {
            path: self.uri?.path(),
            prefix: self.prefix?,
        })
    }
}

impl<M, U> Clone for Head<'_, M, U> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M, U> Copy for Head<'_, M, U> {}

/// The verdict for a write the policy refuses before the handler: answer it with
/// [`status`](Self::status) (403), an empty body and no CORS header.
///
/// ```
/// use cors_runtime::{cors_policy, CorsPolicy, Rejection, Verdict};
/// use cors_runtime::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
///
/// static API: CorsPolicy = cors_policy! {
///     allow_origins: ["https://app.example.com"],
///     refuse_cross_origin_writes: true,
/// };
///
/// let mut request = HeaderMap::new();
/// request.insert(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
/// request.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
/// let Verdict::RefusedWrite(refused) = API.check(&Method::POST, &request) else { unreachable!() };
/// assert_eq!(refused.status(), StatusCode::FORBIDDEN);
/// assert_eq!(
///     refused.rejection(),
///     Rejection::CrossOriginWrite {
///         origin: Some(b"https://evil.example"),
///         sec_fetch_site: Some(b"cross-site"),
///     }
/// );
/// ```
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct RefusedWrite<'r> {
    rejection: Rejection<'r>,
}

impl<'r> RefusedWrite<'r> {
    /// The status to answer with: 403 Forbidden.
    #[must_use]
    pub fn status(&self) -> StatusCode {
        StatusCode::FORBIDDEN
    }

    /// Why the write was refused: [`Rejection::CrossOriginWrite`] with the request's `Origin` and
    /// `Sec-Fetch-Site`, or [`Rejection::MultipleOrigins`] or [`Rejection::MultipleFetchSites`].
    #[must_use]
    pub fn rejection(&self) -> Rejection<'r> {
        self.rejection
    }
}

impl fmt::Debug for RefusedWrite<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("RefusedWrite")
            .field(&self.rejection)
            .finish()
    }
}

/// Why a write must be refused, or `None` when it goes to the handler. `origin` is the request's
/// `Origin` (`Err` for several lines) and `allowed` whether the policy allows it.
#[expect(
    clippy::inline_always,
    reason = "measured: inlined into classification, an allowed write costs 42 fewer instructions"
)]
#[inline(always)]
pub(crate) fn refusal<'r, H: HeaderLines, U: RequestUri>(
    headers: &'r H,
    uri: Option<&U>,
    origin: Result<Option<&'r H::Value>, ()>,
    allowed: bool,
) -> Option<RefusedWrite<'r>> {
    let refuse = |rejection| Some(RefusedWrite { rejection });
    // No browser sends several lines of either header: a client that does is not to be trusted.
    let Ok(origin) = origin else {
        return refuse(Rejection::MultipleOrigins);
    };
    let Ok(site) = headers.single_line(Name::SecFetchSite) else {
        return refuse(Rejection::MultipleFetchSites);
    };
    // An origin the policy allows may write whatever the browser says below.
    if allowed {
        return None;
    }
    // The browser says so: the page's own origin, or the user (a bookmark, the address bar).
    let site = site.map(H::bytes);
    if site.is_some_and(is_trusted_site) {
        return None;
    }
    // An empty value counts as none.
    let site = site.filter(|site| !site.is_empty());
    let origin = origin.map(H::bytes).filter(|origin| !origin.is_empty());
    // With a `Sec-Fetch-Site` left, another origin by the browser's word (or a value no browser
    // sends yet), which the policy does not allow (nor a missing or `null` `Origin`). Without
    // one, an older browser, a plain-http page, or a client that is not a browser.
    let trusted = site.is_none()
        && origin.is_none_or(|origin| is_own(origin, uri.and_then(U::authority), headers));
    if trusted {
        None
    } else {
        refuse(Rejection::CrossOriginWrite {
            origin,
            sec_fetch_site: site,
        })
    }
}

/// `same-origin` or `none`, compared as fixed-size arrays: a few word loads, no call.
#[inline]
fn is_trusted_site(site: &[u8]) -> bool {
    if let Ok(site) = <&[u8; 11]>::try_from(site) {
        return *site == *b"same-origin";
    }
    <&[u8; 4]>::try_from(site).is_ok_and(|site| *site == *b"none")
}

/// Whether `origin` is the request's own: its `host[:port]` equals the request's authority,
/// byte for byte (no default port folded, no case), the URI's when it has one, else `Host`.
/// The bytes are compared first, so that a forged origin costs no parsing; only an equal one is
/// then checked to be written as browsers write an origin.
fn is_own<H: HeaderLines>(origin: &[u8], authority: Option<&[u8]>, headers: &H) -> bool {
    let Some(host) = after_scheme(origin) else {
        return false;
    };
    // A `Host` that contradicts the URI is never read.
    let same = if let Some(authority) = authority {
        authority == host
    } else {
        matches!(headers.single_line(Name::Host), Ok(Some(value)) if H::bytes(value) == host)
    };
    same && authority_of(origin).is_some()
}

/// What follows `scheme://` in `origin`: `https` and `http` compared whole, as most origins
/// are, any other scheme found by its colon.
#[inline]
fn after_scheme(origin: &[u8]) -> Option<&[u8]> {
    if let Some(rest) = origin.strip_prefix(b"https://") {
        return Some(rest);
    }
    if let Some(rest) = origin.strip_prefix(b"http://") {
        return Some(rest);
    }
    let colon = origin.iter().position(|&b| b == b':')?;
    origin[colon..].strip_prefix(b"://")
}

/// The `host[:port]` of an origin serialized as browsers serialize it, `scheme://host[:port]`,
/// or `None` for anything else: `null`, userinfo (`http://evil@host`), a path, a query, spaces.
fn authority_of(origin: &[u8]) -> Option<&[u8]> {
    let authority = after_scheme(origin)?;
    let scheme = &origin[..origin.len() - authority.len() - "://".len()];
    let [first, others @ ..] = scheme else {
        return None;
    };
    let scheme_ok = first.is_ascii_lowercase()
        && others.iter().all(|&b| {
            b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'+' | b'-' | b'.')
        });
    let port = if let Some(ipv6) = authority.strip_prefix(b"[") {
        let end = ipv6.iter().position(|&b| b == b']')?;
        let (address, after) = ipv6.split_at(end);
        let address_ok = !address.is_empty()
            && address
                .iter()
                .all(|&b| b.is_ascii_hexdigit() || b == b':' || b == b'.');
        if !address_ok {
            return None;
        }
        &after[1..]
    } else {
        let end = authority
            .iter()
            .position(|&b| b == b':')
            .unwrap_or(authority.len());
        let (host, after) = authority.split_at(end);
        let host_ok = !host.is_empty()
            && host.iter().all(|&b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'-' | b'.' | b'_')
            });
        if !host_ok {
            return None;
        }
        after
    };
    // A port as browsers write it: no leading zero, at most 65535.
    let port_ok = match port {
        [] => true,
        [b':', digits @ ..] => {
            matches!(digits, [b'1'..=b'9', ..])
                && digits.len() <= 5
                && digits
                    .iter()
                    .try_fold(0u32, |n, &b| {
                        b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0'))
                    })
                    .is_some_and(|port| port <= 65_535)
        }
        _ => false,
    };
    (scheme_ok && port_ok).then_some(authority)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_method_but_get_head_and_options_is_a_write() {
        for (method, write) in [
            ("GET", false),
            ("HEAD", false),
            ("OPTIONS", false),
            ("POST", true),
            ("PUT", true),
            ("DELETE", true),
            ("PATCH", true),
            ("CONNECT", true),
            ("TRACE", true),
            ("QUERY", true),
            ("get", true),
            ("PURGE", true),
        ] {
            let http = http::Method::from_bytes(method.as_bytes()).unwrap();
            assert_eq!(http.is_write(), write, "{method}");
            assert_eq!(http.is_options(), method == "OPTIONS", "{method}");
            #[cfg(feature = "actix")]
            {
                let actix = actix_web::http::Method::from_bytes(method.as_bytes()).unwrap();
                assert_eq!(actix.is_write(), write, "actix {method}");
                assert_eq!(actix.is_options(), method == "OPTIONS", "actix {method}");
            }
        }
    }

    #[test]
    fn only_a_serialized_origin_has_an_authority() {
        let cases: [(&[u8], Option<&[u8]>); 21] = [
            (b"https://app.example.com", Some(b"app.example.com")),
            (b"http://localhost:8080", Some(b"localhost:8080")),
            (b"http://127.0.0.1:3000", Some(b"127.0.0.1:3000")),
            (b"http://[::1]:3000", Some(b"[::1]:3000")),
            (b"http://[::1]", Some(b"[::1]")),
            (b"chrome-extension://abcdef", Some(b"abcdef")),
            (b"null", None),
            (b"", None),
            (b"http://evil@host", None),
            (b"https://host/path", None),
            (b"https://host?q", None),
            (b"https://host:", None),
            (b"https://host:123456", None),
            (b"https://host:65536", None),
            (b"https://host:080", None),
            (b"https://host:65535", Some(b"host:65535")),
            (b"https://Host", None),
            (b"HTTPS://host", None),
            (b"https:host", None),
            (b"https://", None),
            (b"https://[::1", None),
        ];
        for (origin, expected) in cases {
            assert_eq!(authority_of(origin), expected, "{}", origin.escape_ascii());
        }
    }
}
