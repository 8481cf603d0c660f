//! What the Fetch Standard and browsers fix, whatever a policy says: the methods and headers
//! they treat specially, and the longest preflight cache they honour.

/// Whether `method` is CORS-safelisted (GET, HEAD, POST), compared byte for byte as browsers
/// send it: a preflight for one needs no `Access-Control-Allow-Methods`, and a policy never
/// needs to list them.
#[must_use]
pub const fn is_safelisted_method(method: &[u8]) -> bool {
    matches!(method, b"GET" | b"HEAD" | b"POST")
}

/// Methods browsers upper-case before sending (the Fetch Standard's "normalize a method").
pub const NORMALIZED_METHODS: [&str; 6] = ["DELETE", "GET", "HEAD", "OPTIONS", "POST", "PUT"];

/// A method as a browser sends it: one of [`NORMALIZED_METHODS`] in any case becomes upper case,
/// every other method is case-sensitive and kept as written.
#[must_use]
pub fn normalize_method(method: &str) -> String {
    NORMALIZED_METHODS
        .iter()
        .find(|known| known.eq_ignore_ascii_case(method))
        .map_or_else(|| method.to_owned(), |&known| known.to_owned())
}

/// The methods browsers refuse to let a script send, compared case-insensitively.
pub const FORBIDDEN_METHODS: [&str; 3] = ["CONNECT", "TRACE", "TRACK"];

/// Whether browsers refuse to let a script send `method` at all (`CONNECT`, `TRACE`, `TRACK`, in
/// any case), so that allowing it has no effect.
#[must_use]
pub fn is_forbidden_method(method: &str) -> bool {
    FORBIDDEN_METHODS
        .iter()
        .any(|forbidden| forbidden.eq_ignore_ascii_case(method))
}

/// The request-header names browsers never let scripts set (Fetch's forbidden request-header
/// names), besides those starting with [`FORBIDDEN_REQUEST_HEADER_PREFIXES`].
pub const FORBIDDEN_REQUEST_HEADERS: [&str; 21] = [
    "accept-charset",
    "accept-encoding",
    "access-control-request-headers",
    "access-control-request-method",
    "connection",
    "content-length",
    "cookie",
    "cookie2",
    "date",
    "dnt",
    "expect",
    "host",
    "keep-alive",
    "origin",
    "referer",
    "set-cookie",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
];

/// Every request-header name with one of these prefixes is forbidden too.
pub const FORBIDDEN_REQUEST_HEADER_PREFIXES: [&str; 2] = ["proxy-", "sec-"];

/// Whether browsers never let a script set the (lowercase) request header `name`.
#[must_use]
pub fn is_forbidden_request_header(name: &str) -> bool {
    FORBIDDEN_REQUEST_HEADERS.contains(&name)
        || FORBIDDEN_REQUEST_HEADER_PREFIXES
            .iter()
            .any(|prefix| name.starts_with(prefix))
}

/// Whether the (lowercase) `name` is a CORS response header, which a request never carries.
#[must_use]
pub fn is_cors_response_header(name: &str) -> bool {
    name.starts_with("access-control-allow-")
        || name == "access-control-max-age"
        || name == "access-control-expose-headers"
}

/// The (lowercase) response headers browsers hide from scripts whatever
/// `Access-Control-Expose-Headers` says.
pub const NEVER_EXPOSED_HEADERS: [&str; 2] = ["set-cookie", "set-cookie2"];

/// The longest `max_age` a policy may set, in seconds: a day. Browsers cap the preflight cache
/// (Chromium at 7200 s, Firefox at 86400 s), so a longer one would only mislead its reader.
pub const MAX_AGE_LIMIT: u64 = 86_400;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_browsers_treat_specially() {
        assert!(is_safelisted_method(b"GET") && !is_safelisted_method(b"get"));
        assert_eq!(normalize_method("delete"), "DELETE");
        assert_eq!(normalize_method("patch"), "patch");
        assert!(is_forbidden_method("Track") && !is_forbidden_method("TRACKS"));
    }

    #[test]
    fn forbidden_and_response_only_header_names() {
        for name in ["cookie", "proxy-authorization", "sec-fetch-mode", "host"] {
            assert!(is_forbidden_request_header(name), "{name}");
        }
        for name in ["content-type", "authorization", "x-sec-token", "cookies"] {
            assert!(!is_forbidden_request_header(name), "{name}");
        }
        assert!(is_cors_response_header("access-control-allow-origin"));
        assert!(is_cors_response_header("access-control-max-age"));
        assert!(!is_cors_response_header("access-control-request-method"));
    }
}
