//! Preflights: the checks in Fetch order, every success header and every failure.

use crate::common;

use common::{
    cors_header_names, headers, lines, one, preflight, preflight_request, preflight_response,
};
use cors_runtime::{CorsPolicy, Rejection, cors_policy};
use http::{HeaderMap, Method, StatusCode};

static API: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com", "https://*.example.com", "http://localhost:*"],
    allow_methods: [PUT, delete, "PURGE", "patch"],
    allow_headers: ["content-type", "x-api-key"],
    expose_headers: ["x-request-id"],
    allow_credentials: true,
    max_age: 600,
};

static OPEN: CorsPolicy = cors_policy! {
    allow_origins: *,
    allow_methods: *,
    allow_headers: *,
};

const VARY_ALL: &str = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

#[test]
fn an_allowed_preflight_gets_every_success_header() {
    let request = preflight_request(
        "https://app.example.com",
        "PUT",
        Some("x-api-key,content-type"),
    );
    let verdict = preflight(&API, &request);
    assert!(verdict.is_allowed());
    assert_eq!(verdict.rejection(), None);
    assert_eq!(verdict.status(), StatusCode::NO_CONTENT);
    let response = preflight_response(&API, &request);
    assert_eq!(
        one(&response, "access-control-allow-origin"),
        Some("https://app.example.com")
    );
    assert_eq!(
        one(&response, "access-control-allow-credentials"),
        Some("true")
    );
    assert_eq!(one(&response, "access-control-allow-methods"), Some("PUT"));
    assert_eq!(
        one(&response, "access-control-allow-headers"),
        Some("x-api-key,content-type")
    );
    assert_eq!(one(&response, "access-control-max-age"), Some("600"));
    assert_eq!(one(&response, "vary"), Some(VARY_ALL));
    // Expose-Headers belongs on actual responses, not on preflights.
    assert_eq!(one(&response, "access-control-expose-headers"), None);
}

#[test]
fn safelisted_methods_and_no_requested_headers_need_no_allow_headers() {
    for method in ["GET", "HEAD", "POST"] {
        let response = preflight_response(
            &API,
            &preflight_request("https://app.example.com", method, None),
        );
        assert_eq!(
            cors_header_names(&response),
            [
                "access-control-allow-credentials",
                "access-control-allow-origin",
                "access-control-max-age"
            ],
            "{method}"
        );
    }
    // Empty elements are not requested names.
    let response = preflight_response(
        &API,
        &preflight_request("https://app.example.com", "GET", Some(" , ")),
    );
    assert_eq!(one(&response, "access-control-allow-headers"), None);
}

#[test]
fn methods_are_compared_byte_for_byte_after_compile_time_normalization() {
    let allowed = |method: &str| {
        preflight(
            &API,
            &preflight_request("https://app.example.com", method, None),
        )
        .is_allowed()
    };
    assert!(
        allowed("DELETE"),
        "`delete` in the policy is normalized to DELETE"
    );
    assert!(allowed("PURGE"));
    assert!(allowed("patch"));
    assert!(!allowed("PATCH"), "patch is case-sensitive");
    assert!(
        !allowed("put"),
        "browsers upper-case put before sending; `put` never arrives"
    );
    assert!(!allowed("get"));
    assert!(!allowed("OPTIONS"));
}

#[test]
fn each_failure_names_what_failed_and_sends_no_cors_headers() {
    let cases: [(HeaderMap, Rejection<'static>); 6] = [
        (
            preflight_request("https://evil.example", "PUT", None),
            Rejection::Origin(b"https://evil.example"),
        ),
        (
            preflight_request("https://app.example.com", "PATCH", None),
            Rejection::Method(b"PATCH"),
        ),
        (
            preflight_request(
                "https://app.example.com",
                "PUT",
                Some("content-type, x-other"),
            ),
            Rejection::Header(b"x-other"),
        ),
        (
            preflight_request(
                "https://app.example.com",
                "GET",
                Some("content-type,x-api-key,content-type"),
            ),
            Rejection::TooManyHeaders,
        ),
        (
            headers(&[
                ("origin", b"https://app.example.com"),
                ("origin", b"https://app.example.com"),
                ("access-control-request-method", b"GET"),
            ]),
            Rejection::MultipleOrigins,
        ),
        (
            headers(&[
                ("origin", b"https://app.example.com"),
                ("access-control-request-method", b"GET"),
                ("access-control-request-private-network", b"true"),
            ]),
            Rejection::PrivateNetwork,
        ),
    ];
    for (request, expected) in &cases {
        let verdict = preflight(&API, request);
        assert!(!verdict.is_allowed());
        assert_eq!(verdict.rejection().as_ref(), Some(expected));
        assert_eq!(verdict.status(), StatusCode::FORBIDDEN);
        let mut response = HeaderMap::new();
        verdict.write_headers(&mut response);
        assert!(
            cors_header_names(&response).is_empty(),
            "{expected:?}: {response:?}"
        );
        assert_eq!(
            one(&response, "vary"),
            Some(VARY_ALL),
            "caches must still key on the request"
        );
    }
}

#[test]
fn checks_run_in_fetch_order() {
    // Bad origin, method and header at once: the origin is reported.
    let request = preflight_request("https://evil.example", "PATCH", Some("x-other"));
    assert_eq!(
        preflight(&API, &request).rejection(),
        Some(Rejection::Origin(b"https://evil.example"))
    );
    // Good origin, bad method and header: the method.
    let request = preflight_request("https://app.example.com", "PATCH", Some("x-other"));
    assert_eq!(
        preflight(&API, &request).rejection(),
        Some(Rejection::Method(b"PATCH"))
    );
}

#[test]
fn rejection_display_is_loggable() {
    let request = preflight_request("https://app.example.com", "PUT", Some("x-other"));
    let rejection = preflight(&API, &request).rejection().unwrap();
    assert_eq!(
        rejection.to_string(),
        "request header `x-other` is not allowed"
    );
}

#[test]
fn request_header_list_tolerates_case_order_whitespace_and_split_lines() {
    let request = headers(&[
        ("origin", b"https://app.example.com"),
        ("access-control-request-method", b"PUT"),
        ("access-control-request-headers", b" X-Api-Key ,\t"),
        ("access-control-request-headers", b",CONTENT-TYPE"),
    ]);
    assert!(preflight(&API, &request).is_allowed());
    let response = preflight_response(&API, &request);
    // Each line is echoed as sent; browsers join them as one list.
    assert_eq!(
        lines(&response, "access-control-allow-headers"),
        [" X-Api-Key ,\t", ",CONTENT-TYPE"]
    );
}

#[test]
fn wildcard_policy_answers_with_stars() {
    let request = preflight_request(
        "https://anyone.example",
        "PATCH",
        Some("x-custom, content-type"),
    );
    let response = preflight_response(&OPEN, &request);
    assert_eq!(one(&response, "access-control-allow-origin"), Some("*"));
    assert_eq!(one(&response, "access-control-allow-methods"), Some("*"));
    assert_eq!(one(&response, "access-control-allow-headers"), Some("*"));
    assert_eq!(one(&response, "access-control-allow-credentials"), None);
    assert_eq!(
        one(&response, "vary"),
        Some("Access-Control-Request-Method, Access-Control-Request-Headers")
    );
}

#[test]
fn star_headers_leave_out_authorization_unless_listed() {
    static WITH_AUTH: CorsPolicy = cors_policy! {
        allow_origins: *,
        allow_headers: [*, "authorization"],
    };
    let request = preflight_request("https://anyone.example", "GET", Some("authorization"));
    assert_eq!(
        preflight(&OPEN, &request).rejection(),
        Some(Rejection::Header(b"authorization"))
    );
    let response = preflight_response(&WITH_AUTH, &request);
    assert_eq!(
        one(&response, "access-control-allow-headers"),
        Some("*,authorization")
    );
}

#[test]
fn with_credentials_stars_become_echoes() {
    static CREDENTIALED: CorsPolicy = cors_policy! {
        allow_origins: ["https://app.example.com"],
        allow_methods: *,
        allow_headers: *,
        allow_credentials: true,
    };
    let request = preflight_request(
        "https://app.example.com",
        "PATCH",
        Some("authorization,x-custom"),
    );
    let response = preflight_response(&CREDENTIALED, &request);
    assert_eq!(
        one(&response, "access-control-allow-methods"),
        Some("PATCH")
    );
    assert_eq!(
        one(&response, "access-control-allow-headers"),
        Some("authorization,x-custom")
    );
    // A method must still be a token, even under `*`.
    let request = preflight_request("https://app.example.com", "PA TCH", None);
    assert_eq!(
        preflight(&CREDENTIALED, &request).rejection(),
        Some(Rejection::Method(b"PA TCH"))
    );
}

#[test]
fn private_network_preflights_need_the_opt_in() {
    static PRIVATE: CorsPolicy = cors_policy! {
        allow_origins: ["https://app.example.com"],
        allow_private_network: true,
    };
    let request = headers(&[
        ("origin", b"https://app.example.com"),
        ("access-control-request-method", b"GET"),
        ("access-control-request-private-network", b"true"),
    ]);
    let response = preflight_response(&PRIVATE, &request);
    assert_eq!(
        one(&response, "access-control-allow-private-network"),
        Some("true")
    );
    assert_eq!(
        one(&response, "vary"),
        Some(
            "Origin, Access-Control-Request-Method, Access-Control-Request-Headers, Access-Control-Request-Private-Network"
        )
    );
    // Not requested: not answered.
    let response = preflight_response(
        &PRIVATE,
        &preflight_request("https://app.example.com", "GET", None),
    );
    assert_eq!(one(&response, "access-control-allow-private-network"), None);
}

#[test]
fn success_status_can_be_200() {
    static OLD_CLIENTS: CorsPolicy = cors_policy! {
        allow_origins: ["https://app.example.com"],
        preflight_success_status: 200,
    };
    let request = preflight_request("https://app.example.com", "GET", None);
    assert_eq!(preflight(&OLD_CLIENTS, &request).status(), StatusCode::OK);
    let refused = preflight_request("https://evil.example", "GET", None);
    assert_eq!(
        preflight(&OLD_CLIENTS, &refused).status(),
        StatusCode::FORBIDDEN
    );
}

#[test]
fn write_headers_owns_the_cors_headers_of_the_response() {
    let mut response = HeaderMap::new();
    response.insert("access-control-allow-methods", "TRACE".parse().unwrap());
    response.insert("access-control-expose-headers", "secret".parse().unwrap());
    response.insert("vary", "accept".parse().unwrap());
    let request = preflight_request("https://app.example.com", "PUT", None);
    preflight(&API, &request).write_headers(&mut response);
    assert_eq!(one(&response, "access-control-allow-methods"), Some("PUT"));
    assert_eq!(one(&response, "access-control-expose-headers"), None);
    assert_eq!(lines(&response, "vary")[0], "accept");
}

#[test]
fn options_without_request_method_is_an_actual_request() {
    let request = headers(&[("origin", b"https://app.example.com")]);
    assert!(matches!(
        API.check(&Method::OPTIONS, &request),
        cors_runtime::Verdict::Actual(_)
    ));
    let request = headers(&[("access-control-request-method", b"PUT")]);
    assert!(matches!(
        API.check(&Method::OPTIONS, &request),
        cors_runtime::Verdict::Actual(_)
    ));
    let request = preflight_request("https://app.example.com", "PUT", None);
    assert!(matches!(
        API.check(&Method::POST, &request),
        cors_runtime::Verdict::Actual(_)
    ));
}

#[test]
fn odd_request_method_lines_are_rejected() {
    let request = headers(&[
        ("origin", b"https://app.example.com"),
        ("access-control-request-method", b"PUT"),
        ("access-control-request-method", b"PUT"),
    ]);
    assert_eq!(
        preflight(&API, &request).rejection(),
        Some(Rejection::MultipleMethods)
    );
    let request = preflight_request("https://app.example.com", "", None);
    assert_eq!(
        preflight(&API, &request).rejection(),
        Some(Rejection::Method(b""))
    );
}
