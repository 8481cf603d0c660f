//! Actual requests: allowed, disallowed, without Origin; `*` policies; `Vary`.

use crate::common;

use common::{actual, actual_response, cors_header_names, headers, lines, one};
use cors_runtime::{CorsPolicy, cors_policy};
use http::{HeaderMap, Method};

static API: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com", "https://*.example.com"],
    expose_headers: ["x-request-id", "X-Trace"],
    allow_credentials: true,
};

static PUBLIC: CorsPolicy = cors_policy! {
    allow_origins: *,
    expose_headers: ["x-request-id"],
};

fn from(origin: &str) -> HeaderMap {
    headers(&[("origin", origin.as_bytes())])
}

#[test]
fn an_allowed_origin_gets_its_origin_credentials_and_exposed_headers() {
    for origin in ["https://app.example.com", "https://eu.api.example.com"] {
        assert!(actual(&API, &Method::GET, &from(origin)).is_allowed());
        let response = actual_response(&API, &from(origin), HeaderMap::new());
        assert_eq!(one(&response, "access-control-allow-origin"), Some(origin));
        assert_eq!(
            one(&response, "access-control-allow-credentials"),
            Some("true")
        );
        assert_eq!(
            one(&response, "access-control-expose-headers"),
            Some("x-request-id, x-trace")
        );
        assert_eq!(one(&response, "vary"), Some("Origin"));
    }
}

#[test]
fn a_disallowed_or_missing_origin_gets_only_vary() {
    for request in [from("https://evil.example"), HeaderMap::new(), from("")] {
        assert!(!actual(&API, &Method::POST, &request).is_allowed());
        let response = actual_response(&API, &request, HeaderMap::new());
        assert!(cors_header_names(&response).is_empty(), "{request:?}");
        assert_eq!(lines(&response, "vary"), ["Origin"]);
    }
}

#[test]
fn several_origin_lines_are_not_allowed() {
    let request = headers(&[
        ("origin", b"https://app.example.com"),
        ("origin", b"https://app.example.com"),
    ]);
    assert!(!actual(&API, &Method::GET, &request).is_allowed());
}

#[test]
fn wildcard_policy_answers_every_request_without_vary() {
    for request in [
        from("https://anyone.example"),
        HeaderMap::new(),
        from("null"),
    ] {
        assert!(actual(&PUBLIC, &Method::GET, &request).is_allowed());
        let response = actual_response(&PUBLIC, &request, HeaderMap::new());
        assert_eq!(one(&response, "access-control-allow-origin"), Some("*"));
        assert_eq!(
            one(&response, "access-control-expose-headers"),
            Some("x-request-id")
        );
        assert_eq!(one(&response, "access-control-allow-credentials"), None);
        assert_eq!(one(&response, "vary"), None);
    }
}

#[test]
fn the_handlers_vary_is_kept_and_origin_appended_once() {
    let mut handler = HeaderMap::new();
    handler.append("vary", "accept-encoding".parse().unwrap());
    handler.append("vary", "cookie".parse().unwrap());
    let response = actual_response(&API, &from("https://app.example.com"), handler);
    assert_eq!(
        lines(&response, "vary"),
        ["accept-encoding", "cookie", "Origin"]
    );

    let mut handler = HeaderMap::new();
    handler.insert("vary", "Accept, origin".parse().unwrap());
    let response = actual_response(&API, &from("https://evil.example"), handler);
    assert_eq!(lines(&response, "vary"), ["Accept, origin"]);

    let mut handler = HeaderMap::new();
    handler.insert("vary", "*".parse().unwrap());
    let response = actual_response(&API, &from("https://app.example.com"), handler);
    assert_eq!(lines(&response, "vary"), ["*"]);
}

#[test]
fn cors_headers_are_one_line_replacing_the_handlers() {
    let mut handler = HeaderMap::new();
    handler.append("access-control-allow-origin", "*".parse().unwrap());
    handler.append(
        "access-control-allow-origin",
        "https://other.example".parse().unwrap(),
    );
    handler.insert("access-control-expose-headers", "x-secret".parse().unwrap());
    handler.insert("x-request-id", "42".parse().unwrap());
    let response = actual_response(&API, &from("https://app.example.com"), handler.clone());
    assert_eq!(
        lines(&response, "access-control-allow-origin"),
        ["https://app.example.com"]
    );
    assert_eq!(
        lines(&response, "access-control-expose-headers"),
        ["x-request-id, x-trace"]
    );
    assert_eq!(one(&response, "x-request-id"), Some("42"));

    // For a disallowed origin the handler cannot widen the policy either.
    let response = actual_response(&API, &from("https://evil.example"), handler);
    assert!(cors_header_names(&response).is_empty());
    assert_eq!(one(&response, "x-request-id"), Some("42"));
}

#[test]
fn without_credentials_the_credentials_header_is_never_sent() {
    static NO_CREDENTIALS: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };
    let mut handler = HeaderMap::new();
    handler.insert("access-control-allow-credentials", "true".parse().unwrap());
    let response = actual_response(&NO_CREDENTIALS, &from("https://app.example.com"), handler);
    assert_eq!(
        one(&response, "access-control-allow-origin"),
        Some("https://app.example.com")
    );
    assert_eq!(one(&response, "access-control-allow-credentials"), None);
    assert_eq!(one(&response, "access-control-expose-headers"), None);
}

#[test]
fn the_verdict_outlives_the_request() {
    let request = from("https://eu.example.com");
    let verdict = actual(&API, &Method::GET, &request);
    drop(request);
    let mut response = HeaderMap::new();
    verdict.write_headers(&mut response);
    assert_eq!(
        one(&response, "access-control-allow-origin"),
        Some("https://eu.example.com")
    );
}
