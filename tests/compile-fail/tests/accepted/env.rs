use cors_runtime::{CorsPolicy, cors_policy};

// Set in .cargo/config.toml:
// CORS_TEST_ORIGINS="https://app.example.com, https://*.example.org http://localhost:*"
static WHOLE: CorsPolicy = cors_policy! {
    allow_origins: env("CORS_TEST_ORIGINS"),
    allow_credentials: true,
};

// CORS_TEST_EXTRA_ORIGINS="https://partner.example", beside a literal.
static MIXED: CorsPolicy = cors_policy! {
    allow_origins: ["https://app.example.com", env("CORS_TEST_EXTRA_ORIGINS")],
};

// CORS_TEST_ANY_ORIGIN="*": any origin.
static ANY: CorsPolicy = cors_policy! { allow_origins: env("CORS_TEST_ANY_ORIGIN") };

#[test]
fn origins_come_from_the_environment_when_the_crate_compiles() {
    assert_eq!(
        WHOLE.origin_patterns(),
        [
            "http://localhost:*",
            "https://*.example.org",
            "https://app.example.com"
        ]
    );
    assert!(WHOLE.allows_origin(b"https://a.example.org"));
    assert!(MIXED.allows_origin(b"https://partner.example"));
    assert!(MIXED.allows_origin(b"https://app.example.com"));
    assert!(ANY.allows_origin(b"https://anyone.example"));
}
