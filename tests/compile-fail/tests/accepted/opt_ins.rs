use cors_runtime::{CorsPolicy, cors_policy};

static LEGACY: CorsPolicy = cors_policy! {
    allow_origins: ["http://intranet.example.com", "https://*.github.io"],
    allow_credentials: true,
    dangerously_allow_insecure_origins: true,
    dangerously_allow_public_suffix_subdomains: true,
};

static LOCAL: CorsPolicy = cors_policy! {
    allow_origins: [
        "tauri://localhost",
        "http://localhost:*",
        "http://127.0.0.1:8080",
        "http://[::1]:3000",
        "http://*.localhost:*",
        "https://example.com.",
        "https://xn--bcher-kva.de",
        "https://93.184.216.34",
    ],
    allow_credentials: true,
};

static CONNECTOR: CorsPolicy = cors_policy! { allow_origins: ["connector://example.com"] };

#[test]
fn opt_ins_where_they_take_effect() {
    assert!(LEGACY.allows_origin(b"http://intranet.example.com"));
    assert!(LEGACY.allows_origin(b"https://someone.github.io"));
    assert!(LOCAL.allows_origin(b"http://app.localhost:5173"));
    assert!(LOCAL.allows_origin(b"https://example.com."));
    assert!(!LOCAL.allows_origin(b"https://example.com"));
    assert!(CONNECTOR.allows_origin(b"connector://example.com"));
}
