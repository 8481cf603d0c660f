use cors_runtime::{CorsPolicy, cors_policy};

static POLICY: CorsPolicy = cors_policy! {
    allow_origins: [
        "https://*example.com",
        "https://a.*.example.com",
        "https://**.example.com",
        "https://*.127.0.0.1",
    ],
};

fn main() {}
