//! The CORS check of a response, and the header lists a preflight's answer carries.
//!
//! <https://fetch.spec.whatwg.org/#cors-check>

use http::{HeaderMap, HeaderName, header};

use crate::failure::Failure;
use crate::safelist::{SAFELISTED_RESPONSE_HEADERS, combined};

/// Fetch's CORS check: whether `response` lets a page at `origin` read it, with credentials or
/// not. Several `Access-Control-Allow-Origin` lines are read as one value joined with `, `, which
/// then matches nothing.
///
/// ```
/// use cors_browser::Failure;
/// use cors_browser::cors::cors_check;
/// use http::HeaderMap;
///
/// let mut response = HeaderMap::new();
/// response.insert("access-control-allow-origin", "*".parse().unwrap());
/// assert_eq!(cors_check(&response, "https://app.example.com", false), Ok(()));
/// assert_eq!(
///     cors_check(&response, "https://app.example.com", true),
///     Err(Failure::WildcardWithCredentials)
/// );
/// ```
///
/// # Errors
///
/// The failure, with the value the server sent.
pub fn cors_check(response: &HeaderMap, origin: &str, credentials: bool) -> Result<(), Failure> {
    let Some(allowed) = combined(response, header::ACCESS_CONTROL_ALLOW_ORIGIN.as_str()) else {
        return Err(Failure::MissingAllowOrigin);
    };
    if allowed == "*" && !credentials {
        return Ok(());
    }
    if allowed != origin {
        return Err(if allowed == "*" {
            Failure::WildcardWithCredentials
        } else if allowed.contains(',') {
            Failure::MultipleAllowOrigin { value: allowed }
        } else {
            Failure::AllowOriginMismatch { value: allowed }
        });
    }
    if !credentials {
        return Ok(());
    }
    match combined(response, header::ACCESS_CONTROL_ALLOW_CREDENTIALS.as_str()) {
        Some(value) if value == "true" => Ok(()),
        value => Err(Failure::AllowCredentials { value }),
    }
}

/// The elements of a comma-separated list header (Fetch: "extract header list values"), every
/// line of it: `Ok(None)` when the header is absent; empty elements are skipped.
///
/// # Errors
///
/// The first element that is not an RFC 9110 token: then the whole list fails, as it does in
/// browsers.
///
/// ```
/// use cors_browser::cors::token_list;
/// use http::{HeaderMap, header};
///
/// let mut headers = HeaderMap::new();
/// headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, "PUT, ,patch".parse().unwrap());
/// let methods = token_list(&headers, &header::ACCESS_CONTROL_ALLOW_METHODS).unwrap();
/// assert_eq!(methods.unwrap(), ["PUT", "patch"]);
/// headers.insert(header::ACCESS_CONTROL_ALLOW_METHODS, "PUT, no no".parse().unwrap());
/// assert!(token_list(&headers, &header::ACCESS_CONTROL_ALLOW_METHODS).is_err());
/// ```
pub fn token_list(headers: &HeaderMap, name: &HeaderName) -> Result<Option<Vec<String>>, Failure> {
    let Some(value) = combined(headers, name.as_str()) else {
        return Ok(None);
    };
    let mut tokens = Vec::new();
    for element in value.split(',') {
        let element = element.trim_matches([' ', '\t']);
        if element.is_empty() {
            continue;
        }
        if !cors_rules::syntax::is_token(element.as_bytes()) {
            return Err(Failure::InvalidList {
                header: name.clone(),
                token: element.to_owned(),
            });
        }
        tokens.push(element.to_owned());
    }
    Ok(Some(tokens))
}

/// How long a preflight's answer may be cached, in seconds: `Access-Control-Max-Age` if it is a
/// number (capped at `cap`), else the Fetch Standard's 5 s.
///
/// ```
/// use cors_browser::cors::max_age;
/// use http::HeaderMap;
///
/// let mut headers = HeaderMap::new();
/// assert_eq!(max_age(&headers, 600), 5);
/// headers.insert("access-control-max-age", "86400".parse().unwrap());
/// assert_eq!(max_age(&headers, 600), 600);
/// ```
#[must_use]
pub fn max_age(headers: &HeaderMap, cap: u64) -> u64 {
    let value = combined(headers, header::ACCESS_CONTROL_MAX_AGE.as_str());
    value
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .map_or(5, |v| v.parse().unwrap_or(u64::MAX))
        .min(cap)
}

/// The response headers a script reads across origins (Fetch: a CORS-filtered response): the
/// safelisted ones, those `Access-Control-Expose-Headers` names, and with `*` (only without
/// credentials) every one; never `Set-Cookie`. An expose list that does not parse exposes
/// nothing beyond the safelisted headers.
///
/// ```
/// use cors_browser::cors::readable_headers;
/// use http::HeaderMap;
///
/// let mut response = HeaderMap::new();
/// response.insert("content-type", "text/plain".parse().unwrap());
/// response.insert("bb-8", "droid".parse().unwrap());
/// response.insert("access-control-expose-headers", "bb-8, no no".parse().unwrap());
/// let readable = readable_headers(&response, false);
/// assert!(readable.contains_key("content-type") && !readable.contains_key("bb-8"));
/// ```
#[must_use]
pub fn readable_headers(response: &HeaderMap, credentials: bool) -> HeaderMap {
    let exposed = token_list(response, &header::ACCESS_CONTROL_EXPOSE_HEADERS)
        .ok()
        .flatten()
        .unwrap_or_default();
    let any = !credentials && exposed.iter().any(|name| name == "*");
    let mut readable = HeaderMap::new();
    for (name, value) in response {
        let name_str = name.as_str();
        if cors_rules::fetch::NEVER_EXPOSED_HEADERS.contains(&name_str) {
            continue;
        }
        if any
            || SAFELISTED_RESPONSE_HEADERS.contains(&name_str)
            || exposed.iter().any(|e| e.eq_ignore_ascii_case(name_str))
        {
            readable.append(name.clone(), value.clone());
        }
    }
    readable
}

/// What a script reads of a same-origin response: everything but `Set-Cookie`.
///
/// ```
/// use cors_browser::cors::basic_headers;
/// use http::HeaderMap;
///
/// let mut response = HeaderMap::new();
/// response.insert("set-cookie", "session=1".parse().unwrap());
/// response.insert("x-internal", "1".parse().unwrap());
/// let readable = basic_headers(&response);
/// assert!(readable.contains_key("x-internal") && !readable.contains_key("set-cookie"));
/// ```
#[must_use]
pub fn basic_headers(response: &HeaderMap) -> HeaderMap {
    let mut readable = response.clone();
    for name in cors_rules::fetch::NEVER_EXPOSED_HEADERS {
        readable.remove(name);
    }
    readable
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(lines: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in lines {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    const PAGE: &str = "https://app.example.com";

    #[test]
    fn the_cors_check_from_wpt() {
        // cors/access-control-expose-headers… and fetch/api/cors/cors-origin.any.js.
        let ok =
            |lines: &[(&str, &str)], credentials| cors_check(&headers(lines), PAGE, credentials);
        assert_eq!(ok(&[("access-control-allow-origin", "*")], false), Ok(()));
        assert_eq!(
            ok(&[("access-control-allow-origin", "*")], true),
            Err(Failure::WildcardWithCredentials)
        );
        assert!(matches!(
            ok(&[("access-control-allow-origin", "*, *")], false),
            Err(Failure::MultipleAllowOrigin { .. })
        ));
        assert!(matches!(
            ok(
                &[
                    ("access-control-allow-origin", "*"),
                    ("access-control-allow-origin", "*")
                ],
                false
            ),
            Err(Failure::MultipleAllowOrigin { .. })
        ));
        assert_eq!(ok(&[("access-control-allow-origin", PAGE)], false), Ok(()));
        assert!(matches!(
            ok(
                &[("access-control-allow-origin", "https://APP.example.com")],
                false
            ),
            Err(Failure::AllowOriginMismatch { .. })
        ));
        assert!(matches!(
            ok(
                &[("access-control-allow-origin", "https://app.example.com/")],
                false
            ),
            Err(Failure::AllowOriginMismatch { .. })
        ));
        assert!(matches!(ok(&[], false), Err(Failure::MissingAllowOrigin)));
        assert_eq!(
            ok(&[("access-control-allow-origin", PAGE)], true),
            Err(Failure::AllowCredentials { value: None })
        );
        assert_eq!(
            ok(
                &[
                    ("access-control-allow-origin", PAGE),
                    ("access-control-allow-credentials", "TRUE")
                ],
                true
            ),
            Err(Failure::AllowCredentials {
                value: Some("TRUE".to_owned())
            })
        );
        assert_eq!(
            ok(
                &[
                    ("access-control-allow-origin", PAGE),
                    ("access-control-allow-credentials", "true")
                ],
                true
            ),
            Ok(())
        );
    }

    #[test]
    fn token_lists() {
        let name = header::ACCESS_CONTROL_ALLOW_METHODS;
        let list = |value: &str| token_list(&headers(&[(name.as_str(), value)]), &name);
        assert_eq!(
            list("PUT, patch,,DELETE").unwrap().unwrap(),
            ["PUT", "patch", "DELETE"]
        );
        assert!(
            matches!(list("PUT, no no"), Err(Failure::InvalidList { token, .. }) if token == "no no")
        );
        assert!(list("PUT;x").is_err());
        assert_eq!(token_list(&HeaderMap::new(), &name), Ok(None));
    }

    #[test]
    fn max_age_defaults_and_caps() {
        let age = |value: &str| max_age(&headers(&[("access-control-max-age", value)]), 600);
        assert_eq!(max_age(&HeaderMap::new(), 600), 5);
        assert_eq!(age("0"), 0);
        assert_eq!(age("86400"), 600);
        assert_eq!(age("99999999999999999999999"), 600);
        assert_eq!(age("-1"), 5);
        assert_eq!(age("1.5"), 5);
    }

    #[test]
    fn readable_headers_from_wpt() {
        let response = headers(&[
            ("content-type", "text/plain"),
            ("x-request-id", "42"),
            ("x-internal", "secret"),
            ("set-cookie", "a=b"),
        ]);
        let read = |extra: &[(&str, &str)], credentials| {
            let mut all = response.clone();
            for (name, value) in extra {
                all.append(
                    HeaderName::from_bytes(name.as_bytes()).unwrap(),
                    value.parse().unwrap(),
                );
            }
            let mut names: Vec<String> = readable_headers(&all, credentials)
                .keys()
                .map(|n| n.as_str().to_owned())
                .collect();
            names.sort();
            names
        };
        assert_eq!(read(&[], false), ["content-type"]);
        assert_eq!(
            read(&[("access-control-expose-headers", "X-Request-Id")], false),
            ["content-type", "x-request-id"]
        );
        // cors/access-control-expose-headers.htm: one bad element exposes nothing.
        assert_eq!(
            read(&[("access-control-expose-headers", "bb-8, no no")], false),
            ["content-type"]
        );
        let any = read(&[("access-control-expose-headers", "*")], false);
        assert!(any.contains(&"x-internal".to_owned()) && !any.contains(&"set-cookie".to_owned()));
        assert_eq!(
            read(&[("access-control-expose-headers", "*")], true),
            ["content-type"]
        );
        assert_eq!(
            read(&[("access-control-expose-headers", "set-cookie")], false),
            ["content-type"]
        );
        assert!(!basic_headers(&response).contains_key("set-cookie"));
    }
}
