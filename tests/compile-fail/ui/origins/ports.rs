use cors_runtime::{CorsPolicy, cors_policy};

static POLICY: CorsPolicy = cors_policy! {
    allow_origins: [
        "http://example.com:80",
        "https://example.com:0",
        "https://example.com:65536",
        "https://example.com:08443",
        "https://example.com:",
        "https://example.com:https",
    ],
};

fn main() {}
