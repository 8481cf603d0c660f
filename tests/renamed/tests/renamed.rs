//! `cors-runtime` renamed to `web_cors` and `http` to `not_http` in Cargo.toml: the macro still
//! expands, because generated code reaches the runtime only through `$crate`.

use not_http::{HeaderMap, HeaderValue, Method, header};
use web_cors::{CorsPolicy, Verdict, cors_policy};

static POLICY: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com", "https://*.example.com"],
    allow_methods: [PUT],
    max_age: 600,
};

#[test]
fn a_renamed_runtime_still_expands_and_answers() {
    let mut request = HeaderMap::new();
    request.insert(
        header::ORIGIN,
        HeaderValue::from_static("https://a.example.com"),
    );
    request.insert(
        header::ACCESS_CONTROL_REQUEST_METHOD,
        HeaderValue::from_static("PUT"),
    );
    let Verdict::Preflight(preflight) = POLICY.check(&Method::OPTIONS, &request) else {
        panic!("expected a preflight");
    };
    assert!(preflight.is_allowed());
    let mut response = HeaderMap::new();
    preflight.write_headers(&mut response);
    assert_eq!(
        response[header::ACCESS_CONTROL_ALLOW_ORIGIN],
        "https://a.example.com"
    );
    assert_eq!(response[header::ACCESS_CONTROL_MAX_AGE], "600");
}
