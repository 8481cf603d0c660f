use cors_runtime::{CorsPolicy, cors_policy};

static FULL: CorsPolicy = cors_policy! {
    allow_origins: [
        "https://app.example.com",
        "https://*.example.com",
        "http://localhost:*",
        "https://*.example.com:*",
        "tauri://localhost",
        "http://[::1]:3000",
    ],
    allow_methods: [PUT, DELETE, "PURGE", "patch"],
    allow_headers: ["content-type", "authorization"],
    expose_headers: ["x-request-id"],
    allow_credentials: true,
    max_age: 600,
    allow_private_network: true,
    preflight_success_status: 200,
    refuse_cross_origin_writes: true,
};

const STARS: CorsPolicy = cors_policy! {
    allow_origins: *,
    allow_methods: *,
    allow_headers: [*, "authorization"],
    expose_headers: *,
};

#[test]
fn every_key_and_every_wildcard() {
    let trailing_comma_optional = cors_policy! { allow_origins: ["https://a.example"] };
    assert!(FULL.allows_origin(b"https://a.example.com"));
    assert!(STARS.allows_origin(b"https://anyone.example"));
    assert!(trailing_comma_optional.allows_origin(b"https://a.example"));
}
