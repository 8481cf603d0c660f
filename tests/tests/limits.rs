//! The limits of what the runtime reads, each refused cleanly: the longest `Origin` a policy
//! considers, the bounds of the request-header list, repeated lines, bytes that are not visible
//! ASCII, and empty values. Where a limit bounds work, the test shows the reading stopped: the
//! refusal names what it saw at the bound, not what lies past it.

use crate::common;

use common::{headers, preflight, preflight_request, preflight_response};
use cors_runtime::{CorsPolicy, Rejection, cors_policy};
use http::{HeaderMap, Method};

static API: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com", "https://*.example.com"],
    allow_methods: [PUT],
    allow_headers: ["content-type", "x-api-key"],
};

static OPEN: CorsPolicy = cors_policy! { allow_origins: *, allow_headers: * };

static EXACT: CorsPolicy = cors_policy! { allow_origins: ["https://app.example.com"] };

/// `https://<labels>.example.com` whose host is `host_length` bytes long.
fn subdomain_origin(host_length: usize) -> String {
    let labels_length = host_length - ".example.com".len();
    let labels: String = (0..labels_length)
        .map(|i| if i % 50 == 49 { '.' } else { 'a' })
        .collect();
    format!("https://{labels}.example.com")
}

#[test]
fn a_subdomain_host_is_considered_up_to_253_bytes_the_dns_limit() {
    let longest = subdomain_origin(253);
    assert!(API.allows_origin(longest.as_bytes()), "{longest}");
    assert!(!API.allows_origin(subdomain_origin(254).as_bytes()));
}

#[test]
fn an_origin_of_a_mebibyte_is_refused_with_its_bytes() {
    let huge = format!("https://{}.example.com", "a".repeat(1 << 20));
    let request = preflight_request(&huge, "PUT", None);
    let verdict = preflight(&API, &request);
    assert_eq!(
        verdict.rejection(),
        Some(Rejection::Origin(huge.as_bytes()))
    );
    // Also for a policy without patterns, and for an actual request.
    assert!(!EXACT.allows_origin(huge.as_bytes()));
    let actual = common::actual(&API, &Method::GET, &headers(&[("origin", huge.as_bytes())]));
    assert!(!actual.is_allowed());
}

#[test]
fn the_header_list_is_read_no_further_than_the_policy_allows() {
    // Two names listed: a third name is refused as "too many" before it is looked at, even
    // when an unlisted name lies further on.
    let mut list = "content-type,".repeat(3);
    list.push_str(&"x-late,".repeat(100_000));
    let request = preflight_request("https://app.example.com", "PUT", Some(&list));
    assert_eq!(
        preflight(&API, &request).rejection(),
        Some(Rejection::TooManyHeaders)
    );

    // Eight empty elements are tolerated; the ninth ends the reading.
    let eight = format!("content-type{}", ",".repeat(8));
    let request = preflight_request("https://app.example.com", "PUT", Some(&eight));
    assert!(preflight(&API, &request).is_allowed());
    let nine = format!("content-type{}", ",".repeat(9));
    let request = preflight_request("https://app.example.com", "PUT", Some(&nine));
    assert_eq!(
        preflight(&API, &request).rejection(),
        Some(Rejection::TooManyHeaders)
    );
    let endless = ",".repeat(1 << 20);
    let request = preflight_request("https://app.example.com", "PUT", Some(&endless));
    assert_eq!(
        preflight(&API, &request).rejection(),
        Some(Rejection::TooManyHeaders)
    );
}

#[test]
fn an_element_is_read_no_longer_than_the_longest_listed_name() {
    // The longest listed name is `content-type`, 12 bytes: a name of a mebibyte is refused
    // with its first 64 bytes, enough to name it in a log, and nothing past them is read.
    let long = format!("x{}", "y".repeat(1 << 20));
    let request = preflight_request("https://app.example.com", "PUT", Some(&long));
    assert_eq!(
        preflight(&API, &request).rejection(),
        Some(Rejection::Header(&long.as_bytes()[..64]))
    );

    // Up to 8 spaces or tabs on each side of a name are tolerated.
    let padded = format!("{0}content-type{0}, \tx-api-key", " \t  \t  \t");
    let request = preflight_request("https://app.example.com", "PUT", Some(&padded));
    assert!(preflight(&API, &request).is_allowed());
    let overpadded = format!("{0}content-type{0}", " ".repeat(9));
    let request = preflight_request("https://app.example.com", "PUT", Some(&overpadded));
    assert!(matches!(
        preflight(&API, &request).rejection(),
        Some(Rejection::Header(_))
    ));
}

#[test]
fn with_any_header_the_list_is_bounded_by_64_names_of_128_bytes() {
    let names: Vec<String> = (0..64).map(|i| format!("x-{i}")).collect();
    let request = preflight_request("https://a.example", "GET", Some(&names.join(",")));
    assert!(preflight(&OPEN, &request).is_allowed());
    let names: Vec<String> = (0..65).map(|i| format!("x-{i}")).collect();
    let request = preflight_request("https://a.example", "GET", Some(&names.join(",")));
    assert_eq!(
        preflight(&OPEN, &request).rejection(),
        Some(Rejection::TooManyHeaders)
    );

    let name = "x".repeat(128);
    let request = preflight_request("https://a.example", "GET", Some(&name));
    assert!(preflight(&OPEN, &request).is_allowed());
    let name = "x".repeat(129);
    let request = preflight_request("https://a.example", "GET", Some(&name));
    assert_eq!(
        preflight(&OPEN, &request).rejection(),
        Some(Rejection::Header(&name.as_bytes()[..64]))
    );
}

#[test]
fn repeated_origin_or_method_lines_are_refused() {
    let two_origins = headers(&[
        ("origin", b"https://app.example.com"),
        ("origin", b"https://evil.example"),
        ("access-control-request-method", b"PUT"),
    ]);
    assert_eq!(
        preflight(&API, &two_origins).rejection(),
        Some(Rejection::MultipleOrigins)
    );
    assert_eq!(
        preflight(&OPEN, &two_origins).rejection(),
        Some(Rejection::MultipleOrigins)
    );
    let two_methods = headers(&[
        ("origin", b"https://app.example.com"),
        ("access-control-request-method", b"PUT"),
        ("access-control-request-method", b"DELETE"),
    ]);
    assert_eq!(
        preflight(&API, &two_methods).rejection(),
        Some(Rejection::MultipleMethods)
    );
}

#[test]
fn bytes_that_are_not_visible_ascii_are_refused() {
    let cases: [(&str, &[u8]); 4] = [
        ("origin", b"https://app.example.com\t"),
        ("origin", b"https://\xe4pp.example.com"),
        ("origin", b"https://a\x80.example.com"),
        ("access-control-request-method", b"P\xffT"),
    ];
    for (name, value) in cases {
        let mut pairs = vec![
            ("origin", &b"https://app.example.com"[..]),
            ("access-control-request-method", b"PUT"),
        ];
        pairs.retain(|(n, _)| *n != name);
        pairs.push((name, value));
        let request = headers(&pairs);
        let verdict = preflight(&API, &request);
        assert!(!verdict.is_allowed(), "{name}: {value:?}");
        assert!(
            verdict.rejection().unwrap().to_string().is_ascii(),
            "a loggable rejection"
        );
    }
    let request = preflight_request(
        "https://app.example.com",
        "PUT",
        Some("content-type,x-\u{e9}"),
    );
    assert_eq!(
        preflight(&API, &request).rejection(),
        Some(Rejection::Header("x-\u{e9}".as_bytes()))
    );
    let request = preflight_request("https://a.example", "GET", Some("x-\u{e9}"));
    assert!(
        !preflight(&OPEN, &request).is_allowed(),
        "with `*` a name must still be a token"
    );
}

#[test]
fn empty_values_are_refused_or_ignored_as_fits() {
    let empty_origin = preflight_request("", "PUT", None);
    assert_eq!(
        preflight(&API, &empty_origin).rejection(),
        Some(Rejection::Origin(b""))
    );
    let empty_method = preflight_request("https://app.example.com", "", None);
    assert_eq!(
        preflight(&API, &empty_method).rejection(),
        Some(Rejection::Method(b""))
    );
    // An empty header list asks for nothing: allowed, with no Access-Control-Allow-Headers.
    let empty_list = preflight_request("https://app.example.com", "PUT", Some(""));
    let response = preflight_response(&API, &empty_list);
    assert!(preflight(&API, &empty_list).is_allowed());
    assert!(!response.contains_key("access-control-allow-headers"));
    // An empty private-network value is not a private-network request.
    let empty_private = headers(&[
        ("origin", b"https://app.example.com"),
        ("access-control-request-method", b"PUT"),
        ("access-control-request-private-network", b""),
    ]);
    assert!(preflight(&API, &empty_private).is_allowed());
    let actual = common::actual(&API, &Method::GET, &headers(&[("origin", b"")]));
    assert!(!actual.is_allowed());
    let mut response = HeaderMap::new();
    actual.write_headers(&mut response);
    assert_eq!(response.len(), 1, "only Vary: {response:?}");
}
