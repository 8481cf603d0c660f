//! The token syntax of methods and header names (RFC 9110).

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
    fn tokens() {
        assert!(is_token(b"x-request-id") && is_token(b"PURGE") && is_token(b"a!#$%&'*+-.^_`|~"));
        assert!(!is_token(b"") && !is_token(b"a b") && !is_token(b"a:b") && !is_token(b"\xff"));
    }
}
