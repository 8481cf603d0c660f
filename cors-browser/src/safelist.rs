//! What a page may send and read without the server's say: the Fetch Standard's CORS-safelisted
//! methods, request headers (with their value rules) and response headers.
//!
//! <https://fetch.spec.whatwg.org/#cors-safelisted-request-header>

use http::HeaderMap;

/// The longest value a safelisted request header may have, in bytes.
///
/// ```
/// assert_eq!(cors_browser::safelist::MAX_SAFELISTED_VALUE, 128);
/// ```
pub const MAX_SAFELISTED_VALUE: usize = 128;

/// The most bytes the safelisted request headers of one request may have together (names and
/// values); above it every one of them needs the preflight.
///
/// ```
/// assert_eq!(cors_browser::safelist::MAX_SAFELISTED_TOTAL, 1024);
/// ```
pub const MAX_SAFELISTED_TOTAL: usize = 1024;

/// Whether `method` (as sent, after normalization) needs no preflight: `GET`, `HEAD` or `POST`.
///
/// ```
/// use cors_browser::safelist::is_safelisted_method;
///
/// assert!(is_safelisted_method("POST") && !is_safelisted_method("PUT"));
/// ```
#[must_use]
pub fn is_safelisted_method(method: &str) -> bool {
    cors_rules::fetch::is_safelisted_method(method.as_bytes())
}

/// A byte Fetch calls a CORS-unsafe request-header byte: a control character other than tab,
/// or one of `"():<>?@[\]{}` and DEL.
fn is_unsafe_byte(byte: u8) -> bool {
    (byte < 0x20 && byte != b'\t')
        || matches!(
            byte,
            b'"' | b'('
                | b')'
                | b':'
                | b'<'
                | b'>'
                | b'?'
                | b'@'
                | b'['
                | b'\\'
                | b']'
                | b'{'
                | b'}'
                | 0x7f
        )
}

/// Whether a request header `name: value` may be sent without a preflight (Fetch: "CORS-safelisted
/// request-header"). `name` is compared case-insensitively.
///
/// ```
/// use cors_browser::safelist::is_safelisted_request_header;
///
/// assert!(is_safelisted_request_header("Content-Type", b"text/plain;garbage"));
/// assert!(!is_safelisted_request_header("content-type", b"text /plain"));
/// assert!(!is_safelisted_request_header("content-type", b"application/json"));
/// assert!(!is_safelisted_request_header("accept", &[b'a'; 129]));
/// ```
#[must_use]
pub fn is_safelisted_request_header(name: &str, value: &[u8]) -> bool {
    if value.len() > MAX_SAFELISTED_VALUE {
        return false;
    }
    match name.to_ascii_lowercase().as_str() {
        "accept" => !value.iter().copied().any(is_unsafe_byte),
        "accept-language" | "content-language" => value.iter().all(|&b| {
            b.is_ascii_alphanumeric() || matches!(b, b' ' | b'*' | b',' | b'-' | b'.' | b';' | b'=')
        }),
        "content-type" => {
            !value.iter().copied().any(is_unsafe_byte)
                && std::str::from_utf8(value)
                    .ok()
                    .and_then(mime_essence)
                    .is_some_and(|essence| {
                        matches!(
                            essence.as_str(),
                            "application/x-www-form-urlencoded"
                                | "multipart/form-data"
                                | "text/plain"
                        )
                    })
        }
        "range" => is_simple_range(value),
        _ => false,
    }
}

/// The essence (`type/subtype`, lowercase) of a MIME type, or `None` when it does not parse
/// (Fetch's "parse a MIME type": parameters are not needed to decide, and a parameter without
/// `=` is skipped, not an error).
///
/// ```
/// use cors_browser::safelist::mime_essence;
///
/// assert_eq!(mime_essence("Text/Plain; charset=utf-8").as_deref(), Some("text/plain"));
/// assert_eq!(mime_essence("text /plain"), None);
/// ```
#[must_use]
pub fn mime_essence(value: &str) -> Option<String> {
    let is_http_whitespace = |c: char| matches!(c, '\t' | '\n' | '\r' | ' ');
    let value = value.trim_matches(is_http_whitespace);
    let (kind, rest) = value.split_once('/')?;
    let subtype = rest
        .split_once(';')
        .map_or(rest, |(subtype, _)| subtype)
        .trim_end_matches(is_http_whitespace);
    let token = |s: &str| cors_rules::syntax::is_token(s.as_bytes());
    (token(kind) && token(subtype)).then(|| format!("{kind}/{subtype}").to_ascii_lowercase())
}

/// Whether a `Range` value is one a page may send without a preflight: `bytes=<start>-` or
/// `bytes=<start>-<end>` with `start <= end`, no whitespace. A suffix range (`bytes=-500`) and
/// several ranges are not.
///
/// ```
/// use cors_browser::safelist::is_simple_range;
///
/// assert!(is_simple_range(b"bytes=0-499"));
/// assert!(!is_simple_range(b"bytes=-500"));
/// ```
#[must_use]
pub fn is_simple_range(value: &[u8]) -> bool {
    let Some(range) = value.strip_prefix(b"bytes=") else {
        return false;
    };
    let Some(dash) = range.iter().position(|&b| b == b'-') else {
        return false;
    };
    let (start, end) = (&range[..dash], &range[dash + 1..]);
    let number = |digits: &[u8]| -> Option<u128> {
        if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
            return None;
        }
        // A start too large for any integer is still a number; it cannot be below an end.
        Some(
            std::str::from_utf8(digits)
                .ok()?
                .parse()
                .unwrap_or(u128::MAX),
        )
    };
    let Some(start) = number(start) else {
        return false;
    };
    end.is_empty() || number(end).is_some_and(|end| start <= end)
}

/// The names of `headers` a preflight must ask for (Fetch: "CORS-unsafe request-header names"):
/// lowercase, sorted, each once. When the safelisted headers together exceed
/// [`MAX_SAFELISTED_TOTAL`] bytes, they are all unsafe.
///
/// ```
/// use cors_browser::safelist::unsafe_request_header_names;
/// use http::HeaderMap;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("X-Token", "1".parse().unwrap());
/// headers.insert("content-type", "application/json".parse().unwrap());
/// headers.insert("accept", "*/*".parse().unwrap());
/// assert_eq!(unsafe_request_header_names(&headers), ["content-type", "x-token"]);
/// ```
#[must_use]
pub fn unsafe_request_header_names(headers: &HeaderMap) -> Vec<String> {
    let mut unsafe_names = Vec::new();
    let mut potentially = Vec::new();
    let mut safelisted_bytes = 0;
    // Each line on its own, as Fetch's header list holds them: a name appended twice is two
    // entries, each checked and each counted.
    for (name, value) in headers {
        if is_safelisted_request_header(name.as_str(), value.as_bytes()) {
            safelisted_bytes += value.len();
            potentially.push(name.as_str().to_owned());
        } else {
            unsafe_names.push(name.as_str().to_owned());
        }
    }
    if safelisted_bytes > MAX_SAFELISTED_TOTAL {
        unsafe_names.extend(potentially);
    }
    unsafe_names.sort();
    unsafe_names.dedup();
    unsafe_names
}

/// The value of every `name` line of `headers` joined with `, `, as browsers read a header
/// (Fetch: "get" a header from a header list), or `None` without one. Bytes that are not UTF-8
/// are replaced, as they would be for a script.
///
/// ```
/// use cors_browser::safelist::combined;
/// use http::HeaderMap;
///
/// let mut headers = HeaderMap::new();
/// headers.append("access-control-allow-origin", "*".parse().unwrap());
/// headers.append("access-control-allow-origin", "*".parse().unwrap());
/// assert_eq!(combined(&headers, "access-control-allow-origin").as_deref(), Some("*, *"));
/// ```
#[must_use]
pub fn combined(headers: &HeaderMap, name: &str) -> Option<String> {
    let mut lines = headers.get_all(name).iter().peekable();
    lines.peek()?;
    Some(
        lines
            .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned())
            .collect::<Vec<_>>()
            .join(", "),
    )
}

/// Response headers a script may read across origins without `Access-Control-Expose-Headers`
/// (Fetch: "CORS-safelisted response-header name").
///
/// ```
/// assert!(cors_browser::safelist::SAFELISTED_RESPONSE_HEADERS.contains(&"content-type"));
/// ```
pub const SAFELISTED_RESPONSE_HEADERS: [&str; 7] = [
    "cache-control",
    "content-language",
    "content-length",
    "content-type",
    "expires",
    "last-modified",
    "pragma",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_essences_from_fetch_and_wpt() {
        // fetch/api/cors/cors-preflight-not-cors-safelisted.any.js and the Fetch Standard.
        for safe in [
            "text/plain",
            "text/plain;garbage",
            "TEXT/PLAIN",
            "text/plain; charset=utf-8",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            " text/plain ",
            "text/plain ;x",
        ] {
            assert!(
                is_safelisted_request_header("content-type", safe.as_bytes()),
                "{safe}"
            );
        }
        for preflighted in [
            "text /plain",
            "application/json",
            "text/html",
            "text/plain\u{1}",
            "text/plain;\"",
            "text/plain; x=(y)",
            "",
            "text",
        ] {
            assert!(
                !is_safelisted_request_header("content-type", preflighted.as_bytes()),
                "{preflighted}"
            );
        }
    }

    #[test]
    fn value_rules_of_the_other_names() {
        assert!(is_safelisted_request_header("Accept", b"*/*"));
        assert!(!is_safelisted_request_header("accept", b"text/html(x)"));
        assert!(is_safelisted_request_header(
            "accept-language",
            b"en-US,en;q=0.9"
        ));
        assert!(!is_safelisted_request_header("accept-language", b"en_US"));
        assert!(!is_safelisted_request_header("content-language", b"en\""));
        assert!(!is_safelisted_request_header("x-anything", b"1"));
        assert!(!is_safelisted_request_header("authorization", b"Bearer t"));
        // 128 bytes pass, 129 do not.
        assert!(is_safelisted_request_header("accept", &[b'a'; 128]));
        assert!(!is_safelisted_request_header("accept", &[b'a'; 129]));
    }

    #[test]
    fn ranges_from_wpt() {
        // fetch/range/general.any.js and cors-preflight-not-cors-safelisted.any.js.
        for simple in ["bytes=0-", "bytes=100-200", "bytes=5-5", "bytes=0-1000000"] {
            assert!(is_simple_range(simple.as_bytes()), "{simple}");
        }
        for preflighted in [
            "bytes=-500",
            "bytes=200-100",
            "bytes=0-1,2-3",
            "bytes= 0-1",
            "bytes=0 -1",
            "BYTES=0-",
            "items=0-",
            "bytes=",
            "bytes=-",
            "bytes=a-",
        ] {
            assert!(!is_simple_range(preflighted.as_bytes()), "{preflighted}");
        }
    }

    #[test]
    fn unsafe_names_are_lowercase_sorted_and_once() {
        let mut headers = HeaderMap::new();
        headers.append("X-Token", "1".parse().unwrap());
        headers.append("content-type", "application/json".parse().unwrap());
        headers.append("x-token", "2".parse().unwrap());
        headers.append("accept", "*/*".parse().unwrap());
        assert_eq!(
            unsafe_request_header_names(&headers),
            ["content-type", "x-token"]
        );
    }

    #[test]
    fn safelisted_headers_over_1024_bytes_all_need_the_preflight() {
        let mut headers = HeaderMap::new();
        let long = "a".repeat(128);
        for name in ["accept", "accept-language", "content-language"] {
            headers.insert(name, long.parse().unwrap());
        }
        assert!(unsafe_request_header_names(&headers).is_empty());
        // Eight 128-byte lines are 1024 bytes, within the limit; ten more bytes cross it, and
        // then every safelisted name needs the preflight.
        let mut many = HeaderMap::new();
        for _ in 0..8 {
            many.append("accept", long.parse().unwrap());
        }
        assert!(unsafe_request_header_names(&many).is_empty());
        many.insert("content-type", "text/plain".parse().unwrap());
        assert_eq!(
            unsafe_request_header_names(&many),
            ["accept", "content-type"]
        );
    }

    #[test]
    fn combined_joins_lines_with_a_comma_and_a_space() {
        let mut headers = HeaderMap::new();
        assert_eq!(combined(&headers, "vary"), None);
        headers.append("vary", "origin".parse().unwrap());
        headers.append("vary", "accept".parse().unwrap());
        assert_eq!(
            combined(&headers, "Vary").as_deref(),
            Some("origin, accept")
        );
    }
}
