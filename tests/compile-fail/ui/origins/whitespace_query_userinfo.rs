use cors_runtime::{CorsPolicy, cors_policy};

static POLICY: CorsPolicy = cors_policy! {
    allow_origins: [
        " https://app.example.com",
        "https://app example.com",
        "https://app.example.com?x=1",
        "https://app.example.com#top",
        "https://user:pass@app.example.com",
        "app.example.com",
        "HTTPS://app.example.com",
    ],
};

fn main() {}
