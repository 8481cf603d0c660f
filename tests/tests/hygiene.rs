//! The generated code must not depend on names at the call site: shadowed prelude items,
//! primitive types and crates change nothing.
#![allow(dead_code, non_camel_case_types, clippy::pedantic)]

mod shadowing {
    // Every name the generated code could have leaned on, shadowed.
    struct Option;
    struct Some;
    struct None;
    struct u8;
    struct str;
    struct bool;
    struct usize;
    struct u32;
    struct u64;
    struct Stored;
    struct Port;
    struct HeaderValue;
    struct StatusCode;
    mod core {}
    mod http {}
    mod std {}
    mod cors_runtime {}
    mod __private {}
    struct OriginSet;
    struct Table;
    struct Subdomain;

    pub(super) static POLICY: ::cors_runtime::CorsPolicy = ::cors_runtime::cors_policy! {
        allow_origins: ["https://app.example.com", "https://*.example.com:*"],
        allow_methods: [PUT],
        allow_headers: ["content-type"],
        expose_headers: ["x-request-id"],
        max_age: 60,
        allow_credentials: true,
        allow_private_network: true,
        preflight_success_status: 200,
    };

    pub(super) const OPEN: ::cors_runtime::CorsPolicy =
        ::cors_runtime::cors_policy! { allow_origins: * };
}

#[test]
fn shadowed_names_at_the_call_site_change_nothing() {
    assert!(shadowing::POLICY.allows_origin(b"https://app.example.com"));
    assert!(shadowing::POLICY.allows_origin(b"https://a.example.com:8080"));
    assert!(!shadowing::POLICY.allows_origin(b"https://example.com"));
    assert!(shadowing::OPEN.allows_origin(b"https://anyone.example"));
}

#[test]
fn usable_in_a_function_body_through_a_use() {
    use cors_runtime::cors_policy as policy;
    let local = policy! { allow_origins: ["http://127.0.0.1:8080"], max_age: 0 };
    assert!(local.allows_origin(b"http://127.0.0.1:8080"));
}
