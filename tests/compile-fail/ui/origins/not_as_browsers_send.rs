use cors_runtime::{CorsPolicy, cors_policy};

static POLICY: CorsPolicy = cors_policy! {
    allow_origins: [
        "https://Example.com/",
        "https://example.com:443",
        "http://app.example.com/api",
        "https://a.*.example.com",
        "null",
        "https://app.example.com",
        "https://app.example.com",
    ],
};

fn main() {}
