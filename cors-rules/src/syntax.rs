//! The syntax of methods and header names, and the methods browsers treat specially.

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

/// Whether browsers refuse to let a script send `method` at all (`CONNECT`, `TRACE`, `TRACK`, in
/// any case), so that allowing it has no effect.
#[must_use]
pub fn is_forbidden_method(method: &str) -> bool {
    ["CONNECT", "TRACE", "TRACK"]
        .iter()
        .any(|forbidden| forbidden.eq_ignore_ascii_case(method))
}

/// An RFC 9110 token: the syntax of methods and header names.
#[must_use]
pub fn is_token(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_and_methods() {
        assert!(is_token(b"x-request-id") && is_token(b"PURGE") && is_token(b"a!#$%&'*+-.^_`|~"));
        assert!(!is_token(b"") && !is_token(b"a b") && !is_token(b"a:b") && !is_token(b"\xff"));
        assert!(is_safelisted_method(b"GET") && !is_safelisted_method(b"get"));
        assert_eq!(normalize_method("delete"), "DELETE");
        assert_eq!(normalize_method("patch"), "patch");
        assert!(is_forbidden_method("Track") && !is_forbidden_method("TRACKS"));
    }
}
